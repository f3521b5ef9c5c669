"""Orders: a running total while items are typed, numbers added or corrected after placing,
a tracking number typed in the ship dialog kept, and the statement in sentences."""

from __future__ import annotations

from station.db.purchase_models import Purchase
from station.domain.orders import ItemLine
from station.screens.form_dialog import FormDialog
from station.screens.purchases import OrderScreen
from tests.ui.helpers import log_in, press_each, screen_text, settle, type_text


async def test_running_total_is_shown_while_items_are_typed(make, set_up):
    partner = set_up.operators.list_active()[0]
    set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f3", "ctrl+n")
        await type_text(pilot, "zay")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "dfb*1*159")
        await pilot.pause()
        preview = str(app.screen.query_one("#form-preview").render())
        assert "合计 ¥161.00" in preview  # 159 + the ¥2.00 service fee
        await type_text(pilot, "; rice*2")
        await pilot.pause()
        assert "还算不出来" in str(app.screen.query_one("#form-preview").render())
        await type_text(pilot, "*10.5")
        await pilot.pause()
        assert "合计 ¥182.00" in str(app.screen.query_one("#form-preview").render())
        assert Purchase.select().count() == 0


async def test_numbers_after_placing_and_tracking_kept_when_shipping(make, set_up):
    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    order = set_up.purchases.create(partner, villager_id=zhang.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)])
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        for key in ("f3", "enter", "ctrl+o", "enter"):  # placed, the platform's number left for later
            await pilot.press(key)
            await settle(app, pilot)
        assert isinstance(app.screen, OrderScreen)
        assert Purchase.get().status == "placed"
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        await type_text(pilot, "PDD-777")
        await pilot.press("enter")
        await type_text(pilot, "yt 1234 5678")
        await pilot.press("enter")
        await settle(app, pilot)
        row = Purchase.get()
        assert (row.external_order_no, row.tracking_no) == ("PDD-777", "YT12345678")
        assert "PDD-777" in screen_text(app) and "YT12345678" in screen_text(app)
        await pilot.press("ctrl+s")  # shipped: the dialog shows the tracking number already on file
        await settle(app, pilot)
        assert app.screen.query_one("#tracking").value == "YT12345678"
        app.screen.query_one("#tracking").value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        row = Purchase.get()
        assert (row.status, row.tracking_no) == ("shipped", "YT12345678")  # a blank field never erases it
        await pilot.press("ctrl+t")  # a typo found later is corrected
        await settle(app, pilot)
        app.screen.query_one("#tracking").value = "YT12345679"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Purchase.get().tracking_no == "YT12345679"
        assert Purchase.get().status == "shipped"
    assert order.order.id == row.id


async def test_statement_reads_as_sentences(make, set_up):
    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    set_up.purchases.create(
        partner, villager_id=zhang.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)], deposit_fen=10000
    )
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f3", "ctrl+a")
        await type_text(pilot, "zay")
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "您为订单 #1 付了 ¥100.00。" in text
        assert "站里还存着您的 ¥100.00" in text
        assert "purchase:" not in text
