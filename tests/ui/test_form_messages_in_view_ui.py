"""A form taller than the screen: a refusal's message is scrolled into view and so is the field
being typed into (the scrolling frame takes no Tab stop, so the keyboard cannot scroll to them)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Input, Label

from station.domain.errors import InvalidInput
from station.screens.form_dialog import FormDialog, FormField
from station.screens.printer_settings import PrinterSettingsScreen
from station.screens.setup import SetupScreen
from tests.ui.helpers import log_in, press_each, settle


def in_view(widget) -> bool:
    frame = next(a for a in widget.ancestors if isinstance(a, VerticalScroll))
    return frame.content_region.contains_region(widget.region)


async def test_a_printer_setting_refused_shows_its_message_and_the_field(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "ctrl+k")
        assert isinstance(app.screen, PrinterSettingsScreen)
        for key in ("tab", "tab", "tab", "end", "x", "ctrl+s"):  # kind, paper, host, port: "9100x"
            await pilot.press(key)
            await settle(app, pilot)
        port, message = app.screen.query_one("#port", Input), app.screen.query_one("#form-message")
        assert app.screen.focused is port and port.value == "9100x"
        assert "9100x" in str(message.render())
        assert in_view(message), "the refusal was said below the fold: only a bell"
        assert in_view(port)


def _refuse(values):
    raise InvalidInput("form.required", field="?")


async def refuse_from(app, pilot, focus: str):
    """A form of eight fields on 100x30 (taller than its frame), Ctrl+S from `focus`: refused."""
    fields = [FormField(f"f{i}", f"field {i}") for i in range(8)]
    app.push_screen(FormDialog("tall", fields, _refuse, focus=focus))
    await settle(app, pilot)
    await pilot.press("x", "ctrl+s")
    await settle(app, pilot)
    field, message = app.screen.query_one(f"#{focus}", Input), app.screen.query_one("#form-message")
    assert app.screen.focused is field and field.value == "x"
    assert str(message.render())
    return field, message


async def test_a_tall_forms_refusal_keeps_the_field_being_typed_into_in_view(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        field, message = await refuse_from(app, pilot, "f3")  # far above the fields' end
        assert in_view(field), "the message was scrolled to and the field typed into went out of view"
        assert in_view(message)
        await pilot.press("escape")
        await settle(app, pilot)
        field, message = await refuse_from(app, pilot, "f7")  # the last field
        assert in_view(field) and in_view(message)


def _top_in_view(screen, *labels: str) -> None:
    shown = [str(w.render()) for w in screen.query(Label) if in_view(w)]
    for text in labels:
        assert text in shown, f"{text!r} is above the fold and no key scrolls to it"


async def test_the_first_run_form_opens_with_its_title_and_first_label_in_view(make, config):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.focused is app.screen.query_one("#station-name")
        _top_in_view(app.screen, app.t("setup.title"), app.t("setup.station_name"))


async def test_printer_settings_open_with_their_title_and_first_label_in_view(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "ctrl+k")
        assert isinstance(app.screen, PrinterSettingsScreen)
        assert app.screen.focused is app.screen.query_one("#kind")
        _top_in_view(app.screen, app.t("printer.title"), app.t("printer.kind"))
