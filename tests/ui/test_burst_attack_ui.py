"""Bursts across screens, dialogs and lists: a key outside a field (F-key, y to a question, Enter
on a list) and the desk's search box hold the keys typed after them until what they open is showing."""

from __future__ import annotations

from textual.widgets import Input

from station.db.parcel_models import CourierBatch, Parcel
from station.screens.check_in import CheckInScreen
from station.screens.dialogs import ConfirmDialog
from tests.ui.helpers import log_in, settle
from tests.ui.test_burst_typing_ui import FIRST, burst, chars


async def test_f_keys_and_a_form_in_one_burst_from_home(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await burst(app, pilot, "f2", "ctrl+n", "3", "enter", "2", "enter", *chars("中通"), "enter")
        assert isinstance(app.screen, CheckInScreen)
        batch = CourierBatch.get()
        assert (batch.shelf, batch.layer, batch.courier_name) == (3, 2, "中通")


async def test_a_resume_question_answered_and_scans_typed_on(make, set_up):
    partner = set_up.operators.list_active()[0]
    set_up.parcels.start_batch(partner, shelf=3, layer=2, courier_name="中通")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        for key in ("f2", "ctrl+n"):
            await pilot.press(key)
            await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await burst(app, pilot, "y", *chars(FIRST), "enter")
        assert isinstance(app.screen, CheckInScreen)
        assert [(p.tracking_no, p.pickup_code) for p in Parcel.select()] == [(FIRST, "3-2-0001")]
        assert app.screen.query_one("#scan", Input).value == ""


def two_for_li(set_up) -> list[str]:
    partner = set_up.operators.list_active()[0]
    li = set_up.villagers.add(partner, name="李大爷", phone="13900005678")
    batch = set_up.parcels.start_batch(partner, shelf=3, layer=2)
    codes = []
    for n in range(2):
        parcel = set_up.parcels.check_in(partner, f"SF123456789000{n}", batch_id=batch.id).parcel
        set_up.parcels.set_recipient(partner, parcel.id, villager_id=li.id)
        codes.append(parcel.pickup_code)
    return codes


async def test_a_hand_over_by_phone_tail_typed_in_one_burst(make, set_up):
    two_for_li(set_up)
    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await burst(app, pilot, *chars("5678"), "enter", "space", "space", "enter", "enter")
        assert Parcel.select().where(Parcel.status == "picked_up").count() == 2


async def test_a_hand_over_by_code_typed_in_one_burst(make, set_up):
    codes = two_for_li(set_up)
    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await burst(app, pilot, *chars(codes[0]), "enter", "enter", "enter")
        assert Parcel.select().where(Parcel.status == "picked_up").count() == 2


async def test_enter_on_the_list_after_a_code_typed_ahead_on_it_hands_over(make, set_up):
    """A code typed while the list has the focus goes on to the search box; once its answer is
    listed, Enter on the list hands over (it is not passed on as the end of that code)."""
    from station.screens.form_dialog import FormDialog
    from station.screens.parcel_desk import ParcelDeskScreen

    codes = two_for_li(set_up)
    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await burst(app, pilot, *chars(codes[0]), "enter")
        assert app.focused.id == "waiting"
        await burst(app, pilot, *chars(codes[1]), "enter")
        assert app.focused.id == "waiting" and app.screen.query_one("#find", Input).value == codes[1]
        assert isinstance(app.screen, ParcelDeskScreen)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)


async def test_a_villager_added_and_the_next_search_typed_on_in_one_burst(make, set_up):
    """After a save the search box shows the saved name (its row listed); what is typed on is
    the next search: it replaces the name, at a counter's pace as at a person's."""
    from station.db.models import Villager

    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        await burst(app, pilot, "ctrl+n", *chars("𠮷﨑大姐"), "enter", *chars("13900001234"), "enter", "enter", "enter")
        assert Villager.get(Villager.phone == "13900001234").name == "𠮷﨑大姐"
        await burst(app, pilot, *chars("王"))
        assert app.screen.query_one("#search", Input).value == "王"
        await burst(
            app, pilot, "ctrl+n", *chars("钱二"), "enter", *chars("13900001235"), "enter", "enter", "enter", "李"
        )
        assert Villager.get(Villager.phone == "13900001235").name == "钱二"
        assert app.screen.query_one("#search", Input).value == "李"
