"""Home tiles: the cash tile counts the shift's opening float; the parcels (overdue) and
purchases (arrived) tiles open their lists with Enter."""

from __future__ import annotations

from textual.widgets import Static

from station.screens.home import HomeScreen, TileView
from station.screens.parcel_lists import OverdueScreen
from station.screens.purchases import PurchasesScreen
from tests.ui.helpers import check_in_one, log_in, press_each, screen_text, settle, type_text


async def test_enter_on_tiles_opens_overdue_and_arrived_lists(make, demo_db):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert isinstance(app.focused, TileView) and app.focused.tile.opens == "parcels.overdue"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OverdueScreen)
        await pilot.press("escape", "f9")
        await settle(app, pilot)
        await pilot.press("tab")
        assert app.focused.tile.opens == "purchases.arrived"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PurchasesScreen)
        assert app.screen.query_one("#filter").value == "已到站"
        assert all(order.status == "arrived" for order in app.screen.shown)


async def test_cash_tile_includes_the_opening_float(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        assert "账面现金: ¥0.00" in screen_text(app)
        await press_each(app, pilot, "f8", "ctrl+o")
        await type_text(pilot, "300")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        text = screen_text(app)
        assert "钱箱应有现金（含备用金）: ¥300.00" in text and "其中开班备用金: ¥300.00" in text


async def test_back_home_the_same_tiles_show_the_new_figures(make, set_up):
    """Returning home updates the tiles' figures in place (not a dozen widgets mounted anew at
    every Esc): the tile objects stay, their text is the service's new figures."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        tiles = list(app.screen.query(TileView))
        assert "在架: 0" in screen_text(app) and "今日到件: 0" in screen_text(app)
        await check_in_one(app, pilot, "75123456780001")
        await press_each(app, pilot, "escape", "f9")
        assert isinstance(app.screen, HomeScreen)
        assert list(app.screen.query(TileView)) == tiles
        assert all(a is b for a, b in zip(app.screen.query(TileView), tiles))
        assert "在架: 1" in screen_text(app) and "今日到件: 1" in screen_text(app)


def tiles_shown(app) -> list:
    """Each tile as drawn: its place, title and rows (text, warning colour, place)."""
    return [
        (
            view.region,
            view.border_title,
            [(str(row.render()), row.has_class("-warning"), row.region) for row in view.query(Static)],
        )
        for view in app.screen.query(TileView)
    ]


async def assert_as_if_mounted_anew(app, pilot) -> None:
    """The tiles updated in place look exactly as the same figures mounted from nothing."""
    shown = tiles_shown(app)
    await app.screen.query_one("#tiles").remove_children()
    app.screen.refresh_tiles()
    await settle(app, pilot)
    assert tiles_shown(app) == shown


async def test_back_home_rows_and_warnings_follow_the_service(make, set_up):
    """A shift adds the drawer rows and its close removes them; a complaint turns its tile's row
    to the warning colour and closing it clears it: each back home is what a fresh grid shows."""
    partner = set_up.operators.list_active()[0]
    set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f8", "ctrl+o")
        await type_text(pilot, "300")
        await pilot.press("enter")
        await settle(app, pilot)
        await press_each(app, pilot, "f9")
        assert "其中开班备用金: ¥300.00" in screen_text(app)
        await assert_as_if_mounted_anew(app, pilot)
        await press_each(app, pilot, "f8", "ctrl+y", "ctrl+n")
        await type_text(pilot, "zay")
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#text").value = "锅有裂纹"
        await press_each(app, pilot, "ctrl+s", "escape", "f9")
        complaints = app.screen.query(TileView)[-1].query_one(Static)
        assert str(complaints.render()) == "未办结: 1" and complaints.has_class("-warning")
        await assert_as_if_mounted_anew(app, pilot)
        await press_each(app, pilot, "f8", "ctrl+y", "ctrl+e")
        await type_text(pilot, "已换货")
        await pilot.press("enter")
        await settle(app, pilot)
        await press_each(app, pilot, "escape", "escape", "f9")
        complaints = app.screen.query(TileView)[-1].query_one(Static)
        assert str(complaints.render()) == "未办结: 0" and not complaints.has_class("-warning")
        await assert_as_if_mounted_anew(app, pilot)
        await press_each(app, pilot, "f8", "ctrl+e")
        await type_text(pilot, "300")
        await press_each(app, pilot, "ctrl+s", "f9")
        assert "其中开班备用金" not in screen_text(app)
        await assert_as_if_mounted_anew(app, pilot)
