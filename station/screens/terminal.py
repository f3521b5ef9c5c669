"""The app ends when its terminal does.

A closed terminal (a window shut, an SSH link dropped) sends SIGHUP to the session's leader
only. When `station` is not that leader (started through `make run`, a launcher script, a
shell that stays), nothing tells it, and Textual's input thread, reading a terminal that only
answers "end of file", spins at full CPU for ever — found as an orphan using 90 % of a core
after its tmux window was closed. A hung-up terminal is no longer a terminal (`isatty` says
so), which the app checks once a second."""

from __future__ import annotations

import os
import sys

from textual.app import App

CHECK_EVERY_S = 1.0


def exit_when_terminal_closes(app: App) -> None:
    """From now on, `app` exits within a second of its terminal closing (not when headless)."""
    stdin = sys.__stdin__
    if app.is_headless or stdin is None:
        return
    try:
        fd = stdin.fileno()
    except (OSError, ValueError):  # no real file behind it
        return
    if not os.isatty(fd):
        return

    def check() -> None:
        if not os.isatty(fd):
            app.exit()

    app.set_interval(CHECK_EVERY_S, check, name="terminal-closed")
