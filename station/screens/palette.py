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

from station.screens.base import TranslatedBindings


class StationPalette(TranslatedBindings, CommandPalette):
    """Textual's palette with its own texts in the UI language (placeholder, "No matches", and
    its keys' descriptions in F1)."""

    if TYPE_CHECKING:  # it only ever opens in the station app
        app: StationApp

    def __init__(self, placeholder: str, providers=None) -> None:
        # No fixed id: an area key (F7) or Ctrl+R from the palette leaves it on the stack below,
        # and a second Ctrl+P then crashed the app on a duplicate id. `is_open` goes by class.
        super().__init__(providers, placeholder=placeholder)

    # Keys, timers and workers reach the palette while it is being mounted (its list not composed
    # or not laid out yet) or dismissed (its children already removed): Textual then raised
    # NoMatches for CommandList, or a KeyError paging a list with no lines. Each entry point
    # below does nothing until the list is there, laid out, and the palette is still showing.
    def _command_list(self) -> CommandList | None:
        if not self.is_attached or self.app.screen is not self:
            return None
        found = self.query(CommandList)
        return found.first() if found else None

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            command_list = self._command_list()
            if command_list is None:
                return
            if not search_value:
                self._list_visible = False
                return
            text = Text(self.app.t("palette.no_matches"), style="not bold")
            command_list.add_option(Option(Align.center(text), disabled=True, id=self._NO_MATCHES))
            self._list_visible = True

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)

    def _watch__list_visible(self) -> None:
        if self._command_list() is not None:
            super()._watch__list_visible()

    async def _watch__show_busy(self) -> None:
        if self._command_list() is not None:
            await super()._watch__show_busy()

    def _action_cursor_down(self) -> None:
        command_list = self._command_list()
        if command_list is not None and command_list.size.height:
            super()._action_cursor_down()

    def _action_command_list(self, action: str) -> None:
        command_list = self._command_list()
        # Paging needs the list's lines, computed on its first layout (else a KeyError).
        if command_list is not None and command_list.size.height and command_list.option_count:
            super()._action_command_list(action)

    def _select_or_command(self, event=None) -> None:
        if self._command_list() is not None:
            super()._select_or_command(event)

    def _gather_commands(self, search_value: str):
        if self._command_list() is not None:
            return super()._gather_commands(search_value)
        return None


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
