"""Report figures for a period: daily trends and the tables under them. The F7 screen and
`station report NAME --period …` read the same functions."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from peewee import Database, fn

from station.config import ParcelConfig
from station.db.consignment_models import ConsignmentLot, ConsignmentSale
from station.db.models import LedgerEntry, Villager
from station.db.parcel_models import Parcel, not_by_index, on_shelf
from station.db.purchase_models import Purchase
from station.db.rows import tuples
from station.domain.clock import Clock
from station.domain.overdue import bucket, days_on_shelf
from station.domain.periods import Period, parse_period, previous_month
from station.services.common import OperatorInfo, may
from station.services.ledger import PAYMENT_METHODS
from station.services.utility_reports import summary

KINDS = ("day", "week", "month")


def stays_query(end_at: dt.datetime, first_end: dt.datetime):
    """Parcels checked in before `end_at` that were still on a shelf at `first_end`."""
    return Parcel.select(Parcel.checked_in_at, Parcel.picked_up_at, Parcel.returned_at).where(
        (not_by_index(Parcel.checked_in_at) < end_at)
        & (on_shelf() | (Parcel.picked_up_at >= first_end) | (Parcel.returned_at >= first_end))
    )


def parcels_daily(period: Period, thresholds) -> list[tuple[dt.date, int, int, int]]:
    """(day, checked in, handed over, overdue at the end of that day)."""
    arrived: Counter[dt.date] = Counter()
    handed: Counter[dt.date] = Counter()
    for (at,) in tuples(
        Parcel.select(Parcel.checked_in_at).where(
            (Parcel.checked_in_at >= period.start_at) & (Parcel.checked_in_at < period.end_at)
        )
    ):
        arrived[at.date()] += 1
    for (at,) in tuples(
        Parcel.select(Parcel.picked_up_at).where(
            (Parcel.picked_up_at >= period.start_at) & (Parcel.picked_up_at < period.end_at)
        )
    ):
        handed[at.date()] += 1
    # One read of every parcel on a shelf at some day's end, instead of one per day: those
    # still on a shelf and those that left after the first day's end, each term an index's
    # (checked in before the period's end is a filter, not a search of all earlier parcels).
    first_end = dt.datetime.combine(period.start + dt.timedelta(days=1), dt.time())
    stays = [
        (checked_in, picked or returned)
        for checked_in, picked, returned in tuples(stays_query(period.end_at, first_end))
    ]
    rows = []
    for day in period.days:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
        last_moment = end - dt.timedelta(seconds=1)
        overdue = sum(
            1
            for checked_in, left in stays
            if checked_in < end
            and (left is None or left >= end)
            and bucket(days_on_shelf(checked_in, last_moment), thresholds) > 0
        )
        rows.append((day, arrived[day], handed[day], overdue))
    return rows


def income_daily(period: Period) -> list[tuple[dt.date, dict[str, int]]]:
    """Money into (+) and out of (−) the drawer and accounts, per day and posting kind."""
    totals: dict[dt.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    query = tuples(
        LedgerEntry.select(LedgerEntry.business_date, LedgerEntry.kind, fn.SUM(LedgerEntry.amount_fen))
        .where(
            LedgerEntry.account.in_(PAYMENT_METHODS)
            & (LedgerEntry.business_date >= period.start)
            & (LedgerEntry.business_date < period.end)
        )
        .group_by(LedgerEntry.business_date, LedgerEntry.kind)
    )
    for day, kind, total in query:
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        totals[day][kind] += total
    return [(day, dict(totals[day])) for day in period.days]


def consignments_by_product(period: Period) -> list[tuple[str, int, int, int]]:
    """(product, quantity in 1/1000 units, sales fen, commission fen), best sellers first."""
    query = tuples(
        ConsignmentSale.select(
            ConsignmentLot.product,
            fn.SUM(ConsignmentSale.qty_milli),
            fn.SUM(ConsignmentSale.amount_fen),
            fn.SUM(ConsignmentSale.commission_fen),
        )
        .join(ConsignmentLot)
        .where((ConsignmentSale.at >= period.start_at) & (ConsignmentSale.at < period.end_at))
        .group_by(ConsignmentLot.product)
    )
    return sorted(query, key=lambda row: -row[2])


def purchases_by_platform(period: Period) -> list[tuple[str, int, int]]:
    query = tuples(
        Purchase.select(Purchase.platform, fn.COUNT(Purchase.id), fn.SUM(Purchase.total_fen))
        .where(
            (Purchase.created_at >= period.start_at)
            & (Purchase.created_at < period.end_at)
            & (Purchase.status != "cancelled")
        )
        .group_by(Purchase.platform)
    )
    return sorted(query, key=lambda row: -row[2])


def carriers(period: Period) -> list[tuple[str, int]]:
    query = tuples(
        Parcel.select(Parcel.carrier, fn.COUNT(Parcel.id))
        .where((Parcel.checked_in_at >= period.start_at) & (Parcel.checked_in_at < period.end_at))
        .group_by(Parcel.carrier)
    )
    return sorted(((carrier or "unknown", n) for carrier, n in query), key=lambda row: -row[1])


def busiest_hours(period: Period) -> list[tuple[int, int]]:
    """Counter visits by hour of day: check-ins and hand-overs."""
    hours: Counter[int] = Counter()
    for field in (Parcel.checked_in_at, Parcel.picked_up_at):
        for (at,) in tuples(Parcel.select(field).where((field >= period.start_at) & (field < period.end_at))):
            hours[at.hour] += 1
    return sorted(hours.items(), key=lambda row: (-row[1], row[0]))


def pending_by_villager(limit: int = 10) -> list[tuple[str, int, int]]:
    """(villager, parcels waiting, open orders), most waiting first."""
    parcels = Counter(
        name
        for (name,) in tuples(Parcel.select(Parcel.recipient_name).where(on_shelf() & (Parcel.recipient_name != "")))
    )
    orders = Counter(
        name
        for (name,) in tuples(
            Purchase.select(Villager.name).join(Villager).where(Purchase.status.in_(("placed", "shipped", "arrived")))
        )
    )
    names = set(parcels) | set(orders)
    ranked = sorted(names, key=lambda n: (-(parcels[n] + orders[n]), n))
    return [(name, parcels[name], orders[name]) for name in ranked[:limit]]


@dataclass(frozen=True)
class Chart:
    values: tuple[int, ...]  # bar heights: counts, or money as whole fen
    total: int
    money: bool


@dataclass(frozen=True)
class ReportCharts:
    """The F7 trends for a period: each series with its total; counter money by posting kind."""

    charts: dict[str, Chart]
    income_by_kind_fen: dict[str, int]


def _chart(values: list[int], *, money: bool = False) -> Chart:
    return Chart(tuple(values), sum(values), money)


class ReportService:
    """What the reports screen asks: is a name masked for this operator, the period's charts."""

    def __init__(self, db: Database, clock: Clock, parcels: ParcelConfig) -> None:
        self.db = db
        self.clock = clock
        self.parcels = parcels

    def names_masked(self, operator: OperatorInfo) -> bool:
        """Villagers' names in reports: unmasked for the roles the permission table names."""
        return not may(operator, "report.names")

    def period(self, text: str) -> Period:
        """`day`, `week`, `month`, a month `2026-11` or a range, relative to today."""
        return parse_period(text, self.clock.now().date())

    def last_month(self) -> Period:
        """The month an export offers first: the last complete one."""
        return previous_month(self.clock.now().date())

    def charts(self, period: Period) -> ReportCharts:
        trend = parcels_daily(period, self.parcels.overdue_days)
        daily = income_daily(period)
        by_kind: dict[str, int] = {}
        for _, totals in daily:
            for kind, fen in totals.items():
                by_kind[kind] = by_kind.get(kind, 0) + fen
        billed: dict[str, int] = {}
        cap: dict[str, int] = {}
        for row in summary(period.start.year):  # utilities: month by month of the period's year
            if not row.is_total:
                billed[row.period] = billed.get(row.period, 0) + row.billed_fen
                cap[row.period] = cap.get(row.period, 0) + row.cap_fen
        charts = {
            "arrivals": _chart([row[1] for row in trend]),
            "pickups": _chart([row[2] for row in trend]),
            "overdue": _chart([row[3] for row in trend]),
            "income": _chart([sum(totals.values()) for _, totals in daily], money=True),
            "utility_billed": _chart([billed[month] for month in sorted(billed)], money=True),
            "utility_cap": _chart([cap[month] for month in sorted(cap)], money=True),
        }
        return ReportCharts(charts, dict(sorted(by_kind.items())))
