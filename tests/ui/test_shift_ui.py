from station.db.oversight_models import Shift
from station.screens.shift import ShiftScreen
from station.services.ledger import Line
from tests.ui.helpers import log_in, screen_text, settle, type_text


async def test_open_shift_transactions_close_and_handover_to_the_assistant(make, set_up):
    partner, assistant = set_up.operators.list_active()[:2]
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        await type_text(pilot, "300")
        await pilot.press("enter")
        await settle(app, pilot)
        for fen in (6100, 3150):
            app.services.ledger.post(
                "purchase.payment",
                "purchase:1",
                [Line("cash", fen, "cash"), Line("villager:1", -fen)],
                operator_id=partner.id,
            )
        app.screen.reload()
        await settle(app, pilot)
        assert "按账应有现金 ¥392.50" in screen_text(app)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await type_text(pilot, "392")  # counted ¥392.00: 50 fen short
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "差额 -¥0.50" in str(app.screen.query_one("#form-message").render())
        app.screen.query_one("#note").value = "找零多给五毛"
        app.screen.query_one("#next").value = assistant.id
        app.screen.query_one("#pin").value = "5678"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        closed, opened = Shift.select().order_by(Shift.id)
        assert (closed.expected_cash_fen, closed.counted_cash_fen, closed.diff_fen) == (39250, 39200, -50)
        assert closed.received_by_id == assistant.id and opened.operator_id == assistant.id
        assert app.session.operator.name == "小李"
        assert "小李 当班" in screen_text(app)
