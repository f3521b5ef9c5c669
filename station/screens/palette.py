"""Ctrl+P: every station action, searchable in the UI language."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from station.app import StationApp


class StationPalette(CommandPalette):
    """Textual's palette with its own texts in the UI language (placeholder, "No matches")."""

    if TYPE_CHECKING:  # it only ever opens in the station app
        app: StationApp

    def __init__(self, placeholder: str, providers=None) -> None:
        # No fixed id: an area key (F7) or Ctrl+R from the palette leaves it on the stack below,
        # and a second Ctrl+P then crashed the app on a duplicate id. `is_open` goes by class.
        super().__init__(providers, placeholder=placeholder)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if not search_value:
                self._list_visible = False
                return
            text = Text(self.app.t("palette.no_matches"), style="not bold")
            self.query_one(CommandList).add_option(Option(Align.center(text), disabled=True, id=self._NO_MATCHES))
            self._list_visible = True

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class StationCommands(Provider):
    if TYPE_CHECKING:  # the station's palette only ever runs in the station app (textual: App[object])

        @property
        def app(self) -> StationApp: ...

    def _commands(self):
        app = self.app
        for action in app.palette_actions(self.screen):
            yield app.t(action.label), app.t(action.help), action.action

    async def discover(self) -> Hits:
        for name, help_text, action in self._commands():
            yield DiscoveryHit(name, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action in self._commands():
            score = max(matcher.match(name), matcher.match(help_text))
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self.app.run_action, action), help=help_text)
