"""Issue 17: money typed at the counter the way a Chinese IME types it, through the real screen."""

import pytest

from station.db.oversight_models import Shift
from station.screens.shift import ShiftScreen
from tests.ui.helpers import log_in, settle, type_text


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("12,50", "不能用逗号"),
        ("12，50", "不能用逗号"),
        ("12元5", "金额只写一次"),
    ],
)
async def test_an_ambiguous_amount_is_refused_with_an_example_and_nothing_saved(make, set_up, typed, shown):
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        if typed.isascii():
            await type_text(pilot, typed)
        else:  # an IME commits its text at once (Pilot's press has no key for "，")
            app.focused.insert_text_at_cursor(typed)
        await pilot.press("enter")
        await settle(app, pilot)
        message = str(app.screen.query_one("#form-message").render())
        assert shown in message and "12.50" in message
        assert Shift.select().count() == 0
        cash = app.screen.query_one("#cash")
        cash.value = ""
        cash.insert_text_at_cursor("￥１２．５０")  # an IME commits its text at once
        await pilot.press("enter")
        await settle(app, pilot)
        assert [s.opening_cash_fen for s in Shift.select()] == [1250]
