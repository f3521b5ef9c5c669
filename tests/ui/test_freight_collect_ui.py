"""到付 by keys only: check a parcel in with an amount to collect, hand it over from F2 and
collect it in the same step; the money is owed to the courier."""

from importlib import resources
from pathlib import Path

from textual.widgets import Input

from station.db.courier_models import ParcelCharge
from station.db.parcel_models import Parcel
from station.screens.check_in import CheckInScreen
from station.screens.form_dialog import FormDialog
from station.screens.parcel_desk import ParcelDeskScreen
from tests.ui.helpers import log_in, screen_text, settle, type_text

SAMPLE = Path(str(resources.files("station.assets").joinpath("sample_rate_cards.toml")))


async def test_a_freight_collect_parcel_is_paid_at_hand_over_and_owed_to_the_courier(make, set_up):
    partner = set_up.operators.list_active()[0]
    set_up.rate_cards.import_file(partner, SAMPLE)
    set_up.villagers.add(partner, name="李大爷", phone="13900005678")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("3", "enter", "1", "enter")
        await type_text(pilot, "中通")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*"75123456780329", "enter")
        await settle(app, pilot)
        await pilot.press("tab")
        await type_text(pilot, "13900005678")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+y")  # 到付 on the parcel just scanned
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "12.5")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        charge = ParcelCharge.get()
        assert (charge.kind, charge.amount_fen, charge.courier, charge.collected_at) == ("freight", 1250, "ZTO", None)
        await pilot.press("escape")
        await settle(app, pilot)

        assert isinstance(app.screen, ParcelDeskScreen)
        await type_text(pilot, "5678")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        assert "到付运费" in screen_text(app) and "¥12.50" in screen_text(app)
        assert app.screen.query_one("#amount", Input).value == "12.50"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelDeskScreen)
        assert Parcel.get().status == "picked_up"
        assert ParcelCharge.get().collected_at is not None
        assert set_up.ledger.balance("cash") == 1250
        assert set_up.ledger.balance("courier:ZTO") == -1250  # owed to 中通
        assert set_up.couriers.balance("ZTO") == -1250 + 50  # less the ¥0.50 fee for handing it out
