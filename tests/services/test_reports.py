import datetime as dt
import sqlite3

import pytest
from openpyxl import load_workbook

from station.domain.errors import InvalidInput
from station.domain.orders import ItemLine
from station.domain.periods import parse_period
from station.presenters.report_tables import REPORT_TABLES, save_xlsx
from station.services import reports
from station.services.consignments import SaleLine


@pytest.fixture
def week(services, partner, clock):
    """A week at the counter: parcels in and out, sales, orders."""
    zhao = services.villagers.add(partner, name="赵师傅", phone="13566667777")
    lot = services.consignments.intake(
        partner, consignor_id=zhao.id, product="土鸡蛋", unit="jin", qty_milli=100_000, unit_price_fen=900
    ).lot
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    for day in range(7):
        for n in range(day + 1):
            parcel = services.parcels.check_in(partner, f"75{day:02d}{n:010d}", batch_id=batch.id).parcel
            if n % 2 == 0:
                services.pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code)
        services.consignments.sell(partner, [SaleLine(lot.id, 1000 * (day + 1))], method="cash")
        services.purchases.create(
            partner,
            villager_id=zhao.id,
            platform="pdd" if day % 2 else "jd",
            items=[ItemLine("米", 1, 1000)],
            deposit_fen=500,
        )
        clock.advance(days=1)
    clock.advance(days=-1)
    return services


def raw(config, sql, *args):
    connection = sqlite3.connect(config.db_path)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def test_figures_equal_independent_sums(week, config):
    period = parse_period("week", week.clock.now().date())
    daily = reports.parcels_daily(period, config.parcels.overdue_days)
    assert sum(r[1] for r in daily) == raw(config, "SELECT count(*) FROM parcel")[0][0] == 28
    assert sum(r[2] for r in daily) == raw(config, "SELECT count(*) FROM parcel WHERE status='picked_up'")[0][0]
    income = reports.income_daily(period)
    cash = raw(config, "SELECT sum(amount_fen) FROM ledger_entry WHERE account IN ('cash','wechat','alipay','bank')")[
        0
    ][0]
    assert sum(sum(totals.values()) for _, totals in income) == cash
    ((_product, _qty, sales, commission),) = reports.consignments_by_product(period)
    assert (sales, commission) == tuple(
        raw(config, "SELECT sum(amount_fen), sum(commission_fen) FROM consignment_sale")[0]
    )
    platforms = dict((p, total) for p, _, total in reports.purchases_by_platform(period))
    assert platforms == dict(raw(config, "SELECT platform, sum(total_fen) FROM purchase GROUP BY platform"))
    assert (
        sum(n for _, n in reports.busiest_hours(period))
        == 28 + raw(config, "SELECT count(*) FROM parcel WHERE picked_up_at IS NOT NULL")[0][0]
    )


def test_shorter_periods_see_less(week):
    today = week.clock.now().date()
    day = reports.parcels_daily(parse_period("day", today), [3, 7, 15])
    assert [r[1] for r in day] == [7]
    assert len(reports.parcels_daily(parse_period("week", today), [3, 7, 15])) == 7


def test_pending_names_masked_for_assistants(week):
    t = week.printing.t
    period = parse_period("week", week.clock.now().date())
    masked = REPORT_TABLES["pending"](t, period, week.config.parcels, True)
    assert all(row[0].endswith("*") or len(row[0]) == 1 for row in masked.rows)


def test_xlsx_report_has_a_native_chart(week, tmp_path):
    table = REPORT_TABLES["parcels-trend"](
        week.printing.t, parse_period("week", week.clock.now().date()), week.config.parcels, False
    )
    path = save_xlsx(table, "parcels", tmp_path / "r.xlsx")
    sheet = load_workbook(path)["report"]
    assert sheet.max_row == 8 and len(sheet._charts) == 1


@pytest.mark.parametrize("text", ["yesterday", "2026-13", "2026-11-30..2026-11-01", "2025-01-01..2026-12-31"])
def test_bad_periods(text):
    with pytest.raises(InvalidInput):
        parse_period(text, dt.date(2026, 11, 23))


def test_the_overdue_series_counts_every_parcel_on_a_shelf_at_each_days_end(services, partner, clock):
    """Parcels checked in long before the week: one left before it (not counted), one picked
    up and one returned during it (counted until they left), one still on the shelf; the
    series equals a count over every parcel, made here day by day."""
    clock.at = dt.datetime(2026, 10, 1, 9)
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    ids = [services.parcels.check_in(partner, f"7500000000{n:04d}", batch_id=batch.id).parcel.id for n in range(5)]
    clock.at = dt.datetime(2026, 11, 20, 9)
    for parcel_id, picked, returned in (
        (ids[0], "2026-10-05 10:00:00", None),  # gone before the week
        (ids[1], "2026-11-18 16:30:00", None),  # picked up during it
        (ids[2], None, "2026-11-19 08:00:00"),  # returned during it
        (ids[3], "2026-11-21 10:00:00", None),  # picked up after it
    ):
        status = "picked_up" if picked else "returned"
        services.db.execute_sql(
            "UPDATE parcel SET status = ?, picked_up_at = ?, returned_at = ? WHERE id = ?",
            (status, picked, returned, parcel_id),
        )
    period = parse_period("week", dt.date(2026, 11, 20))
    thresholds = [3, 7, 15]
    everything = [
        (dt.datetime.fromisoformat(c), dt.datetime.fromisoformat(p or r) if (p or r) else None)
        for c, p, r in services.db.execute_sql("SELECT checked_in_at, picked_up_at, returned_at FROM parcel")
    ]
    expected = []
    for day in period.days:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        on_shelf = [c for c, left in everything if c < end and (left is None or left >= end)]
        expected.append(len(on_shelf))  # all checked in on 1 October: overdue every day of the week
    assert [row[3] for row in reports.parcels_daily(period, thresholds)] == expected
    assert expected[0] == 4 and expected[-1] == 2


def test_the_overdue_series_searches_by_index_not_every_earlier_parcel(services):
    """Who was on a shelf at some day's end: those still there and those that left later,
    each an index's term; "checked in before the end" is only a filter (searched by its
    index, it read every parcel the station ever had before the period's end)."""
    query = reports.stays_query(dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 18))
    sql, params = query.sql()
    plan = [row[-1] for row in services.db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    assert plan[0] == "MULTI-INDEX OR" and not any("checked_in_at" in step for step in plan), plan
