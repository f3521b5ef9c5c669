"""F4 consignments: lots in stock, intake, sell (one or more lots), write-off, settle, stocktake."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Input, Label

from station.domain.commission import UNITS, parse_percent_bp
from station.domain.money import format_fen, parse_yuan
from station.domain.periods import parse_shelf_life
from station.domain.tariffs import format_scaled, parse_quantity
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.complaints import complaint_lines, complaint_marks
from station.screens.dialogs import InfoDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.villager_picker import VillagerPickerDialog
from station.services.common import Session
from station.services.complaints import ComplaintInfo, ComplaintService
from station.services.consignments import ConsignmentService, LotInfo, SaleLine
from station.services.ledger import PAYMENT_METHODS
from station.services.settlements import SETTLE_METHODS, SettlementPreview, SettlementService
from station.services.villagers import VillagerService
from station.widgets.footer import Footer
from station.widgets.selectable_table import SelectableTable
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("consign.intake", "ctrl+n", "intake", "consign.intake", "consign.intake_help"),
    StationAction("consign.sell", "f10", "sell", "consign.sell", "consign.sell_help"),
    StationAction("consign.writeoff", "ctrl+w", "move_out('writeoff')", "consign.writeoff", "consign.writeoff_help"),
    StationAction("consign.return", "ctrl+b", "move_out('return')", "consign.return", "consign.return_help"),
    StationAction("consign.settle", "ctrl+e", "settle", "consign.settle", "consign.settle_help"),
    StationAction("consign.stocktake", "ctrl+t", "stocktake", "consign.stocktake", "consign.stocktake_help"),
)


class ConsignmentsScreen(StationScreen):
    DEFAULT_CSS = """
    ConsignmentsScreen #lots { height: 1fr; margin: 0 1; }
    ConsignmentsScreen #lot-filter { margin: 0 1; }
    ConsignmentsScreen #lots-hint { margin: 0 1; color: $text-muted; }
    ConsignmentsScreen #lot-complaints { margin: 0 1; color: $warning; height: auto; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(
        self,
        consignments: ConsignmentService,
        settlements: SettlementService,
        villagers: VillagerService,
        session: Session,
        print_job,
        complaints: ComplaintService | None = None,
    ) -> None:
        super().__init__()
        self.complaints = complaints
        self.about: dict[int, list[ComplaintInfo]] = {}  # complaints about the lots, by lot id
        self.consignments = consignments
        self.settlements = settlements
        self.villagers = villagers
        self.session = session
        self.print_job = print_job
        self.lots: dict[int, LotInfo] = {}

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("consign.title"), classes="title")
        yield Input(placeholder=self.t("consign.filter_placeholder"), id="lot-filter")
        table = SelectableTable(id="lots")
        table.add_columns(
            "",
            *(
                self.t(k)
                for k in (
                    "consign.lot_no",
                    "consign.consignor",
                    "consign.product",
                    "consign.stock",
                    "consign.unit_price",
                    "consign.commission",
                    "consign.received",
                    "consign.expires",
                    "consign.flags",
                )
            ),
        )
        yield table
        yield Label("", id="lot-complaints")
        yield Label(self.t("consign.hint"), id="lots-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#lots").focus()
        self.reload()

    def reload(self) -> None:
        consignments, complaints = self.consignments, self.complaints

        def load():
            lots = consignments.lots()
            return lots, complaints.about_many("lot", [lot.id for lot in lots]) if complaints else {}

        self.call_service(load, lambda loaded: self.show(*loaded))

    def show(self, lots: list[LotInfo], about: dict[int, list[ComplaintInfo]] | None = None) -> None:
        self.all_lots = lots
        self.about = about or {}
        self.apply_filter(self.query_one("#lot-filter", Input).value)

    @on(Input.Changed, "#lot-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#lot-filter")
    def filter_done(self) -> None:
        self.query_one("#lots").focus()

    def apply_filter(self, text: str) -> None:
        """Words match consignor, product, grade or lot number; "临期"/"near" keeps lots near expiry."""
        words = text.split()
        lots = [lot for lot in getattr(self, "all_lots", []) if all(w in self.searchable(lot) for w in words)]
        self.lots = {lot.id: lot for lot in lots}
        self.query_one("#lots", SelectableTable).set_rows((lot.id, self.cells(lot)) for lot in lots)

    def searchable(self, lot: LotInfo) -> str:
        flags = self.t("consign.near_expiry") if lot.near_expiry else ""
        return " ".join((lot.lot_no, lot.consignor_name, lot.product, lot.grade, flags))

    def cells(self, lot: LotInfo):
        unit = self.t(f"unit.{lot.unit}")
        flags = []
        if lot.expired:
            flags.append(self.t("consign.expired"))
        elif lot.near_expiry:
            flags.append(self.t("consign.near_expiry"))
        if lot.markdown_price_fen is not None:
            flags.append(self.t("consign.markdown", price_fen=lot.markdown_price_fen))
        if lot.id in self.about:
            flags.append(complaint_marks(self.t, self.about[lot.id]))
        style = "bold red" if lot.expired else "bold yellow" if lot.near_expiry else ""
        return (
            lot.lot_no,
            lot.consignor_name,
            f"{lot.product} {lot.grade}".strip(),
            f"{format_scaled(lot.stock_milli, 3)} {unit}",
            f"{format_fen(lot.unit_price_fen)}/{unit}",
            f"{format_scaled(lot.commission_bp, 2)}%",
            lot.received_at.strftime("%m-%d"),
            str(lot.expires_on or ""),
            Text(" ".join(flags), style=style),
        )

    @on(SelectableTable.RowHighlighted, "#lots")
    def row_highlighted(self, event: SelectableTable.RowHighlighted) -> None:
        """The complaints about the lot under the cursor, in full, under the list."""
        ids = self.query_one("#lots", SelectableTable).ids
        about = self.about.get(ids[event.cursor_row], []) if event.cursor_row < len(ids) else []
        self.query_one("#lot-complaints", Label).update(complaint_lines(self.t, about))

    def chosen(self) -> list[LotInfo]:
        return [self.lots[i] for i in self.query_one("#lots", SelectableTable).chosen()]

    @work
    async def action_intake(self) -> None:
        consignor = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers, consignors_first=True))
        if consignor is None:
            return
        operator = self.session.require
        t = self.t
        result = await self.app.push_screen_wait(
            FormDialog(
                t("consign.intake_title", name=consignor.name),
                [
                    FormField("unit", t("consign.unit"), "jin", tuple((t(f"unit.{u}"), u) for u in UNITS)),
                    FormField("product", t("consign.product")),
                    FormField("grade", t("consign.grade")),
                    FormField("qty", t("consign.quantity")),
                    FormField("price", t("consign.unit_price_yuan")),
                    FormField(
                        "rate", t("consign.rate_percent"), format_scaled(self.consignments.config.commission_bp, 2)
                    ),
                    FormField("expires", t("consign.shelf_life"), placeholder=t("consign.shelf_life_example")),
                ],
                lambda v: self.consignments.intake(
                    operator,
                    consignor_id=consignor.id,
                    product=v["product"],
                    grade=v["grade"],
                    unit=v["unit"],
                    qty_milli=parse_quantity(v["qty"]),
                    unit_price_fen=parse_yuan(v["price"]),
                    commission_bp=parse_percent_bp(v["rate"]),
                    expires_on=parse_shelf_life(v["expires"], self.settlements.clock.now().date()),
                ),
                focus="product",
            )
        )
        if result is not None:
            self.notify(self.t("consign.intake_done", lot=result.lot.lot_no))
            self.print_job(result.job_id)
            self.reload()

    @work
    async def action_sell(self) -> None:
        lots = self.chosen()
        if not lots:
            return
        operator = self.session.require
        t = self.t
        fields = [
            FormField("method", t("utilities.method"), "cash", tuple((t(f"method.{m}"), m) for m in PAYMENT_METHODS))
        ]
        for lot in lots:
            fields.append(
                FormField(
                    f"qty_{lot.id}",
                    t("consign.sell_qty", product=lot.product, lot=lot.lot_no, unit_key=f"unit.{lot.unit}"),
                )
            )
        if len(lots) == 1:
            fields += [
                FormField("price", t("consign.sale_price", price_fen=lots[0].unit_price_fen)),
                FormField("reason", t("consign.price_reason")),
            ]

        def sell(values):
            lines = [
                SaleLine(
                    lot.id,
                    parse_quantity(values[f"qty_{lot.id}"]),
                    parse_yuan(values["price"]) if values.get("price", "").strip() else None,
                    values.get("reason", ""),
                )
                for lot in lots
            ]
            return self.consignments.sell(operator, lines, method=values["method"])

        sold = await self.app.push_screen_wait(
            FormDialog(t("consign.sell_title", n=len(lots)), fields, sell, focus=f"qty_{lots[0].id}")
        )
        if sold is not None:
            self.notify(self.t("consign.sold", amount_fen=sold.amount_fen))
            self.print_job(sold.job_id)
            self.reload()

    @work
    async def action_move_out(self, kind: str) -> None:
        lots = self.chosen()
        if len(lots) != 1:
            return
        lot, operator = lots[0], self.session.require
        done = await self.app.push_screen_wait(
            FormDialog(
                self.t(f"consign.{kind}_title", lot=lot.lot_no, product=lot.product),
                [FormField("qty", self.t("consign.quantity")), FormField("reason", self.t("consign.reason"))],
                lambda v: self.consignments.move_out(
                    operator, lot.id, parse_quantity(v["qty"]), kind=kind, reason=v["reason"]
                ),
            )
        )
        if done is not None:
            self.reload()

    @work
    async def action_settle(self) -> None:
        consignor = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers, consignors_first=True))
        if consignor is None:
            return
        today = self.settlements.clock.now().date()
        self.call_service(lambda: self.settlements.preview(consignor.id, today), self.confirm_settlement)

    @work
    async def confirm_settlement(self, preview: SettlementPreview) -> None:
        t = self.t
        lines = [
            t(
                "settle.preview_line",
                date=f"{l.at:%m-%d}",
                product=l.product,
                qty=format_scaled(l.qty_milli, 3),
                unit_key=f"unit.{l.unit}",
                amount_fen=l.amount_fen,
                commission_fen=l.commission_fen,
            )
            for l in preview.lines  # noqa: E741
        ]
        lines += [
            t(
                "settle.write_off_line",
                date=f"{at:%m-%d}",
                product=p,
                qty=format_scaled(q, 3),
                unit_key=f"unit.{u}",
                reason=r,
            )
            for at, p, q, u, r in preview.write_offs
        ]
        lines.append(
            t(
                "settle.preview_total",
                gross_fen=preview.gross_fen,
                commission_fen=preview.commission_fen,
                payout_fen=preview.payout_fen,
            )
        )
        if not preview.lines or preview.below_minimum:
            self.app.push_screen(InfoDialog(t("settle.preview_title", name=preview.consignor_name), "\n".join(lines)))
            return
        operator = self.session.require
        settled = await self.app.push_screen_wait(
            FormDialog(
                t("settle.preview_title", name=preview.consignor_name),
                [FormField("method", t("settle.pay_by"), "cash", tuple((t(f"method.{m}"), m) for m in SETTLE_METHODS))],
                lambda v: self.settlements.settle(
                    operator, preview.consignor_id, preview.period_end, method=v["method"]
                ),
                hint="\n".join([*lines, t("settle.confirm_method")]),
            )
        )
        if settled is not None:
            self.settled(settled)

    def settled(self, settled) -> None:
        self.notify(self.t("settle.done", no=settled.statement_no, payout_fen=settled.preview.payout_fen))
        self.print_job(settled.job_id)
        self.reload()

    @work
    async def action_stocktake(self) -> None:
        lots = list(self.lots.values())
        if not lots:
            return
        operator = self.session.require
        fields = []
        for lot in lots:
            fields.append(
                FormField(
                    f"count_{lot.id}",
                    self.t(
                        "consign.count_line",
                        lot=lot.lot_no,
                        product=lot.product,
                        stock=format_scaled(lot.stock_milli, 3),
                        unit_key=f"unit.{lot.unit}",
                    ),
                    format_scaled(lot.stock_milli, 3),
                )
            )
            fields.append(FormField(f"reason_{lot.id}", self.t("consign.count_reason")))

        def take(values):
            counts = {lot.id: (parse_quantity(values[f"count_{lot.id}"]), values[f"reason_{lot.id}"]) for lot in lots}
            return self.consignments.stocktake(operator, counts)

        report = await self.app.push_screen_wait(FormDialog(self.t("consign.stocktake_title"), fields, take))
        if report is None:
            return
        body = "\n".join(
            self.t(
                "consign.stocktake_line",
                lot=lot_no,
                expected=format_scaled(e, 3),
                counted=format_scaled(c, 3),
                reason=r,
            )
            for lot_no, e, c, r in report
        )
        self.app.push_screen(InfoDialog(self.t("consign.stocktake_report"), body))
        self.reload()
