"""The parcel desk at a scanner's pace: a villager's pickup code scanned after another's, with
the first one's parcels on screen or even before their answer came."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.widgets import Input

from station.screens.dialogs import ConfirmDialog
from tests.ui.helpers import log_in, press_each, screen_text, settle
from tests.ui.test_type_ahead_ui import rows


def scanned(app, text: str) -> None:
    """What a scanner sends: the characters and Enter queued at once, nothing waited for."""
    for char in text:
        app.post_message(events.Key(char, char))
    app.post_message(events.Key("enter", "\r"))


@pytest.fixture
def two_waiting(set_up):
    """One parcel for 张三 and one for 李四: their pickup codes."""
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=3, layer=1)
    codes = []
    for n, (name, phone) in enumerate((("张三", "13500001111"), ("李四", "13500002222"))):
        villager = set_up.villagers.add(partner, name=name, phone=phone)
        parcel = set_up.parcels.check_in(partner, f"YT12345678901{n}", batch_id=batch.id).parcel
        set_up.parcels.set_recipient(partner, parcel.id, villager_id=villager.id)
        codes.append(parcel.pickup_code)
    return codes


async def open_desk(app, pilot) -> None:
    await log_in(app, pilot)
    await press_each(app, pilot, "f2")


async def test_a_code_scanned_while_the_list_has_the_focus_is_a_new_search(make, two_waiting):
    zhang, li = two_waiting
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_desk(app, pilot)
        await pilot.press(*zhang, "enter")
        await settle(app, pilot)
        assert app.focused.id == "waiting" and "张三" in screen_text(app)
        scanned(app, li)  # the next villager's code, the list still focused
        await settle(app, pilot)
        assert app.screen.query_one("#find", Input).value == li
        assert not isinstance(app.screen, ConfirmDialog)  # not a hand-over to 张三
        assert len(rows(app.screen.query_one("#waiting"))) == 1 and "李四" in screen_text(app)


async def test_a_code_scanned_before_the_last_answer_came_replaces_the_last(make, two_waiting):
    zhang, li = two_waiting
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_desk(app, pilot)
        scanned(app, zhang)
        scanned(app, li)  # back to back, no waiting
        await settle(app, pilot)
        assert app.screen.query_one("#find", Input).value == li
        assert "李四" in screen_text(app) and "张三" not in screen_text(app)


async def scan(app, code: str) -> None:
    """A scanner's burst: the keys of the code and Enter, each handed to the app as the
    terminal driver does (one task each, from its thread), without waiting for the app to
    answer one before the next (Pilot's press does wait)."""
    for char in code:
        app.post_message(events.Key({"-": "minus"}.get(char, char), char))
        await asyncio.sleep(0)
    app.post_message(events.Key("enter", "\r"))


async def test_a_burst_scanned_while_the_list_has_the_focus_loses_no_key(make, two_waiting):
    zhang, li = two_waiting
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f2")
        await scan(app, zhang)
        await settle(app, pilot)
        assert app.focused.id == "waiting" and "张三" in screen_text(app)
        await scan(app, li)  # the next villager's code, the list still focused: every key of it a search
        await settle(app, pilot)
        assert app.screen.query_one("#find", Input).value == li
        assert not isinstance(app.screen, ConfirmDialog)
        assert len(rows(app.screen.query_one("#waiting"))) == 1 and "李四" in screen_text(app)
