"""Check-in rows: every scanned row can get or change its recipient, carrier or damage note.

The row under the batch table's cursor is the one acted on (after each scan, the newest);
up/down from the scan box move the cursor. Mixed into CheckInScreen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Input

from station.domain.carriers import CARRIERS
from station.screens.base import StationScreen
from station.screens.dialogs import ConfirmByYDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.villager_picker import VillagerPickerDialog
from station.services.parcels import ParcelInfo
from station.services.recipients import Resolved

if TYPE_CHECKING:
    from station.services.common import Session
    from station.services.parcels import ParcelService
    from station.services.purchases import PurchaseService
    from station.services.recipients import RecipientService
    from station.services.villagers import VillagerService

    _Screen = StationScreen
else:
    _Screen = object


class BatchRows(_Screen):
    """Needs from the screen: parcels, villagers, recipients, purchases, session, rows, last,
    row_cells, show_last_detail (and Textual's query_one, call_service, app, t, notify)."""

    if TYPE_CHECKING:  # what CheckInScreen provides, declared for the type checker
        parcels: ParcelService
        villagers: VillagerService
        recipients: RecipientService
        purchases: PurchaseService | None
        session: Session
        rows: dict[int, ParcelInfo]
        last: ParcelInfo | None

        def row_cells(self, parcel: ParcelInfo) -> tuple[str, ...]: ...
        def show_last_detail(self) -> None: ...

    def highlighted(self) -> ParcelInfo | None:
        """The parcel under the table's cursor (after each scan: the newest)."""
        table = self.query_one("#batch-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return None if key is None else self.rows.get(int(key))

    def action_row(self, step: int) -> None:
        table = self.query_one("#batch-table", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    @work
    async def resolved(self, outcome: Resolved) -> None:
        """Set; or pick among several villagers; or add the one nobody knows (one transaction)."""
        parcel = self.highlighted()
        if outcome.parcel is not None:
            self.recipient_set(outcome.parcel)
            return
        if parcel is None:
            return
        operator = self.session.require
        if outcome.candidates:
            villager = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers, outcome.query))
            if villager is not None:
                self.call_service(
                    lambda: self.parcels.set_recipient(operator, parcel.id, villager_id=villager.id),
                    self.recipient_set,
                )
            return
        added = await self.app.push_screen_wait(
            FormDialog(
                self.t("handover.add_villager", text=outcome.query, code=parcel.pickup_code),
                [
                    FormField("name", self.t("villagers.name"), outcome.add_name),
                    FormField("phone", self.t("villagers.phone"), outcome.add_phone),
                ],
                lambda v: self.recipients.add_and_set(operator, parcel.id, name=v["name"], phone=v["phone"]),
            )
        )
        if added is not None:
            self.recipient_set(added)
        else:
            self.query_one("#recipient").focus()

    def recipient_set(self, parcel: ParcelInfo) -> None:
        if self.last is not None and self.last.id == parcel.id:
            self.last = parcel
        self.rows[parcel.id] = parcel
        self.query_one("#recipient", Input).clear()
        self.refresh_row(parcel)
        self.query_one("#scan").focus()
        self.offer_order_link(parcel)

    def offer_order_link(self, parcel: ParcelInfo) -> None:
        """A parcel matching an open order (tracking no. or villager): offer to link it."""
        purchases = self.purchases
        if purchases is None or parcel.purchase_id is not None:
            return
        self.call_service(
            lambda: purchases.candidates_for(parcel.tracking_no, parcel.villager_id),
            lambda found: self.confirm_link(purchases, parcel, found) if found else None,
        )

    @work
    async def confirm_link(self, purchases: PurchaseService, parcel: ParcelInfo, orders) -> None:
        order = orders[0]
        question = self.t(
            "checkin.link_order",
            no=order.id,
            name=order.villager_name,
            items=self.t("list.sep").join(i.description for i in order.items),
        )
        if await self.app.push_screen_wait(ConfirmByYDialog(question)):
            operator = self.session.require
            self.call_service(
                lambda: purchases.link_parcel(operator, order.id, parcel.id),
                lambda linked: self.notify(self.t("checkin.linked", no=linked.id)),
            )

    def refresh_row(self, parcel: ParcelInfo) -> None:
        table = self.query_one("#batch-table", DataTable)
        for column, value in zip(list(table.columns), self.row_cells(parcel), strict=True):
            table.update_cell(str(parcel.id), column, value, update_width=True)
        self.show_last_detail()

    @work
    async def action_pick_recipient(self) -> None:
        parcel = self.highlighted()
        if parcel is None:
            return
        initial = self.query_one("#recipient", Input).value
        villager = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers, initial))
        if villager is not None:
            parcel_id = parcel.id
            self.call_service(
                lambda: self.parcels.set_recipient(self.session.require, parcel_id, villager_id=villager.id),
                self.recipient_set,
            )

    @work
    async def action_change_carrier(self) -> None:
        parcel = self.highlighted()
        if parcel is None:
            return
        parcel_id = parcel.id
        options = tuple((self.t(f"carrier.{c}"), c) for c in CARRIERS)
        changed = await self.app.push_screen_wait(
            FormDialog(
                self.t("checkin.carrier_title", tracking_no=parcel.tracking_no),
                [FormField("carrier", self.t("parcels.col_carrier"), parcel.carrier or "OTHER", options)],
                lambda v: self.parcels.override_carrier(self.session.require, parcel_id, v["carrier"]),
            )
        )
        if changed is not None:
            self.recipient_set(changed)

    @work
    async def action_mark_damaged(self) -> None:
        parcel = self.highlighted()
        if parcel is None:
            return
        parcel_id = parcel.id
        marked = await self.app.push_screen_wait(
            FormDialog(
                self.t("checkin.damaged_title", tracking_no=parcel.tracking_no),
                [FormField("note", self.t("checkin.damage_note")), FormField("photo", self.t("checkin.photo_path"))],
                lambda v: self.parcels.mark_damaged(
                    self.session.require, parcel_id, note=v["note"], photo_path=v["photo"]
                ),
            )
        )
        if marked is not None:
            self.notify(self.t("checkin.damaged_saved", code=marked.pickup_code))
            self.recipient_set(marked)
