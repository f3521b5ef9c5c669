"""Pick a villager by typing (name, pinyin initials, phone tail); Enter picks."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Label

from station.domain.errors import StationError
from station.screens.base import StationDialog
from station.services.villagers import VillagerInfo, VillagerService


class VillagerPickerDialog(StationDialog[VillagerInfo | None]):
    DEFAULT_CSS = """
    VillagerPickerDialog #picker-results { height: 12; }
    """
    BINDINGS = [Binding("escape", "cancel", "dialog.cancel", id="dialog.cancel")]

    def __init__(self, villagers: VillagerService, initial: str = "", *, consignors_first: bool = False) -> None:
        super().__init__()
        self.consignors_first = consignors_first
        self.villagers = villagers
        self.initial = initial
        self.shown: list[VillagerInfo] = []
        self.shown_for: str | None = None  # the text `shown` answers
        self.asked_for: str | None = None  # the text whose answer is on its way (None: it failed)
        self.submit_when_shown = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.t("picker.title"), classes="title")
            yield Input(self.initial, placeholder=self.t("villagers.search_placeholder"), id="picker-search")
            table: DataTable[str] = DataTable(id="picker-results", cursor_type="row")
            table.add_columns(self.t("villagers.name"), self.t("villagers.phone"), self.t("villagers.group"))
            yield table
            yield Label(self.t("picker.hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#picker-search").focus()
        self.search(self.initial)

    @on(Input.Changed, "#picker-search")
    def changed(self, event: Input.Changed) -> None:
        self.submit_when_shown = False  # typed on after an early Enter: that Enter is withdrawn
        self.search(event.value)

    def search(self, text: str) -> None:
        first = self.consignors_first
        self.asked_for = text
        self.call_service(
            lambda: self.villagers.search(text, limit=30, consignors_first=first),
            lambda found: self.show(found, text),
            self.search_failed,
            group="search",
            exclusive=True,
        )

    def search_failed(self, error: StationError) -> None:
        self.asked_for = None  # no answer will come: the next Enter asks again
        self.show_error(error)

    def show(self, found: list[VillagerInfo], text: str) -> None:
        self.shown, self.shown_for = found, text
        table = self.query_one("#picker-results", DataTable)
        table.clear()
        for v in found:
            table.add_row(v.name, v.masked_phone, v.village_group, key=str(v.id))
        if self.submit_when_shown and text == self.query_one("#picker-search", Input).value:
            self.submitted()

    @on(Input.Submitted, "#picker-search")
    def submitted(self) -> None:
        # Enter typed before the answer to the last keystroke came: act on that answer, not
        # on the rows of a shorter text still on screen.
        text = self.query_one("#picker-search", Input).value
        self.submit_when_shown = self.shown_for != text
        if self.submit_when_shown:
            if self.asked_for != text:  # its search failed: waiting would never end
                self.search(text)
            return
        if len(self.shown) == 1:
            self.dismiss(self.shown[0])
        elif self.shown:
            self.query_one("#picker-results").focus()

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#picker-search") and self.shown:
            self.query_one("#picker-results").focus()
            event.stop()

    @on(DataTable.RowSelected, "#picker-results")
    def picked(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.shown[event.cursor_row])

    def action_cancel(self) -> None:
        self.dismiss(None)
