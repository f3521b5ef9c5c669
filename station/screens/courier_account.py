"""A courier's account for a month: fees earned, 到付 and freight owed, payments; print, pay, settle."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Select

from station.domain.money import format_fen, parse_yuan
from station.domain.periods import parse_date
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.sending import choices
from station.services.common import Session
from station.services.couriers import CourierService, Statement
from station.services.ledger import PAYMENT_METHODS
from station.widgets.footer import Footer
from station.widgets.form import FormSelect
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("couriers.print", "ctrl+o", "print_statement", "couriers.print", "couriers.print_help"),
    StationAction("couriers.payment", "ctrl+g", "payment", "couriers.payment", "couriers.payment_help"),
    StationAction("couriers.settle", "ctrl+e", "settle", "couriers.settle", "couriers.settle_help"),
)


def summary_text(t, s: Statement) -> str:
    received = -s.total("payment", -1)
    paid = s.total("payment", 1)
    closing = s.closing_fen
    owed = t("couriers.owes_station_fen", courier_key=f"carrier.{s.courier}", amount_fen=closing)
    if closing < 0:
        owed = t("couriers.station_owes_fen", courier_key=f"carrier.{s.courier}", amount_fen=-closing)
    return "\n".join(
        (
            t(
                "couriers.summary",
                parcels=s.parcels,
                fees_fen=s.fees_fen,
                collect_fen=-s.total("collect"),
                sending_fen=-s.total("sending"),
            ),
            t("couriers.summary_payments", received_fen=received, paid_fen=paid, opening_fen=s.opening_fen),
            owed,
        )
    )


class CourierAccountScreen(StationScreen):
    DEFAULT_CSS = """
    CourierAccountScreen #account-choice { height: auto; margin: 0 1; }
    CourierAccountScreen #account-courier { width: 30; }
    CourierAccountScreen #account-period { width: 16; }
    CourierAccountScreen #account-lines { height: 1fr; margin: 0 1; }
    CourierAccountScreen #account-summary { margin: 0 1; height: auto; text-style: bold; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, couriers: CourierService, session: Session, print_job) -> None:
        super().__init__()
        self.couriers = couriers
        self.session = session
        self.print_job = print_job
        self.statement: Statement | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("couriers.account_title"), classes="title")
        with Horizontal(id="account-choice"):
            yield FormSelect((), prompt=self.t("couriers.courier"), id="account-courier")
            yield Input(self.couriers.clock.now().strftime("%Y-%m"), id="account-period")
        table: DataTable[str] = DataTable(id="account-lines", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            *(self.t(k) for k in ("report.day", "couriers.col_kind", "couriers.col_detail", "couriers.col_amount"))
        )
        yield table
        yield Label("", id="account-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.call_service(self.couriers.couriers, self.show_couriers)

    def show_couriers(self, couriers: list[str]) -> None:
        select = self.query_one("#account-courier", Select)
        select.set_options(choices(self.t, couriers, "carrier."))
        if couriers:
            select.value = couriers[0]
        select.focus()
        self.reload()

    @on(Select.Changed, "#account-courier")
    @on(Input.Submitted, "#account-period")
    def reload(self) -> None:
        courier = self.query_one("#account-courier", Select).value
        if courier is Select.NULL or courier is None:
            return
        period = self.query_one("#account-period", Input).value
        self.call_service(lambda: self.couriers.statement(str(courier), period), self.show)

    def show(self, statement: Statement) -> None:
        self.statement = statement
        table = self.query_one("#account-lines", DataTable)
        table.clear()
        table.add_row("", self.t("couriers.opening"), "", format_fen(statement.opening_fen))
        for line in statement.lines:
            detail = line.describe(self.app.t)
            table.add_row(str(line.day), self.t(f"couriers.kind.{line.kind}"), detail, format_fen(line.amount_fen))
        table.add_row("", self.t("couriers.closing"), "", format_fen(statement.closing_fen))
        self.query_one("#account-summary", Label).update(summary_text(self.t, statement))

    def action_print_statement(self) -> None:
        if self.statement is not None:
            s, operator = self.statement, self.session.require
            self.call_service(lambda: self.couriers.print_statement(operator, s.courier, s.period), self.print_job)

    @work
    async def action_payment(self) -> None:
        if self.statement is None:
            return
        s, operator, t = self.statement, self.session.require, self.t
        done = await self.app.push_screen_wait(
            FormDialog(
                t("couriers.payment_title", courier_key=f"carrier.{s.courier}"),
                [
                    FormField("direction", t("couriers.direction"), "in", choices(t, ("in", "out"), "couriers.dir.")),
                    FormField("amount", t("couriers.col_amount")),
                    FormField("method", t("utilities.method"), "cash", choices(t, PAYMENT_METHODS, "method.")),
                    FormField("note", t("sending.note")),
                ],
                lambda v: self.couriers.record_payment(
                    operator,
                    s.courier,
                    parse_yuan(v["amount"], allow_zero=False),
                    direction=v["direction"],
                    method=v["method"],
                    note=v["note"],
                ),
                focus="amount",
            )
        )
        if done is not None:
            self.reload()

    @work
    async def action_settle(self) -> None:
        if self.statement is None:
            return
        s, operator, t = self.statement, self.session.require, self.t
        values = await self.app.push_screen_wait(
            FormDialog(
                t("couriers.settle_title", courier_key=f"carrier.{s.courier}"),
                [
                    FormField("through", t("couriers.through"), str(min(s.end, self.couriers.clock.now().date()))),
                    FormField("method", t("utilities.method"), "cash", choices(t, PAYMENT_METHODS, "method.")),
                ],
                lambda v: (
                    parse_date(v["through"]),
                    v["method"],
                    self.couriers.balance(s.courier, parse_date(v["through"])),
                ),
            )
        )
        if values is None:
            return
        through, method, balance = values
        question = t(
            "couriers.settle_confirm_in" if balance >= 0 else "couriers.settle_confirm_out",
            courier_key=f"carrier.{s.courier}",
            amount_fen=abs(balance),
            through=str(through),
        )
        if await self.app.push_screen_wait(ConfirmDialog(question)):
            self.call_service(
                lambda: self.couriers.settle(operator, s.courier, through=through, method=method), self.settled
            )

    def settled(self, done) -> None:
        key = "couriers.settled_in" if done.paid_fen >= 0 else "couriers.settled_out"
        self.notify(self.t(key, courier_key=f"carrier.{done.courier}", amount_fen=abs(done.paid_fen)))
        self.print_job(done.job_id)
        self.reload()
