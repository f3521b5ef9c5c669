"""Attack: an assistant is refused what the permission table keeps from them before typing anything."""

from station.screens.form_dialog import FormDialog
from station.screens.shift import ShiftScreen
from tests.ui.helpers import log_in, press_each, settle


async def as_assistant(app, pilot):
    await settle(app, pilot)
    await pilot.press("shift+tab", "down", "down", "enter")  # the operator list opened (↓): 王秀英 → 小李
    await settle(app, pilot)
    await log_in(app, pilot, "5678")
    assert app.session.operator.name == "小李"


async def test_an_assistant_is_refused_the_audit_log_before_its_filter_form(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await as_assistant(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen) and not isinstance(app.screen, FormDialog)
        messages = [str(n.message) for n in app._notifications]
        assert "店员无权查看审计日志" in messages, messages


async def test_an_empty_backup_file_is_asked_for_not_refused_as_the_current_folder(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("ctrl+t")  # no backup yet: the file field is empty
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(app.screen.query_one("#form-message").render()) == "请填写备份文件的路径"  # was: “.”不存在


async def test_closing_the_day_is_refused_before_the_question_and_asked_when_it_can_be_done(make, set_up):
    from station.db.models import DayClose
    from station.screens.dialogs import ConfirmDialog

    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await as_assistant(app, pilot)
        await press_each(app, pilot, "f8", "ctrl+d")
        assert isinstance(app.screen, ShiftScreen), app.screen  # no question to say yes to first
        assert any("日结" in str(n.message) for n in app._notifications), list(app._notifications)
        assert DayClose.select().count() == 0
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f8", "ctrl+d")
        assert isinstance(app.screen, ConfirmDialog)  # the partner is asked
        await press_each(app, pilot, "y")
        assert DayClose.select().count() == 1
