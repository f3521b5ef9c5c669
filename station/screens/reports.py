"""F7 reports: trends for a period (sparklines) with the tables under them, and the county
export with progress (masked, or unmasked after a confirmation)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Label, ProgressBar, Sparkline

from station.domain.money import fen_to_yuan_text
from station.domain.periods import Period
from station.presenters.report_tables import REPORT_TABLES, ReportTable
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog, FormField
from station.services.common import Session
from station.services.exports import ExportResult, ExportService
from station.services.reports import ReportCharts, ReportService
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

CHARTS = ("arrivals", "pickups", "overdue", "income", "utility_billed", "utility_cap")
TABLES = ("carriers", "courier-income", "consignments", "purchases", "hours", "pending")


ACTIONS = (
    StationAction("reports.day", "d", "period('day')", "reports.day", "reports.day_help"),
    StationAction("reports.week", "w", "period('week')", "reports.week", "reports.week_help"),
    StationAction("reports.month", "m", "period('month')", "reports.month", "reports.month_help"),
    StationAction("reports.custom", "p", "custom_period", "reports.custom", "reports.custom_help"),
    StationAction("reports.export", "ctrl+e", "export(True)", "reports.export", "reports.export_help"),
    StationAction(
        "reports.export_unmasked", "ctrl+u", "export(False)", "reports.export_unmasked", "reports.export_unmasked_help"
    ),
)


class ReportsScreen(StationScreen):
    DEFAULT_CSS = """
    ReportsScreen #export-progress { margin: 0 2; }
    ReportsScreen #export-result { margin: 0 2; }
    ReportsScreen #charts { height: auto; margin: 0 1; }
    ReportsScreen .chart-label { margin: 1 0 0 0; }
    ReportsScreen Sparkline { height: 3; }
    ReportsScreen #report-body { height: 1fr; }
    ReportsScreen #tables { height: 16; margin: 0 1; }
    ReportsScreen #tables DataTable { width: 1fr; height: 1fr; margin: 0 1 0 0; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    @dataclass
    class ExportProgressed(Message):
        done: int
        total: int

    def __init__(
        self, exports: ExportService, reports: ReportService, session: Session, export_dir: Path, parcel_config
    ) -> None:
        super().__init__()
        self.exports = exports
        self.reports = reports
        self.session = session
        self.export_dir = export_dir
        self.parcel_config = parcel_config
        self.period_text = "week"
        self.charts: dict[str, list[int]] = {}

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label("", id="report-title", classes="title")
        with VerticalScroll(id="report-body"):
            with Vertical(id="charts"):
                for chart in CHARTS:
                    yield Label(self.t(f"reports.chart.{chart}"), id=f"label-{chart}", classes="chart-label")
                    yield Sparkline([], id=f"chart-{chart}")
            with Horizontal(id="tables"):
                for name in TABLES:
                    yield DataTable(id=f"table-{name}", cursor_type="row", zebra_stripes=True)
        yield Label(self.t("reports.export_intro"), id="export-intro")
        yield ProgressBar(total=1, id="export-progress", show_eta=False)
        yield Label("", id="export-result")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        text, operator, reports, t = self.period_text, self.session.require, self.reports, self.app.t

        def load() -> tuple[Period, dict[str, ReportTable], ReportCharts]:
            masked = reports.names_masked(operator)  # the reports service decides, not the screen
            period = reports.period(text)
            tables = {name: REPORT_TABLES[name](t, period, self.parcel_config, masked) for name in TABLES}
            return period, tables, reports.charts(period)

        self.call_service(load, self.show, group="reports", exclusive=True)

    def show(self, found: tuple[Period, dict[str, ReportTable], ReportCharts]) -> None:
        period, tables, charts = found
        self.query_one("#report-title", Label).update(self.t("reports.period_title", period=period.label))
        self.charts = {name: list(chart.values) for name, chart in charts.charts.items()}
        for name, chart in charts.charts.items():
            self.query_one(f"#chart-{name}", Sparkline).data = list(chart.values)
            total = fen_to_yuan_text(chart.total) if chart.money else str(chart.total)
            self.query_one(f"#label-{name}", Label).update(
                self.t(f"reports.chart.{name}") + self.t("reports.chart_sum", total=total)
            )
        # counter money by kind over the period
        by_kind = [f"{self.t('ledger.kind.' + k)} {fen_to_yuan_text(v)}" for k, v in charts.income_by_kind_fen.items()]
        if by_kind:
            self.query_one("#label-income", Label).update(
                self.t("reports.chart.income")
                + self.t("reports.chart_sum", total=fen_to_yuan_text(charts.charts["income"].total))
                + "  "
                + self.t("list.sep").join(by_kind)
            )
        for name in TABLES:
            table = self.query_one(f"#table-{name}", DataTable)
            table.clear(columns=True)
            rows = [[str(cell) for cell in row] for row in tables[name].rows[:12]]
            # Each column as wide as its widest cell from the start. Left to DataTable, the
            # widths grow when it is next idle, and a frame drawn before that stays cached
            # with the header's width ("09:0" for "09:00", seen in 1 start of 5).
            for column, label in enumerate(tables[name].header):
                table.add_column(label, width=max([cell_len(label), *(cell_len(row[column]) for row in rows)]))
            for row in rows:
                table.add_row(*row)

    def action_period(self, kind: str) -> None:
        self.period_text = kind
        self.reload()

    @work
    async def action_custom_period(self) -> None:
        reports = self.reports
        chosen = await self.app.push_screen_wait(
            FormDialog(
                self.t("reports.custom_title"),
                [FormField("period", self.t("reports.custom_hint"), str(reports.clock.now().date()))],
                lambda v: (reports.period(v["period"]), v["period"])[1],
            )
        )
        if chosen is not None:
            self.period_text = chosen
            self.reload()

    def action_export(self, masked: bool) -> None:
        # The month to offer (last month) is the reports service's arithmetic, not the screen's.
        self.call_service(self.reports.last_month, lambda period: self.export(masked, period.label))

    @work
    async def export(self, masked: bool, last_month: str) -> None:
        operator = self.session.require
        values = await self.app.push_screen_wait(
            FormDialog(
                self.t("reports.export_title"),
                [
                    FormField("period", self.t("utilities.period"), last_month),
                    FormField(
                        "out",
                        self.t("reports.export_dir"),
                        str(self.export_dir / last_month),
                        follows=lambda v: str(self.export_dir / v["period"].strip()),
                    ),
                ],
                lambda v: v,
            )
        )
        if values is None:
            return
        if not masked and not await self.app.push_screen_wait(ConfirmDialog(self.t("reports.unmasked_question"))):
            return
        out = Path(values["out"]).expanduser()
        self.query_one("#export-progress", ProgressBar).update(total=None, progress=0)
        self.call_service(
            lambda: self.exports.export(
                operator,
                values["period"],
                out,
                masked=masked,
                progress=lambda done, total: self.post_message(self.ExportProgressed(done, total)),
            ),
            self.exported,
            group="export",
        )

    def on_reports_screen_export_progressed(self, message: ExportProgressed) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=message.total, progress=message.done)

    def exported(self, result: ExportResult) -> None:
        self.query_one("#export-result", Label).update(
            self.t("export.done", path=str(result.out_dir), rows=sum(result.rows.values()), sha=result.manifest_sha256)
        )
        self.notify(self.t("reports.exported"))
