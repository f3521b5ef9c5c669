"""F2 hand-over helpers: pick one of today's hand-overs (to undo it) by code, name or tail."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label

from station.screens.base import StationDialog
from station.services.parcels import ParcelInfo
from station.services.pickup import PickupService


class TodayHandOversDialog(StationDialog[ParcelInfo | None]):
    """Today's hand-overs, newest first; typing narrows the list, Enter picks the highlighted one."""

    DEFAULT_CSS = """
    TodayHandOversDialog > #dialog { width: 100; }
    TodayHandOversDialog #today { height: auto; max-height: 14; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "dialog.cancel", id="dialog.cancel"),
        Binding("down", "to_list", show=False),
    ]

    def __init__(self, pickup: PickupService) -> None:
        super().__init__()
        self.pickup = pickup
        self.found: list[ParcelInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.t("handover.undo_pick_title"), classes="title")
            yield Input(placeholder=self.t("handover.undo_filter"), id="undo-filter")
            table: DataTable[str] = DataTable(id="today", cursor_type="row", zebra_stripes=True)
            table.add_columns(
                self.t("parcels.col_code"),
                self.t("parcels.col_recipient"),
                self.t("parcels.col_tracking"),
                self.t("handover.col_at"),
            )
            yield table
            yield Label("", id="undo-message", classes="message")
            yield Label(self.t("handover.undo_pick_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#undo-filter").focus()
        self.load("")

    @on(Input.Changed, "#undo-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.load(event.value)

    def load(self, text: str) -> None:
        self.call_service(lambda: self.pickup.handed_over_today(text), self.show, group="filter", exclusive=True)

    def show(self, found: list[ParcelInfo]) -> None:
        self.found = found
        table = self.query_one("#today", DataTable)
        table.clear()
        for p in found:
            at = p.picked_up_at.strftime("%H:%M") if p.picked_up_at else ""
            table.add_row(p.pickup_code, p.recipient_display or "-", p.tracking_no, at, key=str(p.id))
        self.query_one("#undo-message", Label).update("" if found else self.t("handover.undo_none_today"))

    @on(Input.Submitted, "#undo-filter")
    def filter_submitted(self) -> None:
        """Enter in the filter: one match is taken; several go to the list to choose."""
        if len(self.found) == 1:
            self.dismiss(self.found[0])
        elif self.found:
            self.action_to_list()

    def action_to_list(self) -> None:
        if self.found:
            self.query_one("#today").focus()

    @on(DataTable.RowSelected, "#today")
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        chosen = next((p for p in self.found if str(p.id) == event.row_key.value), None)
        if chosen is not None:
            self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
