"""F7 reports: the county export with progress (masked, or unmasked after a confirmation)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Footer, Label, ProgressBar

from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog, FormField
from station.services.common import Session
from station.services.exports import ExportResult, ExportService
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("reports.export", "ctrl+e", "export(True)", "reports.export", "reports.export_help"),
    StationAction("reports.export_unmasked", "ctrl+u", "export(False)", "reports.export_unmasked",
                  "reports.export_unmasked_help"),
)


class ReportsScreen(StationScreen):
    DEFAULT_CSS = """
    ReportsScreen #export-progress { margin: 1 2; }
    ReportsScreen #export-result { margin: 0 2; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    @dataclass
    class ExportProgressed(Message):
        done: int
        total: int

    def __init__(self, exports: ExportService, session: Session, export_dir: Path) -> None:
        super().__init__()
        self.exports = exports
        self.session = session
        self.export_dir = export_dir

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("reports.title"), classes="title")
        yield Label(self.t("reports.export_intro"), id="export-intro")
        yield ProgressBar(id="export-progress", show_eta=False)
        yield Label("", id="export-result")
        yield Footer()

    @work
    async def action_export(self, masked: bool) -> None:
        operator = self.session.require
        today = self.exports.clock.now()
        last_month = f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"
        values = await self.app.push_screen_wait(FormDialog(
            self.t("reports.export_title"),
            [FormField("period", self.t("utilities.period"), last_month),
             FormField("out", self.t("reports.export_dir"), str(self.export_dir / f"{last_month}"))],
            lambda v: v))
        if values is None:
            return
        if not masked and not await self.app.push_screen_wait(ConfirmDialog(self.t("reports.unmasked_question"))):
            return
        out = Path(values["out"]).expanduser()
        self.query_one("#export-progress", ProgressBar).update(total=None, progress=0)
        self.call_service(
            lambda: self.exports.export(operator, values["period"], out, masked=masked,
                                        progress=lambda done, total: self.post_message(self.ExportProgressed(done, total))),
            self.exported, group="export",
        )

    def on_reports_screen_export_progressed(self, message: ExportProgressed) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=message.total, progress=message.done)

    def exported(self, result: ExportResult) -> None:
        self.query_one("#export-result", Label).update(self.t(
            "export.done", path=str(result.out_dir), rows=sum(result.rows.values()), sha=result.manifest_sha256))
        self.notify(self.t("reports.exported"))
