"""Issue #20: the partner manages operators from F8 → Ctrl+U by keyboard; a partner with a
4-digit PIN from before the 6-digit rule must change it at log-in."""

from pathlib import Path

import pytest

from station.db.models import AuditEvent, Operator
from station.domain.errors import StationError
from station.domain.pins import check_pin
from station.screens.login import LoginScreen
from station.screens.operators import OperatorsScreen
from tests.ui.helpers import log_in, screen_text, settle, type_text


async def open_operators(app, pilot) -> None:
    await pilot.press("f8")
    await settle(app, pilot)
    await pilot.press("ctrl+u")
    await settle(app, pilot)


async def test_partner_adds_unlocks_and_deactivates_by_keyboard(make, set_up):
    assistant = set_up.operators.list_active()[1]
    for _ in range(3):  # someone tried the assistant's PIN at the counter
        with pytest.raises(StationError):  # WrongPin twice, then OperatorLocked
            set_up.operators.login(assistant.id, "0000")
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await open_operators(app, pilot)
        assert isinstance(app.screen, OperatorsScreen)
        assert "小李" in screen_text(app) and "11-23" in screen_text(app)  # locked until shown
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await type_text(pilot, "Zhao")
        await pilot.press("enter")
        await pilot.press("enter")  # the role: a select, assistant already chosen; Enter moves on
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await type_text(pilot, "2469")  # typed wrong the second time
        await pilot.press("enter")
        await settle(app, pilot)
        assert "不一致" in str(app.screen.query_one("#form-message").render())
        assert not Operator.select().where(Operator.name == "Zhao").exists()
        await pilot.press("backspace")
        await type_text(pilot, "8")
        await pilot.press("enter")
        await settle(app, pilot)
        added = Operator.get(Operator.name == "Zhao")
        assert added.role == "assistant" and check_pin("2468", added.pin_hash)
        assert "Zhao" in screen_text(app)
        await pilot.press("down")  # 王秀英 → 小李
        await pilot.press("ctrl+u")
        await settle(app, pilot)
        assert Operator.get_by_id(assistant.id).locked_until is None
        await pilot.press("down")  # → Zhao
        await pilot.press("ctrl+d")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert not Operator.get(Operator.name == "Zhao").active
        assert "已停用" in screen_text(app)
    kinds = {row.kind for row in AuditEvent.select()}
    assert {"operator.added", "operator.unlocked", "operator.deactivated"} <= kinds


async def test_an_assistant_is_refused_on_the_operators_screen(make, set_up):
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("shift+tab", "down", "down", "enter")  # the operator list opened (↓): 王秀英 → 小李
        await settle(app, pilot)
        await log_in(app, pilot, "5678")
        assert app.session.operator.name == "小李"
        await open_operators(app, pilot)
        assert "无权管理操作员" in str(app.screen.query_one("#operators-message").render())
        assert "王秀英" not in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await type_text(pilot, "Wang")
        await pilot.press("enter", "enter")  # the name, then the role (a select: Enter moves on)
        await type_text(pilot, "1111")
        await pilot.press("enter")
        await type_text(pilot, "1111")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "无权" in str(app.screen.query_one("#form-message").render())
    assert not Operator.select().where(Operator.name == "Wang").exists()


def load_legacy_pins(set_up):
    """The station as an older version left it (see fixtures/legacy_pins.sql): loaded before the
    app starts, like the database a real upgrade opens; the test itself only presses keys."""
    partner = set_up.operators.list_active()[0]
    second = set_up.operators.add_operator(partner, name="李站长", role="partner", pin="246810")
    sql = (Path(__file__).parent / "fixtures" / "legacy_pins.sql").read_text(encoding="utf-8")
    lines = [line for line in sql.splitlines() if not line.startswith("--")]
    for statement in "\n".join(lines).split(";"):
        if statement.strip():
            set_up.db.execute_sql(statement)
    return second


async def test_a_partner_with_an_old_four_digit_pin_changes_it_at_log_in(make, set_up, config):
    second = load_legacy_pins(set_up)
    partner = set_up.operators.list_active()[0]
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot, "1234")
        await type_text(pilot, "1234")
        await pilot.press("enter")
        await type_text(pilot, "135790")
        await pilot.press("enter")
        await type_text(pilot, "135790")
        await pilot.press("enter")
        await settle(app, pilot)
        assert check_pin("135790", Operator.get_by_id(partner.id).pin_hash)
        assert app.session.operator is not None and not app.session.operator.pin_change_due
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await log_in(app, pilot, "135790")
        assert app.session.operator.name == partner.name
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        # and a partner who does not change it (the other one, still on 2468) is logged out again
        await pilot.press("shift+tab", "down", "down", "down", "enter")  # pick 李站长 from the list
        await settle(app, pilot)
        assert app.screen.query_one("#operator").value == second.id
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.session.operator is not None and app.session.operator.pin_change_due
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.session.operator is None


async def test_a_large_reversal_takes_the_second_partners_pin_in_the_dialog(make, set_up):
    from station.services.ledger import Line

    partner = set_up.operators.list_active()[0]
    second = set_up.operators.add_operator(partner, name="李站长", role="partner", pin="246810")
    posting = set_up.ledger.post(
        "purchase.payment", "purchase:1", [Line("cash", 50000, "cash"), Line("villager:1", -50000)], operator_id=1
    )
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        await type_text(pilot, "dup")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "李站长" in screen_text(app)  # the only other partner, chosen already
        await type_text(pilot, "111111")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "PIN" in str(app.screen.query_one("#pin-message").render())
        assert not set_up.ledger.is_reversed(posting.txn)
        await type_text(pilot, "246810")
        await pilot.press("enter")
        await settle(app, pilot)
        assert set_up.ledger.is_reversed(posting.txn)
    approvals = [(r.kind, r.operator_id) for r in AuditEvent.select().where(AuditEvent.kind.startswith("approval."))]
    assert approvals == [("approval.failed", second.id), ("approval.ok", second.id)]
