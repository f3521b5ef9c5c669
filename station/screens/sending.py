"""寄件 area: parcels villagers send, waiting for their courier; send one, add the courier's
tracking number, hand a batch to the courier with a count; the way to accounts and rate cards."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Label

from station.domain.errors import InvalidInput
from station.domain.money import format_fen, parse_yuan
from station.domain.phones import mask_phone
from station.domain.rate_cards import parse_weight_kg
from station.domain.tariffs import format_scaled
from station.domain.text import parse_count
from station.printing.queue import PrintService
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.form_dialog import FormDialog, FormField
from station.screens.receipt_preview import ReceiptPreview
from station.screens.villager_picker import VillagerPickerDialog
from station.services.common import Session
from station.services.couriers import CourierService
from station.services.ledger import PAYMENT_METHODS
from station.services.rate_cards import RateCardService
from station.services.sending import SendingService, Sent, ShipmentInfo
from station.services.villagers import VillagerService
from station.widgets.footer import Footer
from station.widgets.selectable_table import SelectableTable
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("sending.send", "ctrl+n", "send", "sending.send", "sending.send_help"),
    StationAction("sending.tracking_no", "ctrl+g", "tracking", "sending.tracking_no", "sending.tracking_help"),
    StationAction("sending.hand_over", "ctrl+b", "hand_over", "sending.hand_over", "sending.hand_over_help"),
    StationAction("couriers.accounts", "ctrl+e", "accounts", "couriers.accounts", "couriers.accounts_help"),
    StationAction("couriers.rate_cards", "ctrl+t", "rate_cards", "couriers.rate_cards", "couriers.rate_cards_help"),
)


def choices(t, values, prefix: str) -> tuple[tuple[str, str], ...]:
    return tuple((t(f"{prefix}{v}"), v) for v in values)


def optional_freight(text: str) -> int | None:
    return parse_yuan(text) if (text or "").strip() else None


class SendingScreen(StationScreen):
    DEFAULT_CSS = """
    SendingScreen #shipments { height: 1fr; margin: 0 1; }
    SendingScreen #sending-hint { margin: 0 1; color: $text-muted; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(
        self,
        sending: SendingService,
        couriers: CourierService,
        rate_cards: RateCardService,
        villagers: VillagerService,
        printing: PrintService,
        session: Session,
        print_job,
    ) -> None:
        super().__init__()
        self.sending = sending
        self.couriers = couriers
        self.rate_cards = rate_cards
        self.villagers = villagers
        self.printing = printing
        self.session = session
        self.print_job = print_job
        self.shown: list[ShipmentInfo] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("sending.title"), classes="title")
        table = SelectableTable(id="shipments")
        table.add_columns(
            "",
            *(
                self.t(k)
                for k in (
                    "sending.no",
                    "sending.sender",
                    "sending.receiver",
                    "sending.province",
                    "sending.weight",
                    "couriers.courier",
                    "sending.freight",
                    "sending.col_tracking",
                )
            ),
        )
        yield table
        yield Label(self.t("sending.hint"), id="sending-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#shipments").focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.call_service(self.sending.shipments, self.show)

    def show(self, shipments: list[ShipmentInfo]) -> None:
        self.shown = shipments
        self.query_one("#shipments", SelectableTable).set_rows(
            (
                s.id,
                (
                    s.shipment_no,
                    s.sender_name,
                    f"{s.receiver_name} {mask_phone(s.receiver_phone)}",
                    s.province,
                    f"{format_scaled(s.weight_g, 3)} kg",
                    self.t(f"carrier.{s.courier}"),
                    format_fen(s.freight_fen),
                    s.tracking_no or "-",
                ),
            )
            for s in shipments
        )

    def selected(self) -> list[ShipmentInfo]:
        chosen = set(self.query_one("#shipments", SelectableTable).chosen())
        return [s for s in self.shown if s.id in chosen]

    def action_send(self) -> None:
        self.call_service(self.rate_cards.couriers, self.send_with)

    @work
    async def send_with(self, available: list[str]) -> None:
        """Sender first (picked by name, initials or phone tail), then the parcel's details."""
        if not available:
            self.show_error(InvalidInput("couriers.no_cards"))
            return
        sender = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers))
        if sender is None:
            return
        operator, t = self.session.require, self.t
        sent = await self.app.push_screen_wait(
            FormDialog(
                t("sending.send_title", name=sender.name),
                [
                    FormField("courier", t("couriers.courier"), available[0], choices(t, available, "carrier.")),
                    FormField("receiver", t("sending.receiver_name")),
                    FormField("phone", t("sending.receiver_phone")),
                    FormField("address", t("sending.address")),
                    FormField("province", t("sending.province")),
                    FormField("weight", t("sending.weight_kg"), placeholder="1.25"),
                    FormField("contents", t("sending.contents")),
                    FormField("method", t("utilities.method"), "cash", choices(t, PAYMENT_METHODS, "method.")),
                    FormField("freight", t("sending.freight_override"), placeholder=t("sending.freight_from_card")),
                    FormField("reason", t("sending.override_reason")),
                ],
                lambda v: self.sending.send(
                    operator,
                    sender_id=sender.id,
                    receiver_name=v["receiver"],
                    receiver_phone=v["phone"],
                    receiver_address=v["address"],
                    province=v["province"],
                    weight_g=parse_weight_kg(v["weight"]),
                    contents=v["contents"],
                    courier=v["courier"],
                    method=v["method"],
                    freight_fen=optional_freight(v["freight"]),
                    override_reason=v["reason"],
                ),
                focus="receiver",
            )
        )
        if sent is not None:
            self.sent(sent)

    def sent(self, sent: Sent) -> None:
        s = sent.shipment
        self.notify(self.t("sending.sent", no=s.shipment_no, freight_fen=s.freight_fen))
        self.print_job(sent.job_id)
        config = self.printing.config
        self.call_service(
            lambda: self.printing.document(sent.job_id),
            lambda receipt: self.app.push_screen(ReceiptPreview(receipt, config.width_columns, config.qr_error)),
        )
        self.reload()

    @work
    async def action_tracking(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        shipment = chosen[0]
        operator = self.session.require
        done = await self.app.push_screen_wait(
            FormDialog(
                self.t("sending.tracking_title", no=shipment.shipment_no),
                [FormField("tracking", self.t("sending.col_tracking"), shipment.tracking_no)],
                lambda v: self.sending.set_tracking(operator, shipment.id, v["tracking"]),
            )
        )
        if done is not None:
            self.reload()

    @work
    async def action_hand_over(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        operator, t = self.session.require, self.t
        courier = chosen[0].courier
        done = await self.app.push_screen_wait(
            FormDialog(
                t("sending.hand_over_title", n=len(chosen), courier_key=f"carrier.{courier}"),
                [
                    FormField("claimed", t("sending.batch_claimed")),
                    FormField("name", t("sending.courier_name")),
                    FormField("note", t("sending.note")),
                ],
                lambda v: self.sending.hand_over_batch(
                    operator,
                    courier,
                    [s.id for s in chosen],
                    claimed_count=parse_count(v["claimed"]),
                    courier_name=v["name"],
                    note=v["note"],
                ),
            )
        )
        if done is not None:
            self.notify(t("sending.handed_over", n=done.count, courier_key=f"carrier.{done.courier}"))
            self.print_job(done.job_id)
            self.reload()

    def action_accounts(self) -> None:
        from station.screens.courier_account import CourierAccountScreen

        self.app.push_screen(CourierAccountScreen(self.couriers, self.session, self.print_job))

    def action_rate_cards(self) -> None:
        from station.screens.rate_cards import RateCardsScreen

        self.app.push_screen(RateCardsScreen(self.rate_cards, self.session))
