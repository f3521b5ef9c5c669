"""Keys arriving while the palette is being mounted or dismissed never crash it (NoMatches for
CommandList was seen once under random keys)."""

from __future__ import annotations

from textual import events

from station.screens.palette import StationPalette
from tests.ui.helpers import log_in, settle

SEQUENCES = (
    ("ctrl+p", "down", "escape"),
    ("ctrl+p", "z", "q", "escape"),
    ("ctrl+p", "x", "escape", "ctrl+p", "down", "up", "escape"),
    ("ctrl+p", "pageup", "pagedown", "escape"),
    ("ctrl+p", "pagedown", "end", "escape", "ctrl+p", "escape"),
    ("ctrl+p", "z", "z", "backspace", "down", "up", "escape"),
)


def burst(app, keys) -> None:
    """Keys as a fast typist or a scanner sends them: queued at once, no waiting in between."""
    for key in keys:
        char = key if len(key) == 1 else None
        app.post_message(events.Key(key, char))


# The palette's own countdowns, shortened (0.5 s in Textual): keys still arrive before, while
# and after they fire, in a tenth of the time.
COUNTDOWN = 0.05


async def test_fast_palette_keys_never_crash(make, set_up, monkeypatch):
    monkeypatch.setattr(StationPalette, "_NO_MATCHES_COUNTDOWN", COUNTDOWN)
    monkeypatch.setattr(StationPalette, "_BUSY_COUNTDOWN", COUNTDOWN)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        for pause in (None, 0, COUNTDOWN * 1.1):
            for keys in SEQUENCES:
                if pause is None:
                    burst(app, keys)
                else:
                    for key in keys:
                        await pilot.press(key)
                        await pilot.pause(pause)
                await pilot.pause(COUNTDOWN * 1.2)  # past the palette's "no matches" and "busy" countdowns
                if isinstance(app.screen, StationPalette):
                    await pilot.press("escape")
                await settle(app, pilot)
                while len(app.screen_stack) > 1:
                    await pilot.press("escape")
                    await settle(app, pilot)
        # an exception in a handler or a timer would have ended the app (and failed the test)
        assert app.is_running and app.screen_stack[-1] is app.screen and app.current_mode == "home"
