from station.db.purchase_models import Purchase
from station.screens.purchases import OrderScreen, PurchasesScreen
from tests.ui.helpers import check_in_one, log_in, screen_text, settle, type_text


async def test_order_with_deposit_then_hand_over_with_cash(make, set_up):
    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, PurchasesScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await type_text(pilot, "zay")
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#items").value = "电饭煲*1*159"  # typed by an IME in real life
        await pilot.press("enter")
        for text in ("0", "2", "100", ""):
            await pilot.press("ctrl+u")
            await type_text(pilot, text)
            await pilot.press("enter")
        await settle(app, pilot)
        order = Purchase.get()
        assert (order.total_fen, order.villager_id) == (16100, zhang.id)
        assert app.services.purchases.get(order.id).paid_fen == 10000
        assert "电饭煲" in screen_text(app)
        await pilot.press("enter")  # open the order
        await settle(app, pilot)
        assert isinstance(app.screen, OrderScreen)
        await pilot.press("ctrl+o")  # placed on the platform (Ctrl+P is the command palette)
        await settle(app, pilot)
        await type_text(pilot, "PDD123")
        await pilot.press("enter")
        await settle(app, pilot)
        assert (Purchase.get().status, Purchase.get().external_order_no) == ("placed", "PDD123")
        await pilot.press("ctrl+s")  # shipped, with the tracking number the platform shows
        await settle(app, pilot)
        await type_text(pilot, "YT1234567890123")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Purchase.get().status == "shipped"
        # the parcel comes in: checked in at the desk, and linked to the order when asked
        await check_in_one(app, pilot, "YT1234567890123", courier="圆通")
        assert "#1" in str(app.screen.query_one("#question").render())  # link it to order #1?
        await pilot.press("y")
        await settle(app, pilot)
        assert Purchase.get().status == "arrived"
        await pilot.press("f3")  # back to the order, still open in the orders area
        await settle(app, pilot)
        assert isinstance(app.screen, OrderScreen)
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # cash, ¥61.00 pre-filled
        await settle(app, pilot)
        assert Purchase.get().status == "handed_over"
        assert app.services.purchases.balance(zhang.id) == 0
        assert "已交货" in screen_text(app)
        # a week later it breaks: return it, refund the goods (the service fee stays)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        app.screen.query_one("#reason").value = "内胆有裂纹"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Purchase.get().status == "return_requested"
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        app.screen.query_one("#refund").value = "159"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert Purchase.get().status == "returned"
        assert app.services.purchases.balance(zhang.id) == 0
        assert app.services.ledger.balance("cash") == 10000 + 6100 - 15900  # deposit + balance − refund


async def test_cancelled_order_cannot_be_handed_over(make, set_up):
    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    from station.domain.orders import ItemLine

    order = set_up.purchases.create(partner, villager_id=zhang.id, platform="jd", items=[ItemLine("米", 2, 1000)]).order
    set_up.purchases.cancel(partner, order.id, "不要了")
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f10")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "不能从“已取消”变为“已交货”" in str(app.screen.query_one("#form-message").render())
        assert Purchase.get().status == "cancelled"


async def test_check_in_offers_to_link_a_parcel_to_the_open_order(make, set_up):
    from station.db.parcel_models import Parcel
    from station.domain.orders import ItemLine

    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    order = set_up.purchases.create(
        partner, villager_id=zhang.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)]
    ).order
    set_up.purchases.place(partner, order.id)
    set_up.purchases.ship(partner, order.id, "YT1234567890123")
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+n", "1", "enter", "1", "enter", "enter")
        await settle(app, pilot)
        await pilot.press(*"YT1234567890123", "enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert Purchase.get().status == "arrived"
        assert Parcel.get().purchase_id == order.id
