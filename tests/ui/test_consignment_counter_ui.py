"""Consignments at the counter: consignors first in the picker, shelf life as days, a
settlement paid by WeChat posted to the WeChat account."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Select

from station.db.consignment_models import ConsignmentLot, ConsignmentSettlement
from station.domain.errors import InvalidInput
from station.domain.periods import parse_shelf_life
from tests.ui.helpers import a_consignor_with_a_sale, fill, log_in, press_each, settle, type_text


def test_shelf_life_as_days_or_a_date():
    today = dt.date(2026, 11, 23)
    assert parse_shelf_life("20 天", today) == dt.date(2026, 12, 13)
    assert parse_shelf_life("２０天", today) == dt.date(2026, 12, 13)
    assert parse_shelf_life("7", today) == dt.date(2026, 11, 30)
    assert parse_shelf_life("2026-12-01", today) == dt.date(2026, 12, 1)
    assert parse_shelf_life("2026/12/01", today) == dt.date(2026, 12, 1)
    assert parse_shelf_life(" ", today) is None
    for bad in ("0 天", "下个月", "2026-13-01"):
        with pytest.raises(InvalidInput):
            parse_shelf_life(bad, today)


async def test_consignor_first_days_shelf_life_and_wechat_settlement(make, set_up, clock):
    a_consignor_with_a_sale(set_up)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f4", "ctrl+n")
        await type_text(pilot, "zs")  # 张三 and 张师傅: the consignor comes first
        await settle(app, pilot)
        picker_rows = app.screen.query_one("#picker-results", DataTable)
        assert [picker_rows.get_row_at(i)[0] for i in range(picker_rows.row_count)] == ["张师傅", "张三"]
        await pilot.press("down", "enter")
        await settle(app, pilot)
        await fill(pilot, "土鸡蛋", "", "30", "9", "8", "20 天")
        await settle(app, pilot)
        lot = ConsignmentLot.select().order_by(ConsignmentLot.id.desc()).get()
        assert (lot.product, lot.expires_on) == ("土鸡蛋", clock.now().date() + dt.timedelta(days=20))
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await type_text(pilot, "zsf")
        await pilot.press("enter")
        await settle(app, pilot)
        app.screen.query_one("#method", Select).value = "wechat"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    settlement = ConsignmentSettlement.get()
    assert settlement.method == "wechat"
    assert app.services.ledger.balance("wechat") == -settlement.payout_fen
    assert app.services.ledger.balance("cash") == 1000  # the sale; the payout did not leave the drawer
