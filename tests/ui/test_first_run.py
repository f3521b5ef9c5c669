from textual.widgets import DataTable, Input, Label

from station.db.models import Operator, Station, Villager
from station.screens.home import HomeScreen
from station.screens.login import LoginScreen
from station.screens.setup import SetupScreen
from station.screens.villagers import VillagersScreen
from station.services.signing import load_key
from tests.ui.helpers import fill, screen_text, settle, type_text


async def test_setup_login_add_villager_and_find_by_initials(make, config):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SetupScreen)
        await fill(pilot, "青山村服务站", "ZJ-0317", "", "王秀英", "123456", "123456")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert Station.get().code == "ZJ-0317"
        assert Operator.get().name == "王秀英" and Operator.get().role == "partner"
        key = load_key(config.data_dir)  # the signing key is made with the station, and shown
        assert key is not None
        assert any(key.fingerprint in str(n.message) for n in app._notifications)

        # log out and back in with the PIN
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "王秀英" in str(app.status)

        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, VillagersScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await fill(pilot, "张三", "13812345678", "一组", "腿脚不便")
        await settle(app, pilot)
        assert isinstance(app.screen, VillagersScreen)
        villager = Villager.get()
        assert (villager.name, villager.phone, villager.initials) == ("张三", "13812345678", "zs")

        search = app.screen.query_one("#search", Input)
        search.value = ""
        await type_text(pilot, "zs")
        await settle(app, pilot)
        table = app.screen.query_one("#results", DataTable)
        assert table.row_count == 1
        assert "张三" in screen_text(app) and "13812345678" in screen_text(app)


async def test_bad_phone_in_the_villager_form_is_shown_and_nothing_saved(make, set_up):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f6", "ctrl+n")
        await settle(app, pilot)
        await fill(pilot, "王五", "1381234", "", "")
        await settle(app, pilot)
        message = app.screen.query_one("#form-message", Label)
        assert "1381234" in str(message.render()) and "11" in str(message.render())
        assert Villager.select().count() == 0


async def test_wrong_pin_shows_an_error_and_stays_on_login(make, set_up):
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        await type_text(pilot, "9999")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        message = str(app.screen.query_one("#form-message", Label).render())
        assert "PIN 不对" in message and "2" in message
        assert app.session.operator is None
        await pilot.press("f6")  # areas stay shut before log-in
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_english_locale(make, set_up, config):
    import dataclasses

    from station.config import UiConfig

    app = make(dataclasses.replace(config, ui=UiConfig(locale="en")))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "Log in" in screen_text(app)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Operator: 王秀英 (partner)" in str(app.status)
        assert "In the directory: 0" in screen_text(app)


async def test_keymap_from_config_rebinds_a_key(make, set_up, config):
    import dataclasses

    app = make(dataclasses.replace(config, keys={"nav.villagers": "f12"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f12")
        await settle(app, pilot)
        assert isinstance(app.screen, VillagersScreen)
