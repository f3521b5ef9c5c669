"""Driving the real app by keyboard in tests."""

from __future__ import annotations

import time
import weakref

from textual.widgets import Label, Static

from station.app import StationApp


async def settle(app: StationApp, pilot) -> None:
    """Let service workers finish and their messages be handled (no sleeping).

    Workers in the "default" group are key actions that may open a dialog and wait for an
    answer: never waited for to finish, but a new one is given time to push its dialog (or
    end) so the next key goes to the screen a user would see. Keys typed ahead of an Enter
    are let go first (station/screens/held_keys.py).
    """
    state = _settled.setdefault(app, _Settled())
    for _ in range(3):
        await app.typed_ahead_released()
        await pilot.pause()
        busy = [w for w in app.workers if w.group != "default"]
        if busy:  # an empty list would mean "all workers" to wait_for_complete
            await app.workers.wait_for_complete(busy)
    fresh = [w for w in app.workers if w.group == "default" and w not in state.workers]
    if fresh:
        deadline = time.monotonic() + 30  # bounded, and generous: tests share a loaded machine
        while time.monotonic() < deadline:
            if list(app.screen_stack) != state.stack or all(w.is_finished for w in fresh):
                break
            await pilot.pause(0.01)
        state.workers.update(fresh)
        busy = [w for w in app.workers if w.group != "default"]
        if busy:
            await app.workers.wait_for_complete(busy)
    await app.typed_ahead_released()
    await pilot.pause()
    state.stack = list(app.screen_stack)


class _Settled:
    """What the last settle saw: the screen stack and the key-action workers."""

    def __init__(self) -> None:
        self.stack: list = []
        self.workers: weakref.WeakSet = weakref.WeakSet()


_settled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


async def log_in(app: StationApp, pilot, pin: str = "123456") -> None:
    """From the log-in screen (first operator pre-selected) to home."""
    await settle(app, pilot)
    await type_text(pilot, pin)
    await pilot.press("enter")
    await settle(app, pilot)


async def press_each(app: StationApp, pilot, *keys: str) -> None:
    """Each key as a person presses it: the next one once the screen has answered the last."""
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


async def fill(pilot, *texts: str) -> None:
    """A form field by field: each text typed, then Enter (to the next field, or submit)."""
    for text in texts:
        await type_text(pilot, text)
        await pilot.press("enter")


async def check_in_one(app: StationApp, pilot, tracking: str, *, courier: str = "中通", layer: str = "2") -> None:
    """From any area: F2, Ctrl+N, a batch from `courier` onto shelf 3, `layer`, and one parcel scanned."""
    await press_each(app, pilot, "f2", "ctrl+n")
    await pilot.press("3", "enter", layer, "enter")
    await type_text(pilot, courier)
    await pilot.press("enter")
    await settle(app, pilot)
    await pilot.press(*tracking, "enter")
    await settle(app, pilot)


def a_consignor_with_a_sale(set_up):
    """张三 (a villager) and 张师傅, a farmer whose 10 duck eggs at ¥2.00 have sold 5 for cash:
    typing "zs" finds both, the consignor first."""
    from station.services.consignments import SaleLine

    partner = set_up.operators.list_active()[0]
    set_up.villagers.add(partner, name="张三", phone="13500001111")
    farmer = set_up.villagers.add(partner, name="张师傅", phone="13566667777")
    egg = set_up.consignments.intake(
        partner, consignor_id=farmer.id, product="鸭蛋", unit="piece", qty_milli=10000, unit_price_fen=200
    )
    set_up.consignments.sell(partner, [SaleLine(egg.lot.id, 5000, None, "")], method="cash")
    return farmer
