import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.db.consignment_models import ConsignmentSale, StockMove
from station.db.models import PrintJob
from station.domain.commission import commission_fen, parse_percent_bp, sale_amount_fen
from station.domain.errors import InvalidInput, NotAllowed
from station.services.consignments import SaleLine, stock_of
from tests.printing.decode import decode

JIN = 1000


@pytest.fixture
def zhao(services, partner):
    return services.villagers.add(partner, name="赵师傅", phone="13566667777")


def eggs(services, partner, zhao, **kw):
    values = dict(
        consignor_id=zhao.id,
        product="土鸡蛋",
        grade="一级",
        unit="jin",
        qty_milli=30 * JIN,
        unit_price_fen=900,
        commission_bp=800,
        expires_on=dt.date(2026, 12, 13),
    )
    values.update(kw)
    return services.consignments.intake(partner, **values)


def test_scenario_intake_three_sales_and_settlement(services, partner, zhao, clock):
    intake = eggs(services, partner, zhao)
    assert intake.lot.lot_no == "L20261123-01" and intake.lot.stock_milli == 30 * JIN
    assert "代销入库单" in decode(bytes(PrintJob.get_by_id(intake.job_id).payload)).text
    for qty in (5000, 4000, 3500):  # 12.5 斤 over the day
        clock.advance(hours=1)
        services.consignments.sell(partner, [SaleLine(intake.lot.id, qty)], method="cash")
    assert stock_of(intake.lot.id) == 17500
    sales = list(ConsignmentSale.select())
    assert [s.amount_fen for s in sales] == [4500, 3600, 3150]
    assert [s.commission_fen for s in sales] == [360, 288, 252]
    assert services.ledger.balance(f"consignor:{zhao.id}") == -(11250 - 900)
    preview = services.settlements.preview(zhao.id, dt.date(2026, 11, 30))
    assert (preview.gross_fen, preview.commission_fen, preview.payout_fen) == (11250, 900, 10350)
    settled = services.settlements.settle(partner, zhao.id, dt.date(2026, 11, 30), method="cash")
    statement = decode(bytes(PrintJob.get_by_id(settled.job_id).payload))
    assert "代销结算单" in statement.text and "签字确认：" in statement.text and "￥103.50" in statement.text
    assert services.ledger.balance(f"consignor:{zhao.id}") == 0
    with pytest.raises(NotAllowed):  # a settled sale is never settled twice
        services.settlements.settle(partner, zhao.id, dt.date(2026, 11, 30), method="cash")


def test_commission_is_frozen_on_the_sale(services, partner, zhao):
    first = eggs(services, partner, zhao, commission_bp=800)
    second = eggs(services, partner, zhao, commission_bp=1000)
    services.consignments.sell(partner, [SaleLine(first.lot.id, 1000), SaleLine(second.lot.id, 1000)], method="wechat")
    assert [s.commission_bp for s in ConsignmentSale.select().order_by(ConsignmentSale.id)] == [800, 1000]


@pytest.mark.parametrize(
    "kw, key",
    [
        ({"commission_bp": 10001}, "consign.bad_rate"),
        ({"qty_milli": 0}, "consign.qty_positive"),
        ({"qty_milli": -5}, "consign.qty_positive"),
        ({"expires_on": dt.date(2026, 11, 1)}, "consign.expiry_before_intake"),
        ({"unit": "ton"}, "consign.bad_unit"),
        ({"product": " "}, "consign.product_required"),
    ],
)
def test_bad_intake_writes_nothing(services, partner, zhao, kw, key):
    with pytest.raises(InvalidInput) as caught:
        eggs(services, partner, zhao, **kw)
    assert caught.value.key == key
    assert StockMove.select().count() == 0 and PrintJob.select().count() == 0


def test_cannot_sell_more_than_stock_and_a_price_change_needs_a_reason(services, partner, zhao):
    lot = eggs(services, partner, zhao).lot
    with pytest.raises(InvalidInput) as caught:
        services.consignments.sell(partner, [SaleLine(lot.id, 31 * JIN)], method="cash")
    assert caught.value.key == "consign.over_stock"
    with pytest.raises(InvalidInput):
        services.consignments.sell(partner, [SaleLine(lot.id, JIN, 800)], method="cash")
    services.consignments.sell(partner, [SaleLine(lot.id, JIN, 800, "破壳的便宜卖")], method="cash")
    assert ConsignmentSale.get().amount_fen == 800


def test_write_off_return_and_stocktake(services, partner, zhao):
    lot = eggs(services, partner, zhao).lot
    services.consignments.move_out(partner, lot.id, 2 * JIN, kind="writeoff", reason="打碎")
    services.consignments.move_out(partner, lot.id, 3 * JIN, kind="return", reason="退回赵师傅")
    with pytest.raises(InvalidInput):
        services.consignments.stocktake(partner, {lot.id: (24 * JIN, "")})
    report = services.consignments.stocktake(partner, {lot.id: (24 * JIN, "盘点少一斤")})
    assert report == [(lot.lot_no, 25 * JIN, 24 * JIN, "盘点少一斤")]
    assert stock_of(lot.id) == 24 * JIN
    assert [m.kind for m in StockMove.select().order_by(StockMove.id)] == ["in", "writeoff", "return", "adjust"]


def test_percent_parsing():
    assert parse_percent_bp("8") == 800 and parse_percent_bp("8.5") == 850 and parse_percent_bp("100") == 10000
    for bad in ("101", "-1", "abc", "8.555"):
        with pytest.raises(InvalidInput):
            parse_percent_bp(bad)


actions = st.lists(
    st.tuples(
        st.sampled_from(["sell", "writeoff", "return", "settle", "intake"]),
        st.integers(1, 40 * JIN),
        st.integers(0, 3000),
        st.integers(0, 10000),
    ),
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_money_and_stock_always_add_up(services, partner, zhao, steps):
    lots = [eggs(services, partner, zhao).lot.id]
    for action, qty, price, rate in steps:
        lot = lots[qty % len(lots)]
        try:
            if action == "sell":
                services.consignments.sell(partner, [SaleLine(lot, qty)], method="cash")
            elif action in ("writeoff", "return"):
                services.consignments.move_out(partner, lot, qty, kind=action, reason="r")
            elif action == "settle":
                services.settlements.settle(partner, zhao.id, dt.date(2026, 12, 31), method="cash")
            else:
                lots.append(eggs(services, partner, zhao, unit_price_fen=price, commission_bp=rate).lot.id)
        except (InvalidInput, NotAllowed):
            pass
        for lot_id in lots:
            assert stock_of(lot_id) >= 0
    sales = list(ConsignmentSale.select())
    for sale in sales:
        assert sale.commission_fen == commission_fen(sale.amount_fen, sale.commission_bp)
        assert sale.amount_fen == sale_amount_fen(sale.qty_milli, sale.unit_price_fen)
    paid_out = sum(s.payable_fen for s in sales if s.settlement_id)
    unsettled = -services.ledger.balance(f"consignor:{zhao.id}")
    assert paid_out + unsettled == sum(s.amount_fen - s.commission_fen for s in sales)
    assert services.ledger.verify_chain() is None
