"""Check-in: choose the shelf, then scan parcel after parcel (each Enter is one parcel)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Digits, Footer, Input, Label

from station.domain.carriers import CARRIERS
from station.domain.errors import InvalidInput, StationError
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.villager_picker import VillagerPickerDialog
from station.services.common import Session
from station.services.parcels import BatchInfo, CheckedIn, ParcelInfo, ParcelService
from station.services.purchases import PurchaseService
from station.services.villagers import VillagerService
from station.widgets.scan_input import ScanInput
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction(
        "checkin.recipient", "ctrl+f", "pick_recipient", "checkin.pick_recipient", "checkin.pick_recipient_help"
    ),
    StationAction("checkin.carrier", "ctrl+g", "change_carrier", "checkin.carrier", "checkin.carrier_help"),
    StationAction("checkin.damaged", "ctrl+d", "mark_damaged", "checkin.damaged", "checkin.damaged_help"),
    StationAction("checkin.end", "ctrl+s", "end_batch", "checkin.end", "checkin.end_help"),
)


class CheckInScreen(StationScreen):
    CSS_PATH = "check_in.tcss"
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    @dataclass
    class ParcelSaved(Message):
        checked_in: CheckedIn

    @dataclass
    class ScanRejected(Message):
        error: StationError

    def __init__(
        self,
        parcels: ParcelService,
        villagers: VillagerService,
        session: Session,
        purchases: PurchaseService | None = None,
    ) -> None:
        super().__init__()
        self.parcels = parcels
        self.purchases = purchases
        self.villagers = villagers
        self.session = session
        self.batch: BatchInfo | None = None
        self.last: ParcelInfo | None = None

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Horizontal(id="batch-form"):
            yield Label(self.t("checkin.shelf"), classes="inline-label")
            yield Input(placeholder="1", id="shelf", restrict=r"[0-9]*")
            yield Label(self.t("checkin.layer"), classes="inline-label")
            yield Input(placeholder="1", id="layer", restrict=r"[0-9]*")
            yield Label(self.t("checkin.courier"), classes="inline-label")
            yield Input(id="courier", placeholder=self.t("checkin.courier_placeholder"))
        yield Label(self.t("checkin.start_hint"), id="batch-line")
        with Horizontal(id="scan-row"):
            with Vertical(id="scan-column"):
                yield ScanInput(placeholder=self.t("checkin.scan_placeholder"), id="scan", disabled=True)
                yield Input(placeholder=self.t("checkin.recipient_placeholder"), id="recipient", disabled=True)
                yield Label("", id="scan-message")
            with Vertical(id="code-column"):
                yield Label(self.t("checkin.last_code"), classes="hint")
                yield Digits("", id="last-code")
                yield Label("", id="last-detail")
        table = DataTable(id="batch-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            self.t("parcels.col_code"),
            self.t("parcels.col_tracking"),
            self.t("parcels.col_carrier"),
            self.t("parcels.col_recipient"),
        )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#shelf").focus()

    # -- starting the batch ------------------------------------------------------------
    @on(Input.Submitted, "#shelf")
    def shelf_entered(self) -> None:
        self.query_one("#layer").focus()

    @on(Input.Submitted, "#layer")
    def layer_entered(self) -> None:
        self.query_one("#courier").focus()

    @on(Input.Submitted, "#courier")
    def start_batch(self) -> None:
        shelf = int(self.query_one("#shelf", Input).value or 1)  # digits only (restrict)
        layer = int(self.query_one("#layer", Input).value or 1)
        courier = self.query_one("#courier", Input).value
        operator = self.session.require
        self.call_service(
            lambda: self.parcels.start_batch(operator, shelf=shelf, layer=layer, courier_name=courier),
            self.batch_started,
            self.batch_refused,
        )

    def batch_refused(self, error: StationError) -> None:
        self.show_error(error)
        self.query_one("#shelf").focus()

    def batch_started(self, batch: BatchInfo) -> None:
        self.batch = batch
        for field_id in ("#shelf", "#layer", "#courier"):
            self.query_one(field_id, Input).disabled = True
        scan = self.query_one("#scan", Input)
        scan.disabled = False
        self.query_one("#recipient", Input).disabled = False
        scan.focus()
        self.show_batch_line()

    def show_batch_line(self) -> None:
        batch = self.batch
        self.query_one("#batch-line", Label).update(
            self.t("checkin.batch_line", shelf=batch.shelf, layer=batch.layer, n=batch.scanned_count)
        )

    # -- scanning ----------------------------------------------------------------------
    @on(ScanInput.Scanned, "#scan")
    def scan_submitted(self, event: ScanInput.Scanned) -> None:
        if event.value.strip() and self.batch is not None:
            self.save_scan(event.value, self.batch.id)

    @work(thread=True, group="scan", exit_on_error=False)
    def save_scan(self, raw: str, batch_id: int) -> None:
        """Every scan lands: one worker per scan, never exclusive."""
        try:
            saved = self.parcels.check_in(self.session.require, raw, batch_id=batch_id)
        except StationError as error:
            self.post_message(self.ScanRejected(error))
        else:
            self.post_message(self.ParcelSaved(saved))

    @on(ParcelSaved)
    def parcel_saved(self, message: ParcelSaved) -> None:
        saved = message.checked_in
        self.last = saved.parcel
        self.batch = dataclasses.replace(self.batch, scanned_count=saved.batch_count)
        self.query_one("#last-code", Digits).update(saved.parcel.pickup_code)
        self.query_one("#scan-message", Label).update("")
        self.query_one("#scan-message").remove_class("-error")
        self.show_last_detail()
        table = self.query_one("#batch-table", DataTable)
        table.add_row(*self.row_cells(saved.parcel), key=str(saved.parcel.id))
        table.move_cursor(row=table.row_count - 1)
        self.show_batch_line()
        self.offer_order_link(saved.parcel)

    def row_cells(self, parcel: ParcelInfo) -> tuple[str, ...]:
        return (
            parcel.pickup_code,
            parcel.tracking_no,
            self.t(f"carrier.{parcel.carrier or 'unknown'}"),
            parcel.recipient_display,
        )

    def show_last_detail(self) -> None:
        parcel = self.last
        self.query_one("#last-detail", Label).update(
            self.t(
                "checkin.last_detail",
                tracking_no=parcel.tracking_no,
                carrier=self.t(f"carrier.{parcel.carrier or 'unknown'}"),
                recipient=parcel.recipient_display or self.t("checkin.no_recipient"),
            )
        )

    @on(ScanRejected)
    def scan_rejected(self, message: ScanRejected) -> None:
        """A bad scan is never a dialog: bell, inline message, focus stays in the scan box."""
        self.app.bell()
        label = self.query_one("#scan-message", Label)
        label.update(self.app.t.error(message.error))
        label.add_class("-error")

    # -- the last parcel: recipient, carrier, damage -----------------------------------
    @on(Input.Submitted, "#recipient")
    def recipient_entered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.last is None or not text:
            self.query_one("#scan").focus()
            return
        digits = text.replace(" ", "")
        parcel_id, operator = self.last.id, self.session.require
        words = text.split()
        phone = next((w for w in words if w.isdigit() and len(w) == 11), "")
        if digits.isdigit():
            call = lambda: self.parcels.set_recipient(operator, parcel_id, phone=text)
        elif phone:
            name = " ".join(w for w in words if w != phone)
            self.call_service(
                lambda: self.villagers.duplicates_of(name, phone),
                lambda known: self.name_and_phone(parcel_id, name, phone, known),
            )
            return
        else:
            call = lambda: self.parcels.set_recipient(operator, parcel_id, name=text)
        self.call_service(call, self.recipient_set)

    @work
    async def name_and_phone(self, parcel_id: int, name: str, phone: str, known) -> None:
        """Someone not in the directory: offer to add them, else keep the name and phone on the parcel."""
        operator = self.session.require
        if not known and await self.app.push_screen_wait(
            ConfirmDialog(self.t("checkin.add_villager", name=name, phone=phone))
        ):

            def add_and_link():
                villager = self.villagers.add(operator, name=name, phone=phone)
                return self.parcels.set_recipient(operator, parcel_id, villager_id=villager.id)

            self.call_service(add_and_link, self.recipient_set)
            return
        self.call_service(
            lambda: self.parcels.set_recipient(operator, parcel_id, name=name, phone=phone), self.recipient_set
        )

    def recipient_set(self, parcel: ParcelInfo) -> None:
        self.last = parcel
        self.query_one("#recipient", Input).clear()
        self.refresh_row(parcel)
        self.query_one("#scan").focus()
        self.offer_order_link(parcel)

    def offer_order_link(self, parcel: ParcelInfo) -> None:
        """A parcel matching an open order (tracking no. or villager): offer to link it."""
        if self.purchases is None or parcel.purchase_id is not None:
            return
        self.call_service(
            lambda: self.purchases.candidates_for(parcel.tracking_no, parcel.villager_id),
            lambda found: self.confirm_link(parcel, found) if found else None,
        )

    @work
    async def confirm_link(self, parcel: ParcelInfo, orders) -> None:
        order = orders[0]
        question = self.t(
            "checkin.link_order",
            no=order.id,
            name=order.villager_name,
            items=self.t("list.sep").join(i.description for i in order.items),
        )
        if await self.app.push_screen_wait(ConfirmDialog(question)):
            operator = self.session.require
            self.call_service(
                lambda: self.purchases.link_parcel(operator, order.id, parcel.id),
                lambda linked: self.notify(self.t("checkin.linked", no=linked.id)),
            )

    def refresh_row(self, parcel: ParcelInfo) -> None:
        table = self.query_one("#batch-table", DataTable)
        for column, value in zip(list(table.columns), self.row_cells(parcel)):
            table.update_cell(str(parcel.id), column, value, update_width=True)
        self.show_last_detail()

    @work
    async def action_pick_recipient(self) -> None:
        if self.last is None:
            return
        initial = self.query_one("#recipient", Input).value
        villager = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers, initial))
        if villager is not None:
            parcel_id = self.last.id
            self.call_service(
                lambda: self.parcels.set_recipient(self.session.require, parcel_id, villager_id=villager.id),
                self.recipient_set,
            )

    @work
    async def action_change_carrier(self) -> None:
        if self.last is None:
            return
        parcel_id = self.last.id
        options = tuple((self.t(f"carrier.{c}"), c) for c in CARRIERS)
        changed = await self.app.push_screen_wait(
            FormDialog(
                self.t("checkin.carrier_title", tracking_no=self.last.tracking_no),
                [FormField("carrier", self.t("parcels.col_carrier"), self.last.carrier or "OTHER", options)],
                lambda v: self.parcels.override_carrier(self.session.require, parcel_id, v["carrier"]),
            )
        )
        if changed is not None:
            self.recipient_set(changed)

    @work
    async def action_mark_damaged(self) -> None:
        if self.last is None:
            return
        parcel_id = self.last.id
        marked = await self.app.push_screen_wait(
            FormDialog(
                self.t("checkin.damaged_title", tracking_no=self.last.tracking_no),
                [FormField("note", self.t("checkin.damage_note")), FormField("photo", self.t("checkin.photo_path"))],
                lambda v: self.parcels.mark_damaged(
                    self.session.require, parcel_id, note=v["note"], photo_path=v["photo"]
                ),
            )
        )
        if marked is not None:
            self.notify(self.t("checkin.damaged_saved", code=marked.pickup_code))
            self.recipient_set(marked)

    @work
    async def action_end_batch(self) -> None:
        if self.batch is None:
            return
        batch = self.batch
        ended = await self.app.push_screen_wait(
            FormDialog(
                self.t("checkin.end_title", n=batch.scanned_count),
                [
                    FormField("claimed", self.t("checkin.claimed"), str(batch.scanned_count)),
                    FormField("courier", self.t("checkin.courier"), batch.courier_name),
                    FormField("note", self.t("checkin.mismatch_note")),
                ],
                lambda v: self.parcels.end_batch(
                    self.session.require,
                    batch.id,
                    claimed_count=_count(v["claimed"]),
                    courier_name=v["courier"],
                    note=v["note"],
                ),
            )
        )
        if ended is not None:
            self.notify(self.t("checkin.ended", n=ended.scanned_count, claimed=ended.claimed_count))
            self.dismiss_batch()

    def dismiss_batch(self) -> None:
        self.batch = None
        self.last = None
        for field_id in ("#shelf", "#layer", "#courier"):
            self.query_one(field_id, Input).disabled = False
        self.query_one("#scan", Input).disabled = True
        self.query_one("#recipient", Input).disabled = True
        self.query_one("#batch-table", DataTable).clear()
        self.query_one("#last-code", Digits).update("")
        self.query_one("#batch-line", Label).update(self.t("checkin.start_hint"))
        self.query_one("#shelf").focus()


def _count(text: str) -> int:
    cleaned = (text or "").strip()
    if not cleaned.isdigit():
        raise InvalidInput("parcels.bad_count")
    return int(cleaned)
