"""Courier figures for reports, the home tile and F7: fees per day, income per courier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from peewee import fn

from station.db.courier_models import Shipment
from station.db.models import LedgerEntry
from station.db.parcel_models import Parcel
from station.domain.rate_cards import FeeLine, fee_lines
from station.services.rate_cards import couriers_with_cards, load_cards


def parcel_fee_lines(courier: str, start: dt.date | None, end: dt.date) -> list[FeeLine]:
    """Delivery fees earned per day from `start` (None: the beginning) to `end` inclusive."""
    cards = load_cards(courier)
    if not cards:
        return []
    lines = []
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    lower = dt.datetime.combine(start or min(c.effective_from for c in cards), dt.time())
    for basis, column, where in (
        ("handed_over", Parcel.picked_up_at, Parcel.status == "picked_up"),
        ("checked_in", Parcel.checked_in_at, Parcel.id.is_null(False)),
    ):
        day = fn.DATE(column)
        query = (
            Parcel.select(day.alias("day"), fn.COUNT(Parcel.id).alias("n"))
            .where((Parcel.carrier == courier) & where & (column >= lower) & (column < upper))
            .group_by(day)
            .tuples()
        )
        counts = [(dt.date.fromisoformat(str(d)[:10]), n) for d, n in query]
        lines += fee_lines(counts, cards, basis)
    return sorted(lines, key=lambda line: line.day)


def courier_codes() -> list[str]:
    """Couriers with a rate card or money on their account."""
    with_money = {
        row.account.split(":", 1)[1]
        for row in LedgerEntry.select(LedgerEntry.account).where(LedgerEntry.account.startswith("courier:")).distinct()
    }
    known = couriers_with_cards()
    return known + sorted(with_money - set(known))


def income_by_courier(start: dt.date, end: dt.date) -> list[tuple[str, int, int, int]]:
    """(courier, parcels, delivery fees, sending commission) per courier with any, start to end inclusive."""
    lower = dt.datetime.combine(start, dt.time())
    upper = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    commission = dict(
        Shipment.select(Shipment.courier, fn.SUM(Shipment.commission_fen))
        .where((Shipment.created_at >= lower) & (Shipment.created_at < upper))
        .group_by(Shipment.courier)
        .tuples()
    )
    rows = []
    for courier in courier_codes():
        fees = parcel_fee_lines(courier, start, end)
        sent = commission.get(courier, 0)
        if fees or sent:
            rows.append((courier, sum(f.parcels for f in fees), sum(f.amount_fen for f in fees), sent))
    return rows


def courier_income_table(t, period, config, masked):
    """F7 and `station report courier-income`: parcel income per courier for the period."""
    from station.services.report_tables import ReportTable

    last = period.end - dt.timedelta(days=1)
    rows = [
        [
            t(f"carrier.{courier}"),
            parcels,
            Decimal(fees).scaleb(-2),
            Decimal(commission).scaleb(-2),
            Decimal(fees + commission).scaleb(-2),
        ]
        for courier, parcels, fees, commission in income_by_courier(period.start, last)
    ]
    header = [
        t("couriers.courier"),
        t("report.courier_parcels"),
        t("report.courier_fees"),
        t("report.courier_commission"),
        t("report.courier_income"),
    ]
    return ReportTable(header, rows, (5,), "bar")
