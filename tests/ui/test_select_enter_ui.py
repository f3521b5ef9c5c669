"""Enter on a closed select does what Enter in an Input does, in every form: the next field
(the last field submits). Space opens the list; Enter in the open list picks and stays."""

from __future__ import annotations

from textual.widgets import Select

from station.screens.complaints import ComplaintsScreen
from station.screens.form_dialog import FormDialog
from station.screens.login import LoginScreen
from station.screens.printer_settings import PrinterSettingsScreen
from station.widgets.form import form_fields
from tests.ui.helpers import log_in, settle


async def walk_selects(app, pilot) -> int:
    """Enter on each select of the current form: it stays closed and the next field has the focus."""
    fields = form_fields(app.screen)
    selects = [f for f in fields if isinstance(f, Select)]
    assert selects, type(app.screen).__name__
    for select in selects:
        select.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not select.expanded, f"Enter opened {select.id}"
        following = fields[fields.index(select) + 1]
        assert app.screen.focused is following, (select.id, app.screen.focused)
    first = selects[0]
    first.focus()
    await pilot.press("space")
    await pilot.pause()
    assert first.expanded  # the list still opens, with Space (or ↓ / ↑)
    await pilot.press("enter")  # picks the highlighted option; the select keeps the focus
    await pilot.pause()
    assert not first.expanded and app.screen.focused is first
    return len(selects)


async def test_enter_on_selects_moves_on_in_every_form(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert await walk_selects(app, pilot) == 1  # the operator, then the PIN
        await pilot.press("enter")  # from the operator (focused again) to the PIN
        await log_in(app, pilot)

        for key in ("f8", "ctrl+y", "ctrl+n", "escape"):  # a complaint with no villager
            await pilot.press(key)
            await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        assert await walk_selects(app, pilot) == 3  # category, channel, about → the text
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ComplaintsScreen)

        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert isinstance(app.screen, PrinterSettingsScreen)
        assert await walk_selects(app, pilot) == 2  # kind, paper → the first text field


async def test_enter_on_a_select_that_is_the_last_field_submits(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        answers = []
        app.push_screen(
            FormDialog("?", [_choice()], lambda values: values["pick"]),
            answers.append,
        )
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert answers == ["b"]


def _choice():
    from station.screens.form_dialog import FormField

    return FormField("pick", "pick", "b", (("A", "a"), ("B", "b")))


async def tab_round(app, pilot) -> None:
    """Tab once past every field and Shift+Tab back: only the form's fields take the focus."""
    fields = form_fields(app.screen)
    for key in ["tab"] * (len(fields) + 1) + ["shift+tab"] * (len(fields) + 1):
        await pilot.press(key)
        await pilot.pause()
        assert app.screen.focused in fields, (key, app.screen.focused)


async def test_tab_goes_from_field_to_field_never_to_the_forms_frame(make, set_up):
    """A form's scrolling frame took a Tab stop of its own: keys typed there went nowhere."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await tab_round(app, pilot)  # the log-in: operator and PIN
        await log_in(app, pilot)
        for key in ("f8", "ctrl+y", "ctrl+n", "escape"):  # a complaint's form
            await pilot.press(key)
            await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await tab_round(app, pilot)
