"""Check-in: choose the shelf, then scan parcel after parcel (each Enter is one parcel)."""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Digits, Input, Label

from station.domain.carriers import CARRIERS, carrier_in_text
from station.domain.errors import StationError
from station.domain.text import parse_count
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.check_in_rows import BatchRows
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.parcel_charge import ParcelChargeActions
from station.services.common import Session
from station.services.couriers import CourierService
from station.services.parcels import BatchInfo, CheckedIn, ParcelInfo, ParcelService
from station.services.purchases import PurchaseService
from station.services.recipients import RecipientService
from station.services.villagers import VillagerService
from station.widgets.append_table import AppendTable
from station.widgets.footer import Footer
from station.widgets.scan_input import ScanInput
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction(
        "checkin.recipient", "ctrl+f", "pick_recipient", "checkin.pick_recipient", "checkin.pick_recipient_help"
    ),
    StationAction("checkin.carrier", "ctrl+g", "change_carrier", "checkin.carrier", "checkin.carrier_help"),
    StationAction("checkin.damaged", "ctrl+d", "mark_damaged", "checkin.damaged", "checkin.damaged_help"),
    StationAction("checkin.end", "ctrl+s", "end_batch", "checkin.end", "checkin.end_help"),
    StationAction("checkin.charge", "ctrl+y", "set_charge", "couriers.checkin_charge", "couriers.checkin_charge_help"),
)
# From the scan box: up/down move the highlighted row (the one the recipient, Ctrl+F/G/D act on).
# Priority: an Input would otherwise take them for its own (scroll) bindings; the screen has
# no list or select of its own that needs them.
ROW_KEYS = [
    Binding("up", "row(-1)", show=False, id="checkin.row_up", priority=True),
    Binding("down", "row(1)", show=False, id="checkin.row_down", priority=True),
]


