"""Issue 17: the printer settings screen uses the config's limits, and saving keeps comments."""

from textual.widgets import Input

from station.screens.printer_settings import PrinterSettingsScreen
from tests.ui.helpers import log_in, settle


async def test_an_out_of_range_port_is_refused_by_name_and_a_good_one_saved(make, set_up, config):
    config.config_file.write_text('# 小李的打印机\n[ui]\nlocale = "zh_CN"  # 中文界面\n', encoding="utf-8")
    before = config.config_file.read_text(encoding="utf-8")
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert isinstance(app.screen, PrinterSettingsScreen)
        app.screen.query_one("#port").value = "70000"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        message = str(app.screen.query_one("#form-message").render())
        assert message == "端口：必须在 1 到 65535 之间（现在是“70000”）"  # the label, not `printer.port`
        assert config.config_file.read_text(encoding="utf-8") == before
        app.screen.query_one("#port").value = "9101"
        app.screen.query_one("#timeout").value = "3"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    text = config.config_file.read_text(encoding="utf-8")
    assert "# 小李的打印机" in text and "# 中文界面" in text
    assert "port = 9101" in text and "timeout = 3.0" in text


async def test_a_usb_id_out_of_range_is_said_by_its_label_in_hex_as_typed(make, set_up, config):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        app.screen.query_one("#usb_vendor").value = "1ffff"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        message = str(app.screen.query_one("#form-message").render())
        assert message == "USB 厂商号（十六进制）：必须在 0000 到 ffff 之间（现在是“1ffff”）"
    assert not config.config_file.exists()


async def test_a_port_that_is_not_a_number_is_named_and_nothing_saved(make, set_up, config):
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        app.screen.query_one("#port").value = "91OO"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        message = str(app.screen.query_one("#form-message").render())
        assert "端口" in message and "91OO" in message  # the field by its label, in the UI language
    assert not config.config_file.exists()


async def test_an_assistant_is_refused_the_printer_settings(make, set_up):
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("shift+tab", "down", "down", "enter")  # the operator list opened (↓): 王秀英 → 小李
        await settle(app, pilot)
        await log_in(app, pilot, "5678")
        assert app.session.operator.name == "小李"
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert not isinstance(app.screen, PrinterSettingsScreen)
        assert any("店员" in str(n.message) for n in app._notifications)


async def test_enter_walks_the_printer_form_field_by_field_and_saves_on_the_last(make, set_up, config):
    """Like every form: the first field has the focus; Enter in a field moves on, the last saves."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert app.focused is app.screen.query_one("#kind")
        await pilot.press("enter", "enter")  # kind, paper: the closed selects move on
        await settle(app, pilot)
        assert app.focused is app.screen.query_one("#host")
        await pilot.press("enter")  # the host is not the last field: nothing saved yet
        await settle(app, pilot)
        assert app.focused is app.screen.query_one("#port")
        assert not config.config_file.exists()
        for _ in range(12):
            await pilot.press("enter")
            await settle(app, pilot)
            if config.config_file.exists():
                break
        assert app.focused is app.screen.query(Input).last()
    assert config.config_file.exists()
