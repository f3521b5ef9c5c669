"""F6 villagers: search as you type (name, pinyin initials, phone tail), add, edit."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import DataTable, Input, Label

from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.villager_dialog import VillagerDialog
from station.services.common import Session
from station.services.villagers import VillagerInfo, VillagerService
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("villagers.add", "ctrl+n", "add_villager", "villagers.add", "villagers.add_help"),
    StationAction("villagers.edit", "ctrl+o", "edit_villager", "villagers.edit", "villagers.edit_help"),
    StationAction("villagers.search", "ctrl+f", "focus_search", "villagers.search", "villagers.search_help"),
)


class VillagersScreen(StationScreen):
    DEFAULT_CSS = """
    VillagersScreen #search { margin: 0 1; }
    VillagersScreen #results { height: 1fr; margin: 0 1; }
    VillagersScreen #count { margin: 0 1; color: $text-muted; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, villagers: VillagerService, session: Session) -> None:
        super().__init__()
        self.villagers = villagers
        self.session = session
        self.shown: list[VillagerInfo] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Input(placeholder=self.t("villagers.search_placeholder"), id="search")
        table: DataTable[str] = DataTable(id="results", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            self.t("villagers.name"),
            self.t("villagers.phone"),
            self.t("villagers.group"),
            self.t("villagers.note"),
        )
        yield table
        yield Label("", id="count")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search").focus()
        self.search("")

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#search")
    def go_to_results(self) -> None:
        if self.shown:
            self.query_one("#results").focus()

    def search(self, text: str) -> None:
        self.call_service(lambda: self.villagers.search(text), self.show, group="search", exclusive=True)

    def show(self, found: list[VillagerInfo]) -> None:
        self.shown = found
        table = self.query_one("#results", DataTable)
        table.clear()
        for villager in found:
            table.add_row(villager.name, villager.phone, villager.village_group, villager.note, key=str(villager.id))
        self.query_one("#count", Label).update(self.t("villagers.count", n=len(found)))

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#search") and self.shown:
            self.query_one("#results").focus()
            event.stop()

    @on(DataTable.RowSelected, "#results")
    def row_chosen(self) -> None:
        self.action_edit_villager()

    def selected(self) -> VillagerInfo | None:
        table = self.query_one("#results", DataTable)
        if not self.shown or table.cursor_row is None or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def action_focus_search(self) -> None:
        self.query_one("#search").focus()

    @work
    async def action_add_villager(self) -> None:
        search = self.query_one("#search", Input).value.strip()
        name = "" if search.isascii() else search
        saved = await self.app.push_screen_wait(VillagerDialog(self.villagers, self.session, name=name))
        self.after_save(saved)

    @work
    async def action_edit_villager(self) -> None:
        villager = self.selected()
        if villager is None:
            return
        saved = await self.app.push_screen_wait(VillagerDialog(self.villagers, self.session, villager))
        self.after_save(saved)

    def after_save(self, saved: VillagerInfo | None) -> None:
        if saved is None:
            return
        self.notify(self.t("villagers.saved", name=saved.name))
        search = self.query_one("#search", Input)
        search.value = saved.name  # triggers a search that shows the saved row
        search.focus()
        search.select_all()  # what is typed next is the next search: it replaces the name
