import datetime as dt

from textual.widgets import Label

from station.db.utility_models import UtilityBill
from station.domain.tariffs import Tier
from station.screens.dialogs import InfoDialog
from station.screens.utilities import UtilitiesScreen
from tests.ui.helpers import fill, log_in, screen_text, settle


async def test_a_bill_above_the_cap_shows_the_cap_as_payable_and_flags_the_excess(make, set_up):
    partner = set_up.operators.list_active()[0]
    set_up.utilities.add_tariff(
        partner,
        category="electricity",
        effective_from=dt.date(2026, 1, 1),
        unit="kWh",
        tiers=(Tier(240_000, 4883), Tier(400_000, 5383), Tier(None, 7883)),
    )
    app = make()
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, UtilitiesScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await fill(pilot, "2026-10", "18234", "18711", "", "", "280")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        bill = UtilityBill.get()
        assert (bill.village_fen, bill.cap_fen, bill.payable_fen, bill.excess_fen) == (26402, 27194, 27194, 806)
        assert isinstance(app.screen, InfoDialog)
        explained = str(app.screen.query_one("#info-body", Label).render())
        assert "240 × 0.4883 元 = 117.192 元" in explained
        assert "¥271.94" in explained and "超出封顶 ¥8.06" in explained
        await pilot.press("escape")
        await settle(app, pilot)
        table_text = screen_text(app)
        assert "¥280.00" in table_text and "¥271.94" in table_text and "¥8.06" in table_text


async def test_a_bill_without_a_tariff_is_refused_by_name(make, set_up):
    app = make()
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f5", "ctrl+n")
        await settle(app, pilot)
        await fill(pilot, "2026-10", "1", "2", "", "", "5")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        message = str(app.screen.query_one("#form-message", Label).render())
        assert "没有 2026-10 适用的电费价格" in message
        assert UtilityBill.select().count() == 0
