"""F3 assisted purchases: the order list, a new order, and each order's steps and money."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Label

from station.domain.errors import StationError
from station.domain.money import fen_to_yuan_text, format_fen, parse_yuan
from station.domain.orders import PLATFORMS, order_total_fen, parse_items
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import InfoDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.villager_picker import VillagerPickerDialog
from station.services.common import Session
from station.services.complaints import ComplaintService
from station.services.ledger import PAYMENT_METHODS
from station.services.purchases import OrderInfo, PurchaseService
from station.services.villagers import VillagerService
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

LIST_ACTIONS = (
    StationAction("purchases.new", "ctrl+n", "new_order", "purchases.new", "purchases.new_help"),
    StationAction("purchases.account", "ctrl+a", "account", "purchases.account", "purchases.account_help"),
    StationAction("purchases.filter", "ctrl+f", "focus_filter", "purchases.filter", "purchases.filter_help"),
)
ORDER_ACTIONS = (
    StationAction("order.place", "ctrl+o", "place", "order.place", "order.place_help"),
    StationAction("order.ship", "ctrl+s", "ship", "order.ship", "order.ship_help"),
    StationAction("order.refs", "ctrl+t", "edit_refs", "order.refs", "order.refs_help"),
    StationAction("order.pay", "ctrl+g", "pay", "order.pay", "order.pay_help"),
    StationAction("order.hand_over", "f10", "hand_over", "order.hand_over", "order.hand_over_help"),
    StationAction("order.cancel", "ctrl+x", "cancel", "order.cancel", "order.cancel_help"),
    StationAction("order.after_sale", "ctrl+b", "after_sale", "order.after_sale", "order.after_sale_help"),
    StationAction("order.complete", "ctrl+e", "complete", "order.complete", "order.complete_help"),
)


def method_field(t, field_id: str = "method") -> FormField:
    return FormField(field_id, t("utilities.method"), "cash", tuple((t(f"method.{m}"), m) for m in PAYMENT_METHODS))


def optional_yuan(text: str) -> int:
    return parse_yuan(text) if (text or "").strip() else 0


class PurchasesScreen(StationScreen):
    DEFAULT_CSS = """
    PurchasesScreen #filter { margin: 0 1; }
    PurchasesScreen #orders { height: 1fr; margin: 0 1; }
    """
    ACTIONS = LIST_ACTIONS
    BINDINGS = bindings_for(LIST_ACTIONS)

    def __init__(
        self,
        purchases: PurchaseService,
        villagers: VillagerService,
        session: Session,
        print_job,
        complaints: ComplaintService | None = None,
    ) -> None:
        super().__init__()
        self.complaints = complaints
        self.purchases = purchases
        self.villagers = villagers
        self.session = session
        self.print_job = print_job
        self.all: list[OrderInfo] = []
        self.shown: list[OrderInfo] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("purchases.title"), classes="title")
        yield Input(placeholder=self.t("purchases.filter_placeholder"), id="filter")
        table: DataTable[str] = DataTable(id="orders", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            *(
                self.t(k)
                for k in (
                    "purchases.col_no",
                    "purchases.col_date",
                    "villagers.name",
                    "purchases.col_platform",
                    "purchases.col_items",
                    "receipt.total",
                    "purchase.paid_so_far",
                    "purchases.col_status",
                )
            )
        )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#orders").focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call_service(self.purchases.orders, self.show_all)

    def show_all(self, orders: list[OrderInfo]) -> None:
        self.all = orders
        self.apply_filter(self.query_one("#filter", Input).value)

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        self.query_one("#orders").focus()

    def apply_filter(self, text: str) -> None:
        words = text.split()
        self.shown = [o for o in self.all if all(w in self.searchable(o) for w in words)]
        table = self.query_one("#orders", DataTable)
        table.clear()
        for o in self.shown:
            table.add_row(
                f"#{o.id}",
                o.created_at.strftime("%Y-%m-%d"),
                o.villager_name,
                self.t(f"platform.{o.platform}"),
                self.t("list.sep").join(i.description for i in o.items),
                format_fen(o.total_fen),
                format_fen(o.paid_fen),
                self.t(f"purchase.status.{o.status}"),
            )

    def searchable(self, o: OrderInfo) -> str:
        return " ".join(
            (
                o.villager_name,
                self.t(f"platform.{o.platform}"),
                self.t(f"purchase.status.{o.status}"),
                o.created_at.strftime("%Y-%m-%d"),
                o.external_order_no,
                f"#{o.id}",
            )
        )

    def show_status(self, status: str) -> None:
        """Only the orders in this status (the home tile's Enter): the filter says so, Esc-able."""
        self.query_one("#filter", Input).value = self.t(f"purchase.status.{status}")
        self.query_one("#orders").focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter").focus()

    @on(DataTable.RowSelected, "#orders")
    def open_order(self, event: DataTable.RowSelected) -> None:
        order = self.shown[event.cursor_row]
        self.app.push_screen(OrderScreen(self.purchases, self.session, self.print_job, order.id, self.complaints))

    @work
    async def action_new_order(self) -> None:
        villager = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers))
        if villager is None:
            return
        operator, t = self.session.require, self.t
        created = await self.app.push_screen_wait(
            FormDialog(
                t("purchases.new_title", name=villager.name),
                [
                    FormField(
                        "platform",
                        t("purchases.col_platform"),
                        "pdd",
                        tuple((t(f"platform.{p}"), p) for p in PLATFORMS),
                    ),
                    method_field(t),
                    FormField("items", t("purchases.items"), placeholder=t("purchases.items_example")),
                    FormField("shipping", t("purchase.shipping"), "0"),
                    FormField("fee", t("purchase.service_fee"), fen_to_yuan_text(self.purchases.service_fee_fen)),
                    FormField("deposit", t("purchases.deposit"), "0"),
                    FormField("note", t("villagers.note")),
                ],
                lambda v: self.purchases.create(
                    operator,
                    villager_id=villager.id,
                    platform=v["platform"],
                    items=parse_items(v["items"]),
                    shipping_fen=optional_yuan(v["shipping"]),
                    service_fee_fen=optional_yuan(v["fee"]),
                    deposit_fen=optional_yuan(v["deposit"]),
                    method=v["method"],
                    note=v["note"],
                ),
                focus="items",
                preview=self.running_total,
            )
        )
        if created is not None:
            self.notify(self.t("purchases.created", no=created.order.id, total_fen=created.order.total_fen))
            if created.job_id:
                self.print_job(created.job_id)
            self.reload()

    def running_total(self, values: dict) -> str:
        """The order's total while its items are typed, or what is wrong with them so far."""
        if not (values.get("items") or "").strip():
            return ""
        try:
            total = order_total_fen(
                parse_items(values["items"]), optional_yuan(values["shipping"]), optional_yuan(values["fee"])
            )
            deposit = optional_yuan(values["deposit"])
        except StationError as error:
            return self.t("order.total_so_far_bad", error=self.app.t.error(error))
        return self.t("order.total_so_far", total_fen=total, owed_fen=max(total - deposit, 0))

    @work
    async def action_account(self) -> None:
        villager = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers))
        if villager is not None:
            self.call_service(lambda: (villager, self.purchases.statement(villager.id)), self.show_statement)

    def show_statement(self, found) -> None:
        villager, lines = found
        self.app.push_screen(
            InfoDialog(self.t("purchases.statement_title", name=villager.name), "\n".join(self.statement(lines)))
        )

    def statement(self, lines) -> list[str]:
        """Each entry as a sentence the villager understands, and where that leaves them."""
        body = []
        for line in lines:
            key = f"statement.{line.kind}"
            if line.order_no is None and f"{key}.no_order" in self.app.t.messages:
                key += ".no_order"
            if key not in self.app.t.messages:
                key = "statement.other"
            values = {"date": f"{line.at:%m-%d}", "no": line.order_no, "amount_fen": abs(line.amount_fen)}
            body.append(self.t(key, kind_key=f"ledger.kind.{line.kind}", **values))
            body.append(self._where("statement.after", line.balance_fen))
        balance = lines[-1].balance_fen if lines else 0
        body.append(self._where("statement.total", balance) if lines else self.t("statement.empty"))
        return body

    def _where(self, prefix: str, balance_fen: int) -> str:
        """A villager account's balance: positive, they owe us; negative, we hold theirs."""
        if balance_fen > 0:
            return self.t(f"{prefix}_owed", amount_fen=balance_fen)
        if balance_fen < 0:
            return self.t(f"{prefix}_credit", amount_fen=-balance_fen)
        return self.t(f"{prefix}_even")


