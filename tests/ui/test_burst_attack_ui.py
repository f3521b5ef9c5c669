"""Bursts across screens, dialogs and lists: every form of the counter typed in one burst (a
scanner, a quick hand, a slow counter PC), keys outside a field (F-keys, Esc, y to a question,
Enter on a list) and the desk's search box holding the keys typed after them until what they
open is showing."""

from __future__ import annotations

import asyncio
import time

import pytest
from textual.widgets import Input

from station.db.parcel_models import CourierBatch, Parcel
from station.screens.check_in import CheckInScreen
from station.screens.dialogs import ConfirmByYDialog, ConfirmDialog
from tests.ui.helpers import a_consignor_with_a_sale, log_in, press_each, settle
from tests.ui.test_burst_typing_ui import FIRST, SECOND, burst, chars, key_event, open_check_in, send_at_once


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
        await press_each(app, pilot, "f2")
        await burst(app, pilot, *chars("5678"), "enter", "space", "space", "enter", "enter")
        assert Parcel.select().where(Parcel.status == "picked_up").count() == 2


async def test_a_hand_over_by_code_typed_in_one_burst(make, set_up):
    codes = two_for_li(set_up)
    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f2")
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
        await press_each(app, pilot, "f2")
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


async def test_a_utility_bill_with_a_refused_amount_put_right_in_one_burst(make, set_up):
    import datetime as dt

    from station.db.utility_models import UtilityBill
    from station.domain.tariffs import Tier
    from station.screens.utilities import UtilitiesScreen

    partner = set_up.operators.list_active()[0]
    tiers = (Tier(240_000, 4883), Tier(400_000, 5383), Tier(None, 7883))
    set_up.utilities.add_tariff(
        partner, category="electricity", effective_from=dt.date(2026, 1, 1), unit="kWh", tiers=tiers
    )
    app = make()
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(app, pilot)
        fields = [*chars("2026-10"), "enter", *chars("18234"), "enter", *chars("18711"), "enter", "enter", "enter"]
        wrong, right = [*chars("2x80"), "ctrl+s"], ["ctrl+u", *chars("280"), "ctrl+s"]
        await burst(app, pilot, "f5", "ctrl+n", *fields, *wrong, *right, "escape")
        assert isinstance(app.screen, UtilitiesScreen)
        bill = UtilityBill.get()
        assert (bill.billed_fen, bill.payable_fen) == (28000, 27194)


async def test_first_run_log_out_log_in_and_a_villager_in_one_burst(make, config):
    """From the setup form through a log-out, the log-in PIN and a form opened by F-keys: one
    burst, each key where it was meant."""
    from station.db.models import Operator, Villager
    from station.screens.villagers import VillagersScreen

    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        setup = []
        for text in ("青山村服务站", "ZJ-0317", "", "王秀英", "123456", "123456"):
            setup += [*chars(text), "enter"]
        again = ["ctrl+l", *chars("123456"), "enter"]
        villager = ["f6", "ctrl+n", *chars("张三"), "enter", *chars("13812345678"), "enter", "enter", "enter"]
        await burst(app, pilot, *setup, *again, *villager, *chars("zs"))
        assert Operator.get().name == "王秀英"
        assert isinstance(app.screen, VillagersScreen)
        assert Villager.get().name == "张三"
        assert app.screen.query_one("#search", Input).value == "zs"


def one_each_for_two_lis(set_up) -> None:
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=3, layer=2)
    for n, (name, phone) in enumerate((("李大爷", "13900005678"), ("李小红", "13700005678"))):
        villager = set_up.villagers.add(partner, name=name, phone=phone)
        parcel = set_up.parcels.check_in(partner, f"SF123456789000{n}", batch_id=batch.id).parcel
        set_up.parcels.set_recipient(partner, parcel.id, villager_id=villager.id)


DESK_SEVERAL = ["f2", *chars("5678"), "enter", "ctrl+a", "enter", "y", "enter"]


@pytest.mark.parametrize("pace", ["a person's", "one burst"])
async def test_a_hand_over_to_two_people_answered_y(make, set_up, pace):
    from tests.ui.helpers import press_each

    one_each_for_two_lis(set_up)
    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await (burst if pace == "one burst" else press_each)(app, pilot, *DESK_SEVERAL)
        assert Parcel.select().where(Parcel.status == "picked_up").count() == 2


async def test_esc_and_an_f_key_inside_a_burst_take_the_keys_after_them_along(make, set_up):
    from station.screens.parcel_desk import ParcelDeskScreen
    from station.screens.villagers import VillagersScreen

    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await open_check_in(app, pilot)
        await burst(app, pilot, "3", "escape", *chars("5678"))
        assert isinstance(app.screen, ParcelDeskScreen)
        assert app.screen.query_one("#find", Input).value == "5678"
        await burst(app, pilot, "ctrl+n", "4", "f6", *chars("zs"))
        assert isinstance(app.screen, VillagersScreen)
        assert app.screen.query_one("#search", Input).value == "zs"
        assert CourierBatch.select().count() == 0


async def test_consignment_intake_and_settlement_in_one_burst(make, set_up):
    from station.db.consignment_models import ConsignmentLot, ConsignmentSettlement

    farmer = a_consignor_with_a_sale(set_up)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        lot = []
        for text in ("土鸡蛋", "", "30", "9", "8", "20 天"):
            lot += [*chars(text), "enter"]
        settle_up = ["ctrl+e", *chars("zsf"), "enter", "ctrl+s"]
        await burst(app, pilot, "f4", "ctrl+n", *chars("zs"), "down", "enter", *lot, *settle_up)
        new = ConsignmentLot.select().order_by(ConsignmentLot.id.desc()).get()
        assert (new.product, new.consignor_id, new.unit_price_fen) == ("土鸡蛋", farmer.id, 900)
        assert ConsignmentSettlement.get().method == "cash"


