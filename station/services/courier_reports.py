"""Courier figures for reports, the home tile and F7: fees per day, income per courier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from station.db.courier_models import Shipment
from station.db.models import LedgerEntry
from station.db.parcel_models import Parcel
from station.db.rows import tuples
from station.domain.rate_cards import FeeLine, fee_lines
from station.i18n.translator import Translator
from station.services.rate_cards import couriers_with_cards, load_cards

FEES_KIND = "courier.fees"
LINE_KINDS = {  # ledger kind → statement line kind
    "courier.collect": "collect",
    "sending.freight": "sending",
    "courier.payment": "payment",
    "reversal": "reversal",
}


def account(courier: str) -> str:
    return f"courier:{courier}"


@dataclass(frozen=True)
class AccountLine:
    day: dt.date
    kind: str  # fees | collect | sending | payment | reversal
    ref: str
    detail: str
    amount_fen: int  # + the courier owes the station more
    parcels: int = 0  # a fees line: the parcels delivered that day …
    fee_fen: int = 0  # … at this fee each

    def describe(self, t: Translator) -> str:
        """The detail column as shown and printed: a fees line says how many parcels at what fee."""
        if self.kind == "fees":
            return t("couriers.fee_detail", n=self.parcels, fee_fen=self.fee_fen)
        return self.detail


@dataclass(frozen=True)
class Statement:
    courier: str
    period: str
    start: dt.date
    end: dt.date  # inclusive
    opening_fen: int
    lines: tuple[AccountLine, ...]

    def total(self, kind: str, sign: int = 0) -> int:
        return sum(
            line.amount_fen
            for line in self.lines
            if line.kind == kind and (sign == 0 or (line.amount_fen > 0) == (sign > 0))
        )

    @property
    def fees_fen(self) -> int:
        return self.total("fees")

    @property
    def parcels(self) -> int:
        return sum(line.parcels for line in self.lines if line.kind == "fees")

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + sum(line.amount_fen for line in self.lines)


def _fee_txns(courier: str):
    return LedgerEntry.select(LedgerEntry.txn).where(
        (LedgerEntry.account == account(courier)) & (LedgerEntry.kind == FEES_KIND)
    )


def _money_lines(courier: str):
    """The courier's ledger lines that are money, not fee postings (nor their reversals): fees
    are shown from the parcels themselves, day by day."""
    return (
        (LedgerEntry.account == account(courier))
        & (LedgerEntry.kind != FEES_KIND)
        & (LedgerEntry.reverses_txn.is_null() | LedgerEntry.reverses_txn.not_in(_fee_txns(courier)))
    )


def posted_fees(courier: str) -> int:
    """Fees posted to the ledger so far, net of reversed fee postings."""
    query = LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.amount_fen), 0)).where(
        (LedgerEntry.account == account(courier))
        & ((LedgerEntry.kind == FEES_KIND) | LedgerEntry.reverses_txn.in_(_fee_txns(courier)))
    )
    return query.scalar()


def _ledger_sum(courier: str, start: dt.date | None, end: dt.date) -> int:
    query = LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.amount_fen), 0)).where(
        _money_lines(courier) & (LedgerEntry.business_date <= end)
    )
    if start is not None:
        query = query.where(LedgerEntry.business_date >= start)
    return query.scalar()


def payments_after(courier: str, day: dt.date) -> int:
    """Payments between station and courier dated after `day` (as lines of the courier's account)."""
    paid = LedgerEntry.select(LedgerEntry.txn).where(
        (LedgerEntry.account == account(courier)) & (LedgerEntry.kind == "courier.payment")
    )
    query = LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.amount_fen), 0)).where(
        (LedgerEntry.account == account(courier))
        & ((LedgerEntry.kind == "courier.payment") | LedgerEntry.reverses_txn.in_(paid))
        & (LedgerEntry.business_date > day)
    )
    return query.scalar()


def account_balance(courier: str, on: dt.date) -> int:
    """Fees earned (from the parcels) plus the money on the courier's ledger account, up to `on`."""
    return sum(line.amount_fen for line in parcel_fee_lines(courier, None, on)) + _ledger_sum(courier, None, on)


def account_statement(courier: str, label: str, start: dt.date, end: dt.date) -> Statement:
    """Opening balance, then each day's fees and each money line, from `start` to `end` inclusive."""
    opening = account_balance(courier, start - dt.timedelta(days=1))
    lines = [
        AccountLine(line.day, "fees", "", "", line.amount_fen, line.parcels, line.fee_fen)
        for line in parcel_fee_lines(courier, start, end)
    ]
    entries = (
        LedgerEntry.select()
        .where(_money_lines(courier) & (LedgerEntry.business_date >= start) & (LedgerEntry.business_date <= end))
        .order_by(LedgerEntry.id)
    )
    lines += [
        AccountLine(e.business_date, LINE_KINDS.get(e.kind, e.kind), e.ref, e.memo, e.amount_fen) for e in entries
    ]
    lines.sort(key=lambda line: (line.day, line.kind != "fees"))
    return Statement(courier, label, start, end, opening, tuple(lines))


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
        query = tuples(
            Parcel.select(day, fn.COUNT(Parcel.id))
            .where((Parcel.carrier == courier) & where & (column >= lower) & (column < upper))
            .group_by(day)
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
    commission: dict[str, int] = dict(
        tuples(
            Shipment.select(Shipment.courier, fn.SUM(Shipment.commission_fen))
            .where((Shipment.created_at >= lower) & (Shipment.created_at < upper))
            .group_by(Shipment.courier)
        )
    )
    rows = []
    for courier in courier_codes():
        fees = parcel_fee_lines(courier, start, end)
        sent = commission.get(courier, 0)
        if fees or sent:
            rows.append((courier, sum(f.parcels for f in fees), sum(f.amount_fen for f in fees), sent))
    return rows