class CheckInScreen(ParcelChargeActions, BatchRows, StationScreen):
    CSS_PATH = "check_in.tcss"
    ACTIONS = ACTIONS
    BINDINGS = [*bindings_for(ACTIONS), *ROW_KEYS]

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
        couriers: CourierService | None = None,
    ) -> None:
        super().__init__()
        self.couriers = couriers
        self.parcels = parcels
        self.purchases = purchases
        self.villagers = villagers
        self.session = session
        self.recipients = RecipientService(parcels, villagers)
        # not `batch`: that would hide Textual's Widget.batch(), which App.recompose() calls on the screen
        self.current_batch: BatchInfo | None = None
        self.last: ParcelInfo | None = None
        self.rows: dict[int, ParcelInfo] = {}  # the batch's parcels by id, shown in scan order
        self.pending: deque[str] = deque()  # scans waiting for the worker, in the order typed
        self.scan_lock = threading.Lock()

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
        table = AppendTable(id="batch-table", cursor_type="row", zebra_stripes=True)
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
        self.call_service(self.parcels.open_batches, lambda found: self.offer_resume(found) if found else None)

    @work
    async def offer_resume(self, batches: list[BatchInfo]) -> None:
        """A batch left open (crash, power cut): carry on scanning into it, or close it with its count."""
        batch = batches[0]
        question = self.t(
            "handover.resume_batch",
            shelf=batch.shelf,
            layer=batch.layer,
            n=batch.scanned_count,
            courier=batch.courier_name or "-",
        )
        if await self.app.push_screen_wait(ConfirmDialog(question)):
            self.call_service(lambda: self.parcels.in_batch(batch.id), lambda rows: self.resume(batch, rows))
        else:
            self.current_batch = batch
            self.action_end_batch()

    def resume(self, batch: BatchInfo, rows: list[ParcelInfo]) -> None:
        self.batch_started(batch)
        table = self.query_one("#batch-table", DataTable)
        newest = None
        for parcel in sorted(rows, key=lambda p: p.id):
            self.rows[parcel.id] = parcel
            table.add_row(*self.row_cells(parcel), key=str(parcel.id))
            self.last = newest = parcel
        if newest is not None:
            table.move_cursor(row=table.row_count - 1)
            self.query_one("#last-code", Digits).update(newest.pickup_code)
            self.show_last_detail()

    # -- starting the batch ------------------------------------------------------------
    @on(Input.Submitted, "#shelf")
    def shelf_entered(self) -> None:
        self.query_one("#layer").focus()

    @on(Input.Submitted, "#layer")
    def layer_entered(self) -> None:
        self.query_one("#courier").focus()

    @on(Input.Submitted, "#courier")
    def start_batch(self) -> None:
        shelf_text = self.query_one("#shelf", Input).value or "1"  # digits only (restrict)
        layer_text = self.query_one("#layer", Input).value or "1"
        courier = self.query_one("#courier", Input).value
        carrier = carrier_in_text(courier, {c: self.t(f"carrier.{c}") for c in CARRIERS if c != "OTHER"})
        operator = self.session.require
        self.call_service(
            lambda: self.parcels.start_batch(
                operator,
                shelf=parse_count(shelf_text),
                layer=parse_count(layer_text),
                carrier=carrier,
                courier_name=courier,
            ),
            self.batch_started,
            self.batch_refused,
        )

    def batch_refused(self, error: StationError) -> None:
        self.show_error(error)
        self.query_one("#shelf").focus()

    def batch_started(self, batch: BatchInfo) -> None:
        self.current_batch = batch
        for field_id in ("#shelf", "#layer", "#courier"):
            self.query_one(field_id, Input).disabled = True
        scan = self.query_one("#scan", Input)
        scan.disabled = False
        self.query_one("#recipient", Input).disabled = False
        scan.focus()
        self.show_batch_line(batch)

    def show_batch_line(self, batch: BatchInfo) -> None:
        self.query_one("#batch-line", Label).update(
            self.t("checkin.batch_line", shelf=batch.shelf, layer=batch.layer, n=batch.scanned_count)
        )

    # -- scanning ----------------------------------------------------------------------
    @on(ScanInput.Scanned, "#scan")
    def scan_submitted(self, event: ScanInput.Scanned) -> None:
        if event.value.strip() and self.current_batch is not None:
            self.pending.append(event.value)
            self.save_scan(self.current_batch.id)

    @work(thread=True, group="scan", exit_on_error=False)
    def save_scan(self, batch_id: int) -> None:
        """Every scan lands, in the order scanned: each worker takes the oldest waiting scan under
        the lock, so pickup codes follow the physical stack."""
        with self.scan_lock:
            raw = self.pending.popleft()
            try:
                saved = self.parcels.check_in(self.session.require, raw, batch_id=batch_id)
            except StationError as error:
                self.post_message(self.ScanRejected(error))
            else:
                self.post_message(self.ParcelSaved(saved))

    @on(ParcelSaved)
    def parcel_saved(self, message: ParcelSaved) -> None:
        saved = message.checked_in
        if self.current_batch is None:  # the batch was ended meanwhile: its list is gone
            return
        self.last = saved.parcel
        self.current_batch = dataclasses.replace(self.current_batch, scanned_count=saved.batch_count)
        self.query_one("#last-code", Digits).update(saved.parcel.pickup_code)
        label = self.query_one("#scan-message", Label)
        if label.has_class("-error"):  # an update is a screen layout: only when there was one
            label.update("")
            label.remove_class("-error")
        self.show_last_detail()
        self.rows[saved.parcel.id] = saved.parcel
        table = self.query_one("#batch-table", DataTable)
        table.add_row(*self.row_cells(saved.parcel), key=str(saved.parcel.id))
        table.move_cursor(row=table.row_count - 1)
        self.show_batch_line(self.current_batch)
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
        if parcel is None:
            return
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

    # -- the highlighted row: recipient, carrier, damage -------------------------------
    @on(DataTable.RowHighlighted, "#batch-table")
    def row_highlighted(self) -> None:
        parcel = self.highlighted()
        if parcel is not None:
            self.query_one("#recipient", Input).placeholder = self.t("handover.recipient_for", code=parcel.pickup_code)

    @on(DataTable.RowSelected, "#batch-table")
    def row_chosen(self) -> None:
        """Enter on any row: type its recipient."""
        if self.highlighted() is not None:
            self.query_one("#recipient", Input).focus()

    @on(Input.Submitted, "#recipient")
    def recipient_entered(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        parcel = self.highlighted()
        if parcel is None or not text:
            self.query_one("#scan").focus()
            return
        operator = self.session.require
        self.call_service(lambda: self.recipients.resolve(operator, parcel.id, text), self.resolved)

    @work
    async def action_end_batch(self) -> None:
        if self.current_batch is None:
            return
        batch = self.current_batch
        ended = await self.app.push_screen_wait(
            FormDialog(
                self.t("checkin.end_title", n=batch.scanned_count),
                [
                    FormField("claimed", self.t("handover.claimed_beside", n=batch.scanned_count)),
                    FormField("courier", self.t("checkin.courier"), batch.courier_name),
                    FormField("note", self.t("checkin.mismatch_note")),
                ],
                lambda v: self.parcels.end_batch(
                    self.session.require,
                    batch.id,
                    claimed_count=parse_count(v["claimed"]),
                    courier_name=v["courier"],
                    note=v["note"],
                ),
            )
        )
        if ended is not None:
            self.notify(self.t("checkin.ended", n=ended.scanned_count, claimed=ended.claimed_count))
            self.dismiss_batch()
        elif self.query_one("#scan", Input).disabled:
            self.current_batch = None  # an interrupted batch not closed now: offered again next time

    def dismiss_batch(self) -> None:
        self.current_batch = None
        self.last = None
        self.rows = {}
        for field_id in ("#shelf", "#layer", "#courier"):
            self.query_one(field_id, Input).disabled = False
        self.query_one("#scan", Input).disabled = True
        self.query_one("#recipient", Input).disabled = True
        self.query_one("#batch-table", DataTable).clear()
        self.query_one("#last-code", Digits).update("")
        self.query_one("#batch-line", Label).update(self.t("checkin.start_hint"))
        self.query_one("#shelf").focus()
