"""F5 utilities: the year's bills against the cap, record a bill, see why line by line."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from station.domain.money import format_fen, parse_yuan
from station.domain.tariffs import CATEGORIES, exact_yuan_text, format_scaled, parse_quantity
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import InfoDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.tariffs import TariffsScreen
from station.services.common import Session
from station.services.ledger import PAYMENT_METHODS
from station.services.utilities import BillInfo, RecordedBill, UtilityService
from station.services.utility_reports import BILL_COLUMN_KEYS
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("utilities.record", "ctrl+n", "record_bill", "utilities.record", "utilities.record_help"),
    StationAction("utilities.tariffs", "ctrl+t", "tariffs", "utilities.tariffs", "utilities.tariffs_help"),
    StationAction("utilities.prev_year", "pageup", "year(-1)", "utilities.prev_year", "utilities.prev_year_help"),
    StationAction("utilities.next_year", "pagedown", "year(1)", "utilities.next_year", "utilities.next_year_help"),
)


def optional_quantity(text: str) -> int | None:
    return parse_quantity(text) if (text or "").strip() else None


class UtilitiesScreen(StationScreen):
    DEFAULT_CSS = """
    UtilitiesScreen #bills { height: 1fr; margin: 0 1; }
    UtilitiesScreen #util-hint { margin: 0 1; color: $text-muted; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, utilities: UtilityService, session: Session, print_job=None) -> None:
        super().__init__()
        self.print_job = print_job
        self.utilities = utilities
        self.session = session
        self.year = utilities.clock.now().year
        self.rows: list[BillInfo] = []
        self.bill_ids: list[int | None] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label("", id="util-title", classes="title")
        table: DataTable[Text] = DataTable(id="bills", cursor_type="row", zebra_stripes=True)
        table.add_columns(*(self.t(k) for k in BILL_COLUMN_KEYS))
        yield table
        yield Label(self.t("utilities.hint"), id="util-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bills").focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        year = self.year
        self.call_service(lambda: self.utilities.summary(year), self.show)

    def show(self, rows: list[BillInfo]) -> None:
        self.query_one("#util-title", Label).update(self.t("utilities.title", year=self.year))
        self.rows, self.bill_ids = rows, [None if r.is_total else r.id for r in rows]
        table = self.query_one("#bills", DataTable)
        table.clear()
        for row in rows:
            style = "bold red" if row.over_cap else ("bold" if row.is_total else "")
            cells = (
                self.t("utilities.year_total", year=row.period) if row.is_total else row.period,
                self.t(f"utility.category.{row.category}"),
                format_scaled(row.usage_milli, 3),
                format_fen(row.billed_fen),
                format_fen(row.village_fen),
                format_fen(row.cap_fen),
                format_fen(row.payable_fen),
                format_fen(row.excess_fen) if row.excess_fen else "",
                row.versions_text,
            )
            table.add_row(*(Text(c, style=style) for c in cells))

    def action_year(self, step: int) -> None:
        self.year += step
        self.reload()

    @on(DataTable.RowSelected, "#bills")
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        bill_id = self.bill_ids[event.cursor_row] if event.cursor_row < len(self.bill_ids) else None
        if bill_id is not None:
            self.call_service(lambda: self.utilities.explain(bill_id), self.explain)

    def explain(self, recorded: RecordedBill) -> None:
        self.app.push_screen(
            InfoDialog(
                self.t(
                    "utilities.why_title",
                    period=recorded.bill.period,
                    category=self.t(f"utility.category.{recorded.bill.category}"),
                ),
                explanation(self.t, recorded),
            )
        )

    @work
    async def action_record_bill(self) -> None:
        operator = self.session.require
        t = self.t
        recorded = await self.app.push_screen_wait(
            FormDialog(
                t("utilities.record_title"),
                [
                    FormField(
                        "category",
                        t("utilities.col_category"),
                        "electricity",
                        tuple((t(f"utility.category.{c}"), c) for c in CATEGORIES),
                    ),
                    FormField(
                        "method", t("utilities.method"), "cash", tuple((t(f"method.{m}"), m) for m in PAYMENT_METHODS)
                    ),
                    FormField("period", t("utilities.period"), placeholder="2026-10"),
                    FormField("start", t("utilities.meter_start")),
                    FormField("end", t("utilities.meter_end")),
                    FormField("usage", t("utilities.flat_usage")),
                    FormField("old_final", t("utilities.old_meter_final")),
                    FormField("billed", t("utilities.billed")),
                    FormField("note", t("utilities.payer_note")),
                ],
                lambda v: self.utilities.record_bill(
                    operator,
                    category=v["category"],
                    period=v["period"],
                    billed_fen=parse_yuan(v["billed"]),
                    meter_start_milli=optional_quantity(v["start"]),
                    meter_end_milli=optional_quantity(v["end"]),
                    usage_milli=optional_quantity(v["usage"]),
                    old_meter_final_milli=optional_quantity(v["old_final"]),
                    method=v["method"],
                    payer_note=v["note"],
                ),
                focus="period",
            )
        )
        if recorded is None:
            return
        if recorded.job_id and self.print_job:
            self.print_job(recorded.job_id)
        self.reload()
        self.explain(recorded)

    def action_tariffs(self) -> None:
        self.app.push_screen(TariffsScreen(self.utilities, self.session))


def explanation(t, recorded: RecordedBill) -> str:
    """The bill line by line: tiers, fixed fee, village amount, cap, payable, excess."""
    result, tariff, bill = recorded.result, recorded.tariff, recorded.bill
    lines = [
        t("utilities.why_tariff", version=tariff.version, date=str(tariff.effective_from), note=tariff.source_note),
        t("utilities.why_usage", usage=format_scaled(bill.usage_milli, 3), unit=tariff.unit),
    ]
    for i, line in enumerate(result.lines, start=1):
        upper = format_scaled(line.upper_milli, 3) if line.upper_milli is not None else "∞"
        lines.append(
            t(
                "utilities.why_tier",
                n=i,
                low=format_scaled(line.lower_milli, 3),
                high=upper,
                usage=format_scaled(line.usage_milli, 3),
                rate=format_scaled(line.rate_1e4, 4),
                amount=exact_yuan_text(line.amount_1e5),
            )
        )
    if result.fixed_fee_fen:
        lines.append(t("utilities.why_fixed", fee_fen=result.fixed_fee_fen))
    lines += [
        t("utilities.why_village", village_fen=result.village_fen),
        t("utilities.why_cap", cap_fen=result.cap_fen),
        t("utilities.why_billed", billed_fen=result.billed_fen),
        t("utilities.why_payable", payable_fen=result.payable_fen),
    ]
    if result.over_cap:
        lines.append(t("utilities.why_excess", excess_fen=result.excess_fen))
    return "\n".join(lines)
