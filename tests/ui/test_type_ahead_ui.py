"""Typing faster than the database answers: each keystroke in a search box starts a search, and
the answer to an earlier, shorter text may come last. It must not replace the newer rows, and
Enter typed before the newest answer acts on that answer."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import DataTable

from station.db.consignment_models import ConsignmentLot
from tests.ui.helpers import fill, log_in, press_each, settle, type_text


def slow_for(villagers, text: str, gate: threading.Event) -> None:
    """The search for `text` waits for `gate` (a database busy for that one query)."""
    real = villagers.search

    def search(query, *args, **kwargs):
        if query == text:
            assert gate.wait(10), "the slow search was never let go"
        return real(query, *args, **kwargs)

    villagers.search = search


def rows(table: DataTable) -> list[str]:
    return [table.get_row_at(i)[0] for i in range(table.row_count)]


@pytest.fixture
def picker_app(make, set_up):
    """Two villagers whose initials both start with z; `app.gate` lets the slow search go."""
    partner = set_up.operators.list_active()[0]
    set_up.villagers.add(partner, name="张三", phone="13500001111")
    set_up.villagers.add(partner, name="赵大", phone="13500002222")

    def build(slow_text: str):
        app = make()
        app.gate = threading.Event()
        slow_for(app.services.villagers, slow_text, app.gate)
        return app

    return build


async def open_intake_picker(app, pilot) -> None:
    await log_in(app, pilot)
    await press_each(app, pilot, "f4", "ctrl+n")


async def test_a_late_answer_for_a_shorter_text_does_not_replace_the_newer_rows(picker_app):
    app = picker_app("z")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_intake_picker(app, pilot)
        await type_text(pilot, "zs")  # "z" is stuck; "zs" answers: 张三
        for _ in range(50):
            await pilot.pause(0.02)
            if rows(app.screen.query_one("#picker-results", DataTable)) == ["张三"]:
                break
        app.gate.set()  # now the answer for "z" (张三 and 赵大) comes, too late
        await settle(app, pilot)
        await pilot.pause(0.1)
        assert rows(app.screen.query_one("#picker-results", DataTable)) == ["张三"]


async def test_enter_before_the_answer_picks_from_the_answer_to_what_was_typed(picker_app):
    app = picker_app("zs")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_intake_picker(app, pilot)
        await type_text(pilot, "z")
        await settle(app, pilot)
        assert sorted(rows(app.screen.query_one("#picker-results", DataTable))) == sorted(["张三", "赵大"])
        await type_text(pilot, "s")  # its answer is slow in coming
        await pilot.press("enter")  # typed ahead: on the rows of "z" it would open the list
        app.gate.set()
        await settle(app, pilot)
        await fill(pilot, "土鸡蛋", "", "30", "9", "8", "20 天")
        await settle(app, pilot)
        lot = ConsignmentLot.get()
        assert lot.consignor.name == "张三"


async def test_enter_after_a_search_that_failed_asks_again_and_picks(make, set_up):
    """The search for what was typed failed (the database busy past its timeout): Enter waited
    for an answer that would never come, and every Enter after it too, until a new keystroke."""
    from station.services.db_errors import DatabaseUnavailable

    partner = set_up.operators.list_active()[0]
    set_up.villagers.add(partner, name="张三", phone="13500001111")
    set_up.villagers.add(partner, name="赵大", phone="13500002222")
    app = make()
    real, failed = app.services.villagers.search, []

    def search(query, *args, **kwargs):
        if query == "zs" and not failed:
            failed.append(query)
            raise DatabaseUnavailable("db.locked")
        return real(query, *args, **kwargs)

    app.services.villagers.search = search
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        for key in ("f4", "ctrl+n"):
            await pilot.press(key)
            await settle(app, pilot)
        await type_text(pilot, "zs")
        await settle(app, pilot)
        assert failed == ["zs"]
        await pilot.press("enter")  # the person tries again
        await settle(app, pilot)
        for text in ("土鸡蛋", "", "30", "9", "8", "20 天"):
            await type_text(pilot, text)
            await pilot.press("enter")
        await settle(app, pilot)
        lot = ConsignmentLot.get()
        assert lot.consignor.name == "张三"


async def test_typing_on_after_an_early_enter_withdraws_it(picker_app):
    from station.screens.villager_picker import VillagerPickerDialog

    app = picker_app("z")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_intake_picker(app, pilot)
        await type_text(pilot, "z")  # its answer is slow in coming
        await pilot.press("enter")  # early: it would wait for the answer to "z"
        await type_text(pilot, "s")  # typed on: "zs" answers at once, one person
        await settle(app, pilot)
        app.gate.set()
        await settle(app, pilot)
        assert isinstance(app.screen, VillagerPickerDialog)  # nobody picked without a new Enter
        assert rows(app.screen.query_one("#picker-results", DataTable)) == ["张三"]
