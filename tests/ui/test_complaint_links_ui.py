"""A complaint is linked to the villager (picked from a list) and to one of their orders,
parcels or lots (picked from a list); the link shows in the register and on the order."""

from __future__ import annotations

from textual.widgets import Select

from station.db.oversight_models import Complaint
from station.domain.orders import ItemLine
from station.screens.complaints import ComplaintsScreen
from station.screens.purchases import OrderScreen
from tests.ui.helpers import log_in, press_each, screen_text, settle, type_text


async def test_complaint_about_an_order_shows_both_ways(make, set_up):
    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    order = set_up.purchases.create(partner, villager_id=zhang.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)])
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f8", "ctrl+y", "ctrl+n")
        await type_text(pilot, "zay")
        await pilot.press("enter")
        await settle(app, pilot)
        about = app.screen.query_one("#about", Select)
        options = [value for _, value in about._options]
        assert f"purchase:{order.order.id}" in options
        about.value = f"purchase:{order.order.id}"  # picked from the list (Enter, arrows, Enter)
        app.screen.query_one("#text").value = "锅有裂纹"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ComplaintsScreen)
        row = Complaint.get()
        assert (row.villager_id, row.purchase_id) == (zhang.id, order.order.id)
        assert "订单 #1 电饭煲" in screen_text(app)
        await press_each(app, pilot, "f3", "enter")
        assert isinstance(app.screen, OrderScreen)
        assert "投诉 #1（处理中）：锅有裂纹" in screen_text(app)
