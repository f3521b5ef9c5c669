"""Print jobs: what printed, what failed and why; retry a failed one or reprint (重印)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from station.printing.queue import JobInfo, PrintService
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.receipt_preview import ReceiptPreview
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("print.retry", "r", "retry", "print.retry", "print.retry_help"),
    StationAction("print.reprint", "p", "reprint", "print.reprint", "print.reprint_help"),
    StationAction("print.test", "t", "test_page", "print.test", "print.test_help"),
    StationAction("print.preview", "v", "preview", "print.preview", "print.preview_help"),
)


class PrintJobsScreen(StationScreen):
    DEFAULT_CSS = """
    PrintJobsScreen #jobs { height: 1fr; margin: 0 1; }
    PrintJobsScreen #hint { margin: 0 1; color: $text-muted; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, printing: PrintService, operator_name: str) -> None:
        super().__init__()
        self.printing = printing
        self.operator_name = operator_name
        self.shown: list[JobInfo] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("print.jobs_title"), classes="title")
        table: DataTable[str] = DataTable(id="jobs", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            self.t("print.col_no"),
            self.t("print.col_kind"),
            self.t("print.col_status"),
            self.t("print.col_attempts"),
            self.t("print.col_error"),
        )
        yield table
        yield Label(self.t("print.jobs_hint"), id="hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#jobs").focus()
        self.reload()

    def reload(self) -> None:
        self.call_service(self.printing.jobs, self.show)

    def show(self, jobs: list[JobInfo]) -> None:
        self.shown = jobs
        table = self.query_one("#jobs", DataTable)
        table.clear()
        for job in jobs:
            status = self.t(f"print.status.{job.status}")
            if job.is_reprint:
                status += " " + self.t("print.reprint_mark")
            table.add_row(
                job.receipt_no,
                self.t(f"receipt.title.{job.kind}"),
                status,
                str(job.attempts),
                job.last_error,
                key=str(job.id),
            )

    def selected(self) -> JobInfo | None:
        table = self.query_one("#jobs", DataTable)
        if not self.shown or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def action_retry(self) -> None:
        job = self.selected()
        if job is not None:
            self.app.print_job(job.id, then=self.reload)

    def action_reprint(self) -> None:
        job = self.selected()
        if job is not None:
            self.call_service(
                lambda: self.printing.reprint(job.id),
                lambda new_id: self.app.print_job(new_id, then=self.reload),
            )

    def action_preview(self) -> None:
        job = self.selected()
        if job is not None:
            config = self.printing.config
            self.call_service(
                lambda: self.printing.document(job.id),
                lambda receipt: self.app.push_screen(ReceiptPreview(receipt, config.width_columns, config.qr_error)),
            )

    def action_test_page(self) -> None:
        self.call_service(
            lambda: self.printing.print_test_page(self.operator_name),
            lambda job_id: self.app.print_job(job_id, then=self.reload),
        )
