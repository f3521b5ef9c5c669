"""Found by attacking the counter TUI by keyboard at the smallest supported terminal (100x30)."""

import re

from textual.command import CommandPalette
from textual.widgets import Input, Label, Select
from textual.widgets._select import SelectOverlay

from station.db.parcel_models import Parcel
from station.db.purchase_models import Purchase
from station.domain.orders import ItemLine
from station.screens.form_dialog import FormDialog
from station.screens.home import TileView
from station.screens.parcel_desk import ParcelDeskScreen
from station.screens.parcel_lists import OverdueScreen
from station.screens.purchases import PurchasesScreen
from tests.ui.helpers import log_in, settle, type_text


def _order_parcel(s):
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
    return order, parcel


async def test_a_refused_amount_is_said_where_the_clerk_can_see_it_on_a_small_terminal(make, set_up):
    """The hand-over form is taller than 30 rows: its message line was below the fold, so Enter
    on a wrong amount seemed to do nothing."""
    order, parcel = _order_parcel(set_up)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2")
        await type_text(pilot, "2222")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        amount = app.screen.query_one("#amount", Input)
        assert app.focused is amount
        await pilot.press("ctrl+u")
        await type_text(pilot, "61,00")
        await pilot.press("enter")
        await settle(app, pilot)
        message = app.screen.query_one("#form-message", Label)
        assert "不能用逗号" in str(message.render())
        box = app.screen.query_one("#dialog")
        visible = box.scrollable_content_region
        assert message.region.height and visible.contains_region(message.region)
        assert Parcel.get_by_id(parcel.id).status == "in"
        assert Purchase.get_by_id(order.id).status == "arrived"


async def test_an_open_list_says_its_keys_in_chinese(make, set_up):
    """Enter on the log-in's operator list opened Textual's menu: the footer read "esc Dismiss menu"."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app.screen.query_one(Select).focus()
        await pilot.press("space")  # opens the list (Enter moves on to the PIN, as in every form)
        await settle(app, pilot)
        assert isinstance(app.focused, SelectOverlay)
        shown = [active.binding.description for active in app.screen.active_bindings.values() if active.binding.show]
        assert "收起选项" in shown
        assert not [text for text in shown if re.search(r"[A-Za-z]{3}", text)]


async def test_the_palette_left_open_under_another_screen_does_not_crash_the_next_ctrl_p(make, set_up):
    """Ctrl+P, F7, Ctrl+P ended the app with DuplicateIds; so did Ctrl+P, Ctrl+R, Ctrl+P."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        for keys in (("ctrl+p", "f7", "ctrl+p"), ("escape", "ctrl+p", "ctrl+r", "ctrl+p"), ("escape", "escape", "f2")):
            for key in keys:
                await pilot.press(key)
                await settle(app, pilot)
            assert app.is_running and app._exception is None
        assert CommandPalette.is_open(app) is False  # F2 from the palette left no palette showing
        assert isinstance(app.screen, ParcelDeskScreen)


async def test_the_overdue_tile_twice_does_not_crash(make, demo_db):
    """Enter on the parcels tile, F9, Enter again: the parcels area still showed the overdue
    list, which has no overdue action of its own: AttributeError ended the app."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        assert isinstance(app.focused, TileView) and app.focused.tile.opens == "parcels.overdue"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OverdueScreen)
        await pilot.press("f9")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running and app._exception is None
        assert isinstance(app.screen, OverdueScreen)
        await pilot.press("f3", "enter")  # an order left open in F3, then the purchases tile
        await settle(app, pilot)
        opened = app.screen
        await pilot.press("f9", "tab")
        await settle(app, pilot)
        assert app.focused.tile.opens == "purchases.arrived"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running and app._exception is None
        assert app.screen is opened or isinstance(app.screen, PurchasesScreen)
