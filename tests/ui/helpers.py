"""Driving the real app by keyboard in tests."""

from __future__ import annotations

from textual.widgets import Label, Static

from station.app import StationApp


async def settle(app: StationApp, pilot) -> None:
    """Let service workers finish and their messages be handled (no sleeping).

    Workers in the "default" group are dialogs waiting for an answer: never waited for.
    """
    for _ in range(3):
        await pilot.pause()
        busy = [w for w in app.workers if w.group != "default"]
        if busy:  # an empty list would mean "all workers" to wait_for_complete
            await app.workers.wait_for_complete(busy)
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


def text_of(widget) -> str:
    if isinstance(widget, (Label, Static)):
        return str(widget.render())
    return str(widget)


def screen_text(app: StationApp) -> str:
    """Everything the current screen shows, as plain text (for 'is it on screen' checks)."""
    parts = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Static):
            parts.append(str(widget.render()))
    from textual.widgets import DataTable

    for table in app.screen.query(DataTable):
        for row_key in table.rows:
            parts.append(" ".join(str(cell) for cell in table.get_row(row_key)))
    return "\n".join(parts)


async def log_in(app: StationApp, pilot, pin: str = "1234") -> None:
    """From the log-in screen (first operator pre-selected) to home."""
    await settle(app, pilot)
    await type_text(pilot, pin)
    await pilot.press("enter")
    await settle(app, pilot)
