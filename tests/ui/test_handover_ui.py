"""F2 hand-over by keyboard: money due is collected, the dialog names who gets what, undo by list."""

from textual.widgets import Input, Label

from station.db.parcel_models import Parcel
from station.db.purchase_models import Purchase
from station.domain.orders import ItemLine
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog
from station.screens.parcel_desk import ParcelDeskScreen
from tests.ui.helpers import log_in, screen_text, settle, type_text


def _dialog_text(app) -> str:
    return screen_text(app)


async def test_linked_parcel_with_balance_due_collects_it_at_f2(make, set_up):
    s = set_up
    partner = s.operators.list_active()[0]
    zhang = s.villagers.add(partner, name="张阿姨", phone="13611112222")
    order = s.purchases.create(
        partner,
        villager_id=zhang.id,
        platform="pdd",
        items=[ItemLine("电饭煲", 1, 15900)],
        service_fee_fen=200,
        deposit_fen=10000,
        method="wechat",
    ).order
    s.purchases.place(partner, order.id)
    batch = s.parcels.start_batch(partner, shelf=3, layer=1)
    parcel = s.parcels.check_in(partner, "YT1234567890123", batch_id=batch.id).parcel
    s.parcels.set_recipient(partner, parcel.id, villager_id=zhang.id)
    s.purchases.link_parcel(partner, order.id, parcel.id)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await type_text(pilot, parcel.pickup_code)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("enter")  # hand over the ticked parcel
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        text = _dialog_text(app)
        assert f"交给 张阿姨：{parcel.pickup_code}，共 1 件" in text
        assert f"代购订单 #{order.id} 尾款" in text and "¥61.00" in text
        assert app.screen.query_one("#amount", Input).value == "61.00"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelDeskScreen)
        assert Parcel.get_by_id(parcel.id).status == "picked_up"
        assert Purchase.get_by_id(order.id).status == "handed_over"
        assert s.ledger.balance("cash") == 6100 and s.purchases.balance(zhang.id) == 0
        assert app.focused is app.screen.query_one("#find")  # the next code goes to the search box


async def test_a_short_payment_is_refused_and_nothing_leaves(make, set_up):
    s = set_up
    partner = s.operators.list_active()[0]
    zhang = s.villagers.add(partner, name="张阿姨", phone="13611112222")
    order = s.purchases.create(
        partner,
        villager_id=zhang.id,
        platform="pdd",
        items=[ItemLine("电饭煲", 1, 15900)],
        service_fee_fen=200,
        deposit_fen=10000,
        method="wechat",
    ).order
    s.purchases.place(partner, order.id)
    batch = s.parcels.start_batch(partner, shelf=3, layer=1)
    parcel = s.parcels.check_in(partner, "YT1234567890123", batch_id=batch.id).parcel
    s.parcels.set_recipient(partner, parcel.id, villager_id=zhang.id)
    s.purchases.link_parcel(partner, order.id, parcel.id)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await type_text(pilot, "2222")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#amount", Input).focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "50")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "与应收 ¥61.00 不符" in str(app.screen.query_one("#form-message", Label).render())
        assert Parcel.get_by_id(parcel.id).status == "in"
        assert Purchase.get_by_id(order.id).status == "arrived"


async def test_neighbour_with_the_same_tail_needs_a_second_confirmation(make, set_up):
    s = set_up
    partner = s.operators.list_active()[0]
    li = s.villagers.add(partner, name="李大爷", phone="13900005678")
    hong = s.villagers.add(partner, name="李小红", phone="13700005678")
    batch = s.parcels.start_batch(partner, shelf=3, layer=1)
    for number, who in (("SF1234567890029", li), ("SF1234567890032", li), ("SF1234567890040", hong)):
        p = s.parcels.check_in(partner, number, batch_id=batch.id).parcel
        s.parcels.set_recipient(partner, p.id, villager_id=who.id)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await type_text(pilot, "5678")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert "已勾选 3 件" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "李大爷" in screen_text(app) and "李小红" in screen_text(app)
        await pilot.press("n")  # not together: nothing handed over
        await settle(app, pilot)
        assert Parcel.select().where(Parcel.status == "picked_up").count() == 0

        await pilot.press("ctrl+a")  # none ticked now: the highlighted row only
        await settle(app, pilot)
        assert "已勾选 0 件" in screen_text(app)
        await pilot.press("home", "space", "space")  # tick 李大爷's two (sorted by name first)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog), screen_text(app)
        assert "交给 李大爷：3-1-0001、3-1-0002，共 2 件" in screen_text(app)
        assert "只交出勾选的包裹" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        handed = Parcel.select().where(Parcel.status == "picked_up")
        assert {p.villager_id for p in handed} == {li.id} and handed.count() == 2

        # undo today's hand-over: pick it from the list by name, give a reason
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        await type_text(pilot, "李大")
        await settle(app, pilot)
        assert "3-1-0001" in screen_text(app) and "3-1-0002" in screen_text(app)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "拿错了")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Parcel.select().where(Parcel.status == "picked_up").count() == 1


async def test_f2_on_the_desk_itself_goes_back_to_the_search_box(make, set_up):
    s = set_up
    partner = s.operators.list_active()[0]
    li = s.villagers.add(partner, name="李大爷", phone="13900005678")
    batch = s.parcels.start_batch(partner, shelf=3, layer=1)
    parcel = s.parcels.check_in(partner, "SF1234567890029", batch_id=batch.id).parcel
    s.parcels.set_recipient(partner, parcel.id, villager_id=li.id)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await type_text(pilot, "5678")
        await pilot.press("enter")  # the list has the focus now
        await settle(app, pilot)
        assert app.focused is not app.screen.query_one("#find", Input)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelDeskScreen)
        assert app.focused is app.screen.query_one("#find", Input)
