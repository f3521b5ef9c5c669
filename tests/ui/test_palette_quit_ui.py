"""The command palette lists the screen's own actions in the UI language; Textual's own texts
are translated; Ctrl+Q with an open shift asks first."""

from __future__ import annotations

from textual.command import CommandInput, CommandList, CommandPalette

from station.screens.dialogs import ConfirmDialog
from station.screens.purchases import OrderScreen
from station.screens.shift import ShiftScreen
from tests.ui.helpers import log_in, press_each, screen_text, settle, type_text


def palette_options(app) -> list[str]:
    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_palette_finds_the_order_screens_placed_action_in_chinese(make, demo_db):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f3", "enter")
        assert isinstance(app.screen, OrderScreen)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == app.t("palette.placeholder")
        await type_text(pilot, "已下单")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert any("已下单" in text for text in palette_options(app)), palette_options(app)
        await type_text(pilot, "zzzz")
        await pilot.pause(0.8)
        assert any("没有找到" in text for text in palette_options(app)), palette_options(app)
        assert not any("No matches" in text for text in palette_options(app))


async def test_palette_system_commands_and_key_panel_are_chinese(make, demo_db):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "配色" in titles and "关闭程序" in titles and "Theme" not in titles
        bindings = {b.binding.action: b.binding.description for b in app.screen.active_bindings.values()}
        assert bindings["cursor_down"] == "光标下移"  # the order table's own key, in F1
        app.search_themes()
        await settle(app, pilot)
        assert app.screen.query_one(CommandInput).placeholder == "搜索配色…"


async def test_quit_with_an_open_shift_asks_and_no_keeps_the_app(make, demo_db):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        await type_text(pilot, "200")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.services.shifts.current() is not None
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "还没交" in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen) and app.is_running
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert app._exit


async def test_quit_without_a_shift_quits_at_once(make, set_up):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert app._exit
