"""Attack: a reversal needing a second partner, on a station with none or with two to choose from."""

from station.screens.dialogs import PinDialog
from station.screens.shift import ShiftScreen
from station.services.ledger import Line
from tests.ui.helpers import log_in, settle, type_text


def a_posting(services, fen):
    return services.ledger.post(
        "purchase.payment", "purchase:1", [Line("cash", fen, "cash"), Line("villager:1", -fen)], operator_id=1
    )


async def test_the_only_partner_reversing_over_the_threshold_is_told_no_one_can_approve(make, set_up):
    posting = a_posting(set_up, 30000)  # ¥300: over ¥200, and 王秀英 is the station's only partner
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen)  # no reason asked, no empty approver list (it crashed)
        refusal = set_up.t("ledger.no_approver", txn=posting.txn, threshold_fen=20000)
        assert any(refusal == str(n.message) for n in app._notifications)
    assert not set_up.ledger.is_reversed(posting.txn)


async def test_an_assistant_chooses_one_of_two_partners_and_only_the_right_pin_reverses(make, set_up):
    partner = set_up.operators.list_active()[0]
    set_up.operators.add_operator(partner, name="张伟", role="partner", pin="246810")
    posting = a_posting(set_up, 1000)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("shift+tab", "down", "down", "enter")  # 王秀英 → 小李
        await settle(app, pilot)
        await log_in(app, pilot, "5678")
        assert app.session.operator.name == "小李"
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        await type_text(pilot, "typo")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PinDialog)  # two approvers: it opened (it crashed on mount)
        assert app.focused is app.screen.query_one("#approver")
        await pilot.press("enter")  # closed select, nobody chosen: on to the PIN
        await type_text(pilot, "123456")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PinDialog)
        assert str(app.screen.query_one("#pin-message").render()) == set_up.t("login.choose_operator")
        assert not set_up.ledger.is_reversed(posting.txn)
        await pilot.press("shift+tab", "down", "down", "down", "enter")  # the list opened: prompt → 王秀英 → 张伟
        await settle(app, pilot)
        chosen = app.screen.query_one("#approver").selection
        assert [o.name for o in app.screen.operators if o.id == chosen] == ["张伟"]
        await settle(app, pilot)
        await type_text(pilot, "123456")  # 王秀英's PIN, not 张伟's
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PinDialog) and not set_up.ledger.is_reversed(posting.txn)
        await type_text(pilot, "246810")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen)
    assert set_up.ledger.is_reversed(posting.txn)
