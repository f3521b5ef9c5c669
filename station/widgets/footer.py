"""The footer every screen shows: Textual's, rebuilt only when the keys it shows change.

Textual's Footer recomposes (every key widget made and restyled again) on each bindings
signal, which fires on every focus change — Tab through a form, a dialog opening, a scan
moving the focus — although the keys shown are mostly the same. Profiling a day of tabbing
put a third of the event loop's time there, so the rebuild now waits for a real change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _shown: tuple = ()

    def shown_keys(self, screen: Screen) -> tuple:
        """What the footer would draw: each shown key with its label, state and tooltip."""
        return tuple(
            (key, binding.action, binding.description, binding.group, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = self.shown_keys(screen)
            if self._bindings_ready and shown == self._shown:
                return  # the same keys: nothing to rebuild
            self._shown = shown
        super().bindings_changed(screen)
