"""The footer every screen shows: Textual's, rebuilt only when the keys it shows change.

Textual's Footer recomposes (every key widget made and restyled again) on each bindings
signal, which fires on every focus change — Tab through a form, a dialog opening, a scan
moving the focus — although the keys shown are mostly the same. Profiling a day of tabbing
put a third of the event loop's time there, so the rebuild now waits for a real change. And
a rebuild restyles no key twice."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey


class Footer(TextualFooter):
    _shown: tuple | None = None  # the keys the last compose drew (None: not drawn yet)

    def shown_keys(self, screen: Screen) -> tuple:
        """What the footer would draw: each shown key with its label, state and tooltip."""
        return tuple(
            (key, binding.action, binding.description, binding.group, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        # Remember what is drawn, when it is drawn: the keys at the signal may differ from
        # the keys when the rebuild runs (a screen still being switched to).
        self._shown = self.shown_keys(self.screen) if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # A key starts out compact and is then bound to the footer's own setting: two
                # restylings of every key each time the footer is drawn, a sixth of a log-in's
                # CPU. Given the footer's setting first, it is drawn the same, restyled never.
                # (The command palette's key is not bound: it stays as it is.)
                widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            if self._shown is not None and self.shown_keys(screen) == self._shown:
                return  # the same keys as drawn: nothing to rebuild
        super().bindings_changed(screen)
