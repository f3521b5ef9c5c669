"""Home: today's figures, one tile per area."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.widgets import Label, Static

from station.screens.base import StationScreen
from station.services.dashboard import DashboardService, Tile
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine


class TileView(Vertical):
    """A tile; one that opens a list can be focused (Tab, arrows) and opened with Enter."""

    DEFAULT_CSS = """
    TileView { border: round $primary; height: auto; padding: 0 1; }
    TileView .tile-title { text-style: bold; }
    TileView .-warning { color: $warning; text-style: bold; }
    TileView:focus { border: double $accent; background: $boost; }
    """

    @dataclass
    class Opened(Message):
        opens: str

    def __init__(self, tile: Tile, t) -> None:
        super().__init__(classes="tile")
        self.tile = tile
        self.t = t
        self.can_focus = bool(tile.opens)

    def compose(self) -> ComposeResult:
        self.border_title = self.t(self.tile.title)
        if self.tile.opens:
            self.border_subtitle = self.t("tile.enter_opens")
        for label, value, warning in self.tile.rows:
            yield Static(f"{self.t(label)}: {value}", classes="-warning" if warning else "")

    def same_shape(self, tile: Tile) -> bool:
        """Whether `tile` differs from the shown one in its figures only."""
        old, new = self.tile, tile
        return (old.title, old.opens, [r[0] for r in old.rows]) == (new.title, new.opens, [r[0] for r in new.rows])

    def show(self, tile: Tile) -> None:
        """New figures in the rows already mounted (`same_shape`)."""
        self.tile = tile
        for row, (label, value, warning) in zip(self.query(Static), tile.rows):
            row.update(f"{self.t(label)}: {value}")
            row.set_class(warning, "-warning")

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.tile.opens:
            event.stop()
            self.post_message(self.Opened(self.tile.opens))

    def on_click(self) -> None:
        if self.tile.opens:
            self.post_message(self.Opened(self.tile.opens))


class HomeScreen(StationScreen):
    DEFAULT_CSS = """
    HomeScreen #tiles { grid-size: 3; grid-gutter: 0 1; height: auto; padding: 0 1; }
    HomeScreen #today { padding: 0 1; text-style: bold; }
    """

    def __init__(self, dashboard: DashboardService) -> None:
        super().__init__()
        self.dashboard = dashboard

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label("", id="today")
        yield Grid(id="tiles")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_tiles()

    def on_screen_resume(self) -> None:
        self.refresh_tiles()

    def refresh_tiles(self) -> None:
        self.call_service(self.dashboard.tiles, self.show_tiles, group="dashboard", exclusive=True)

    async def show_tiles(self, tiles: list[Tile]) -> None:
        today = self.dashboard.clock.now()
        self.query_one("#today", Label).update(self.t("home.today", date=today.strftime("%Y-%m-%d")))
        grid = self.query_one("#tiles", Grid)
        shown = list(grid.query_children(TileView))
        if len(shown) == len(tiles) and all(view.same_shape(tile) for view, tile in zip(shown, tiles)):
            # Back home: the same tiles with new figures. Updated in place, not mounted anew,
            # so returning home restyles and lays out a dozen labels, not the whole grid.
            for view, tile in zip(shown, tiles):
                view.show(tile)
            return
        focused = self.focused.tile.opens if isinstance(self.focused, TileView) else ""
        await grid.remove_children()
        views = [TileView(tile, self.app.t) for tile in tiles]
        await grid.mount_all(views)
        openers = [view for view in views if view.tile.opens]
        if openers:
            (next((v for v in openers if v.tile.opens == focused), None) or openers[0]).focus()

    async def on_tile_view_opened(self, message: TileView.Opened) -> None:
        await self.app.open_list(message.opens)