class OrderScreen(StationScreen):
    DEFAULT_CSS = """
    OrderScreen #order-body { margin: 0 2; height: auto; }
    OrderScreen #events { height: 1fr; margin: 0 1; }
    """
    ACTIONS = ORDER_ACTIONS
    BINDINGS = bindings_for(ORDER_ACTIONS)

    def __init__(
        self,
        purchases: PurchaseService,
        session: Session,
        print_job,
        order_id: int,
        complaints: ComplaintService | None = None,
    ) -> None:
        super().__init__()
        self.complaints = complaints
        self.purchases = purchases
        self.session = session
        self.print_job = print_job
        self.order_id = order_id
        self.order: OrderInfo | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label("", id="order-title", classes="title")
        yield Label("", id="order-body")
        table: DataTable[str] = DataTable(id="events", cursor_type="row")
        table.add_columns(
            self.t("receipt.time"), self.t("receipt.operator"), self.t("purchases.col_status"), self.t("villagers.note")
        )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        order_id = self.order_id
        complaints = self.complaints

        def load():
            about = complaints.about("purchase", order_id) if complaints else []
            return self.purchases.get(order_id), self.purchases.events(order_id), about

        self.call_service(load, self.show)

    def show(self, found) -> None:
        order, events, complaints = found
        self.order = order
        t = self.t
        self.query_one("#order-title", Label).update(
            t(
                "purchases.order_title",
                no=order.id,
                name=order.villager_name,
                status_key=f"purchase.status.{order.status}",
            )
        )
        lines = [f"{i.description} × {i.qty}  {format_fen(i.amount_fen)}" for i in order.items]
        lines += [
            t(
                "purchases.order_money",
                shipping_fen=order.shipping_fen,
                fee_fen=order.service_fee_fen,
                total_fen=order.total_fen,
                paid_fen=order.paid_fen,
                owed_fen=max(order.owed_fen, 0),
            ),
            t(
                "purchases.order_refs",
                platform_key=f"platform.{order.platform}",
                order_no=order.external_order_no or "-",
                tracking=order.tracking_no or "-",
            ),
        ]
        lines += [
            t("complaint.on_record", no=c.id, text=c.text, status_key=f"complaints.status.{c.status}")
            for c in complaints
        ]
        self.query_one("#order-body", Label).update("\n".join(lines))
        table = self.query_one("#events", DataTable)
        table.clear()
        for at, who, _, to_status, note in events:
            table.add_row(at.strftime("%m-%d %H:%M"), who, t(f"purchase.status.{to_status}"), note)

    async def _form(self, title_key: str, fields, call, *, prints: bool = False) -> None:
        result = await self.app.push_screen_wait(FormDialog(self.t(title_key, no=self.order_id), fields, call))
        if result is None:
            return
        job_id = getattr(result, "job_id", None)
        if prints and job_id:
            self.print_job(job_id)
        self.reload()

    @work
    async def action_place(self) -> None:
        op = self.session.require
        await self._form(
            "order.place_title",
            [FormField("no", self.t("purchases.external_no"))],
            lambda v: self.purchases.place(op, self.order_id, v["no"]),
        )

    @work
    async def action_ship(self) -> None:
        op = self.session.require
        await self._form(
            "order.ship_title",
            [FormField("tracking", self.t("parcels.col_tracking"), self.order.tracking_no if self.order else "")],
            lambda v: self.purchases.ship(op, self.order_id, v["tracking"]),
        )

    @work
    async def action_edit_refs(self) -> None:
        op, order = self.session.require, self.order
        await self._form(
            "order.refs_title",
            [
                FormField("no", self.t("order.platform_no"), order.external_order_no if order else ""),
                FormField("tracking", self.t("parcels.col_tracking"), order.tracking_no if order else ""),
            ],
            lambda v: self.purchases.set_refs(op, self.order_id, v["no"], v["tracking"]),
        )

    @work
    async def action_pay(self) -> None:
        op = self.session.require
        await self._form(
            "order.pay_title",
            [method_field(self.t), FormField("amount", self.t("purchases.amount"))],
            lambda v: self.purchases.pay(op, self.order_id, parse_yuan(v["amount"], allow_zero=False), v["method"]),
            prints=True,
        )

    @work
    async def action_hand_over(self) -> None:
        op, owed = self.session.require, max(self.order.owed_fen, 0) if self.order else 0
        await self._form(
            "order.hand_over_title",
            [method_field(self.t), FormField("amount", self.t("purchases.pay_now"), fen_to_yuan_text(owed))],
            lambda v: self.purchases.hand_over(
                op, self.order_id, payment_fen=optional_yuan(v["amount"]), method=v["method"]
            ),
            prints=True,
        )

    @work
    async def action_cancel(self) -> None:
        op = self.session.require
        await self._form(
            "order.cancel_title",
            [method_field(self.t), FormField("reason", self.t("consign.reason"))],
            lambda v: self.purchases.cancel(op, self.order_id, v["reason"], refund_method=v["method"]),
            prints=True,
        )

    @work
    async def action_after_sale(self) -> None:
        op, t = self.session.require, self.t
        kinds = ("return_requested", "exchange_requested")
        await self._form(
            "order.after_sale_title",
            [
                FormField(
                    "kind",
                    t("purchases.after_sale_kind"),
                    "return_requested",
                    tuple((t(f"purchase.status.{k}"), k) for k in kinds),
                ),
                FormField("reason", t("consign.reason")),
            ],
            lambda v: self.purchases.request(op, self.order_id, v["kind"], v["reason"]),
        )

    @work
    async def action_complete(self) -> None:
        op = self.session.require
        if self.order and self.order.status == "exchange_requested":
            await self._form(
                "order.exchange_title",
                [FormField("note", self.t("villagers.note"))],
                lambda v: self.purchases.complete_exchange(op, self.order_id, v["note"]),
            )
            return
        await self._form(
            "order.return_title",
            [method_field(self.t), FormField("refund", self.t("purchases.refund"))],
            lambda v: self.purchases.complete_return(
                op, self.order_id, refund_fen=optional_yuan(v["refund"]), method=v["method"]
            ),
            prints=True,
        )
