"""Issue 22: the screens ask the services and show the answer (reversal approval, masking)."""

from station.screens.dialogs import PinDialog
from station.screens.form_dialog import FormDialog
from station.screens.shift import ShiftScreen
from station.services.ledger import Line
from tests.ui.helpers import log_in, screen_text, settle, type_text


async def test_a_small_reversal_needs_no_pin_and_a_second_one_is_refused_before_the_reason(make, set_up):
    posting = set_up.ledger.post(
        "purchase.payment", "purchase:1", [Line("cash", 1000, "cash"), Line("villager:1", -1000)], operator_id=1
    )
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "typo")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen)  # no PIN dialog: under the threshold, a partner
        assert set_up.ledger.is_reversed(posting.txn)
        assert set_up.t("shift.reversed") in screen_text(app)
        await pilot.press("ctrl+z")  # the same row again
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen) and not isinstance(app.screen, PinDialog)
        refusal = set_up.t("ledger.already_reversed", txn=posting.txn)
        assert any(refusal == str(n.message) for n in app._notifications)


async def test_the_reports_screen_masks_names_for_an_assistant_as_the_service_says(make, set_up):
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = set_up.parcels.check_in(partner, "SF0000000000001", batch_id=batch.id).parcel
    set_up.parcels.set_recipient(partner, parcel.id, name="张秀兰", phone="1234")
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("shift+tab", "down", "down", "enter")  # the operator list opened (↓): 王秀英 → 小李
        await settle(app, pilot)
        await log_in(app, pilot, "5678")
        await pilot.press("f7")
        await settle(app, pilot)
        shown = screen_text(app)
        assert "张**" in shown and "张秀兰" not in shown
