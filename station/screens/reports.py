"""F7 reports: trends for a period (sparklines) with the tables under them, and the county
export with progress (masked, or unmasked after a confirmation)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, ProgressBar, Sparkline

from station.domain.money import fen_to_yuan_text
from station.domain.periods import parse_period, previous_month
from station.domain.permissions import allowed
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog, FormField
from station.services.common import Session
from station.services.exports import ExportResult, ExportService
from station.services.report_tables import REPORT_TABLES
from station.services.utility_reports import summary
from station.widgets.status_line import StatusLine

CHARTS = ("arrivals", "pickups", "overdue", "income", "utility_billed", "utility_cap")
TABLES = ("carriers", "courier-income", "consignments", "purchases", "hours", "pending")


def _monthly(rows, field: str) -> list[int]:
    """Fen per month (all categories) from the utility summary's month rows."""
    totals: dict[str, int] = {}
    for row in rows:
        if len(row.period) == 7:
            totals[row.period] = totals.get(row.period, 0) + getattr(row, field)
    return [totals[month] for month in sorted(totals)]


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

    def __init__(self, exports: ExportService, session: Session, export_dir: Path, parcel_config) -> None:
        super().__init__()
        self.exports = exports
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
        text, today = self.period_text, self.exports.clock.now().date()
        masked = not allowed(self.session.require.role, "report.names")  # the permission table decides

        def load():
            period = parse_period(text, today)
            tables = {
                name: REPORT_TABLES[name](self.app.t, period, self.parcel_config, masked)
                for name in (*TABLES, "parcels-trend", "income")
            }
            return period, tables, summary(period.start.year)

        self.call_service(load, self.show, group="reports", exclusive=True)

    def show(self, found) -> None:
        period, tables, utility_rows = found
        self.query_one("#report-title", Label).update(self.t("reports.period_title", period=period.label))
        trend, income = tables["parcels-trend"], tables["income"]
        # Bar heights only: counts, and money as whole fen (exact); totals are shown in yuan.
        self.charts = {
            "arrivals": [row[1] for row in trend.rows],
            "pickups": [row[2] for row in trend.rows],
            "overdue": [row[3] for row in trend.rows],
            "income": [int(row[-1].scaleb(2)) for row in income.rows],
            # utilities: month by month of the period's year, all categories together
            "utility_billed": _monthly(utility_rows, "billed_fen"),
            "utility_cap": _monthly(utility_rows, "cap_fen"),
        }
        money = {"income", "utility_billed", "utility_cap"}
        for chart, values in self.charts.items():
            self.query_one(f"#chart-{chart}", Sparkline).data = values
            total = fen_to_yuan_text(sum(values)) if chart in money else str(sum(values))
            self.query_one(f"#label-{chart}", Label).update(
                self.t(f"reports.chart.{chart}") + self.t("reports.chart_sum", total=total)
            )
        # counter money by kind: the income table's columns (kinds) summed over the period
        by_kind = [
            f"{name} {sum(row[i] for row in income.rows)}" for i, name in enumerate(income.header[1:-1], start=1)
        ]
        if by_kind:
            self.query_one("#label-income", Label).update(
                self.t("reports.chart.income")
                + self.t("reports.chart_sum", total=fen_to_yuan_text(sum(self.charts["income"])))
                + "  "
                + self.t("list.sep").join(by_kind)
            )
        for name in TABLES:
            table = self.query_one(f"#table-{name}", DataTable)
            table.clear(columns=True)
            table.add_columns(*tables[name].header)
            for row in tables[name].rows[:12]:
                table.add_row(*(str(cell) for cell in row))

    def action_period(self, kind: str) -> None:
        self.period_text = kind
        self.reload()

    @work
    async def action_custom_period(self) -> None:
        today = self.exports.clock.now().date()
        chosen = await self.app.push_screen_wait(
            FormDialog(
                self.t("reports.custom_title"),
                [FormField("period", self.t("reports.custom_hint"), str(today))],
                lambda v: (parse_period(v["period"], today), v["period"])[1],
            )
        )
        if chosen is not None:
            self.period_text = chosen
            self.reload()

    @work
    async def action_export(self, masked: bool) -> None:
        operator = self.session.require
        today = self.exports.clock.now()
        last_month = previous_month(today.date()).label
        values = await self.app.push_screen_wait(
            FormDialog(
                self.t("reports.export_title"),
                [
                    FormField("period", self.t("utilities.period"), last_month),
                    FormField("out", self.t("reports.export_dir"), str(self.export_dir / f"{last_month}")),
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
