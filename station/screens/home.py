"""Home: today's figures, one tile per area."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Footer, Label, Static

from station.screens.base import StationScreen
from station.services.dashboard import DashboardService, Tile
from station.widgets.status_line import StatusLine


class TileView(Vertical):
    DEFAULT_CSS = """
    TileView { border: round $primary; height: auto; padding: 0 1; }
    TileView .tile-title { text-style: bold; }
    TileView .-warning { color: $warning; text-style: bold; }
    """

    def __init__(self, tile: Tile, t) -> None:
        super().__init__(classes="tile")
        self.tile = tile
        self.t = t

    def compose(self) -> ComposeResult:
        self.border_title = self.t(self.tile.title)
        for label, value, warning in self.tile.rows:
            yield Static(f"{self.t(label)}: {value}", classes="-warning" if warning else "")


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
        await grid.remove_children()
        await grid.mount_all(TileView(tile, self.app.t) for tile in tiles)