async def test_text_pasted_between_keys_typed_ahead_keeps_its_place(make, set_up):
    from textual import events

    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        keys = ["3", "enter", events.Paste("2"), "enter", events.Paste("中通"), "enter"]
        for key in keys:
            event = key if isinstance(key, events.Paste) else key_event(key)
            event.set_sender(app)
            app._driver.send_message(event)
        await settle(app, pilot)
        batch = CourierBatch.get()
        assert (batch.shelf, batch.layer, batch.courier_name) == (3, 2, "中通")


def an_order_shipped_as(set_up, tracking_no: str):
    """张三's order for rice, placed and shipped with `tracking_no`: that parcel's check-in asks
    whether to link it."""
    from station.domain.orders import ItemLine

    partner = set_up.operators.list_active()[0]
    villager = set_up.villagers.add(partner, name="张三", phone="13500001111")
    order = set_up.purchases.create(
        partner, villager_id=villager.id, platform="pdd", items=[ItemLine("米", 1, 1000)]
    ).order
    set_up.purchases.place(partner, order.id, "PDD-1")
    set_up.purchases.ship(partner, order.id, tracking_no)
    return order


async def test_a_code_scanned_while_the_order_question_comes_up_is_not_its_answer(make, set_up):
    """The first parcel belongs to an open order: the question comes up while the next code is
    being scanned. The next code is checked in whole; its Enter does not answer the question."""
    an_order_shipped_as(set_up, FIRST)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        await pilot.press("3", "enter", "2", "enter")
        await burst(app, pilot, *chars("中通"), "enter")
        await burst(app, pilot, *chars(FIRST), "enter", *chars(SECOND), "enter")
        assert [p.tracking_no for p in Parcel.select().order_by(Parcel.id)] == [FIRST, SECOND]
        assert Parcel.get(Parcel.tracking_no == FIRST).purchase_id is None  # not answered by a scan's Enter
        assert isinstance(app.screen, ConfirmByYDialog)  # still asking


async def test_a_scanners_enter_reaching_the_order_question_does_not_link_only_y_does(make, set_up):
    """In a terminal the next scan's keys can arrive after the question has opened: its Enter
    must not link the parcel to the order (the question takes y only); y still does."""
    order = an_order_shipped_as(set_up, FIRST)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        await burst(app, pilot, "3", "enter", "2", "enter", *chars("中通"), "enter")
        await burst(app, pilot, *chars(FIRST), "enter")
        deadline = time.monotonic() + 20  # the question comes up once the order is found
        while not isinstance(app.screen, ConfirmByYDialog) and time.monotonic() < deadline:
            await pilot.pause(0.01)
        assert isinstance(app.screen, ConfirmByYDialog)
        await burst(app, pilot, *chars(SECOND), "enter")  # the next scan, into the question
        assert isinstance(app.screen, ConfirmByYDialog)
        assert Parcel.get(Parcel.tracking_no == FIRST).purchase_id is None
        await burst(app, pilot, "y")
        assert Parcel.get(Parcel.tracking_no == FIRST).purchase_id == order.id


async def test_a_pin_typed_on_after_ctrl_l_waits_for_the_log_out(make, set_up):
    """Ctrl+L is a priority binding: its service call starts while the key is handed on. A slow
    log-out (a busy database) must still be waited for: the PIN typed on goes to the log-in
    screen, not to the home screen it is leaving."""
    import time

    from station.screens.home import HomeScreen

    app = make()
    real = app.services.operators.logout

    def logout(*args, **kwargs):
        time.sleep(0.3)
        return real(*args, **kwargs)

    app.services.operators.logout = logout
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        await burst(app, pilot, "ctrl+l", *chars("123456"), "enter")
        assert isinstance(app.screen, HomeScreen)
        assert app.session.operator is not None and app.session.operator.name == "王秀英"


async def test_a_purchase_order_taken_placed_and_shipped_in_one_burst(make, set_up):
    from station.db.purchase_models import Purchase

    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        order = ["f3", "ctrl+n", *chars("zay"), "enter", *chars("电饭煲*1*159"), "enter"]
        for text in ("0", "2", "100", ""):
            order += ["ctrl+u", *chars(text), "enter"]
        placed = ["enter", "ctrl+o", *chars("PDD123"), "enter"]
        shipped = ["ctrl+s", *chars("YT1234567890123"), "enter"]
        await burst(app, pilot, *order, *placed, *shipped)
        row = Purchase.get()
        assert (row.total_fen, row.villager_id, row.status) == (16100, zhang.id, "shipped")
        assert (row.external_order_no, row.tracking_no) == ("PDD123", "YT1234567890123")
        assert app.services.purchases.get(row.id).paid_fen == 10000


async def test_ctrl_q_declined_in_a_burst_and_the_keys_after_it(make, set_up):
    """A shift is open: Ctrl+Q asks first. n, typed on, declines; what follows goes on where
    the partner went. Then Ctrl+Q y closes the app and the keys after it go nowhere."""
    from station.screens.villagers import VillagersScreen

    set_up.shifts.open_shift(set_up.operators.list_active()[0], 10000)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await burst(app, pilot, "ctrl+q", "n", "f6", *chars("zs"))
        assert isinstance(app.screen, VillagersScreen)
        assert app.screen.query_one("#search", Input).value == "zs"
        send_at_once(app, ["ctrl+q", "y", "f2", *chars("5678"), "enter"])
        deadline = time.monotonic() + 20  # however loaded the machine: the app ends on its own
        while app.return_code is None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
    assert app.return_code == 0
