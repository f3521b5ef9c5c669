"""The rows of each exported table for a period: raw values (masking is the column's job,
see export_tables), tuples rather than model instances where a month is large."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator

from peewee import DateTimeField, fn

from station.db.consignment_models import ConsignmentLot, ConsignmentSale, ConsignmentSettlement
from station.db.models import AuditEvent, DayClose, LedgerEntry, Villager
from station.db.oversight_models import Complaint, Shift
from station.db.parcel_models import Parcel
from station.db.purchase_models import Purchase
from station.db.rows import tuples
from station.db.utility_models import Tariff, UtilityBill
from station.domain.money import fen_to_yuan_text
from station.domain.periods import Period


def _money(fen: int | None) -> str:
    return "" if fen is None else fen_to_yuan_text(fen)


def _at(value) -> str:
    return "" if value is None else value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)


_CANONICAL_AT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{6})?")


def _at_stored(field: DateTimeField) -> Callable[[object], str]:
    """`_at` of a time column's value as the database returns it, unconverted: the text
    peewee stored (str of a datetime) is already what `_at` writes; anything else is first
    converted by the field as a model read would."""
    canonical = _CANONICAL_AT.fullmatch

    def at(value) -> str:
        if value is None:
            return ""
        if isinstance(value, str) and canonical(value):
            return value
        return _at(field.python_value(value))

    return at


def ledger_balances(condition) -> dict[str, int]:
    """Each account's sum over the journal entries matching `condition`, by account."""
    query = (
        LedgerEntry.select(LedgerEntry.account, fn.SUM(LedgerEntry.amount_fen))
        .where(condition)
        .group_by(LedgerEntry.account)
        .order_by(LedgerEntry.account)
    )
    return {account: total for account, total in tuples(query)}


def ledger_rows(period: Period) -> Iterator[list]:
    """The journal with each account's running balance (opening balance carried in)."""
    # summed by the database: the history before the month is not read into Python
    balances: dict[str, int] = defaultdict(int, ledger_balances(LedgerEntry.business_date < period.start))
    query = (
        LedgerEntry.select()
        .where((LedgerEntry.business_date >= period.start) & (LedgerEntry.business_date < period.end))
        .order_by(LedgerEntry.id)
    )
    for e in query.iterator():
        balances[e.account] += e.amount_fen
        yield [
            e.id,
            e.txn,
            _at(e.at),
            str(e.business_date),
            e.operator_id or "",
            e.kind,
            e.ref,
            e.account,
            e.amount_fen,
            e.method,
            e.memo,
            "" if e.reverses_txn is None else e.reverses_txn,
            e.prev_hash,
            e.hash,
            _money(e.amount_fen),
            _money(balances[e.account]),
        ]


def parcels_of_month(period: Period):
    """The parcels checked in, picked up or returned in the period, by id: three index ranges
    (m014 indexes the third) and a sort of the month's rows, not the whole history read in id
    order (which SQLite chose while one of the three had no index)."""
    return (
        Parcel.select(
            Parcel.id,
            Parcel.tracking_no,
            Parcel.carrier,
            Parcel.pickup_code,
            Parcel.status,
            Parcel.recipient_name,
            Parcel.recipient_phone,
            Parcel.phone_tail,
            Parcel.checked_in_at,
            Parcel.notified_at,
            Parcel.notify_channel,
            Parcel.consent,
            Parcel.picked_up_at,
            Parcel.verified_by,
            Parcel.returned_at,
            Parcel.damaged,
            Parcel.purchase_id,
        )
        .where(
            ((Parcel.checked_in_at >= period.start_at) & (Parcel.checked_in_at < period.end_at))
            | ((Parcel.picked_up_at >= period.start_at) & (Parcel.picked_up_at < period.end_at))
            | ((Parcel.returned_at >= period.start_at) & (Parcel.returned_at < period.end_at))
        )
        .order_by(Parcel.id)
    )


def parcel_rows(period: Period) -> Iterator[list]:
    """Tuples, not model instances: a busy month is 100,000 rows."""
    query = parcels_of_month(period)
    # The database's own values, not peewee's per-cell conversion (most of the time of a big
    # month): times as SQLite holds them are already the text `_at` would write.
    at = _at_stored(Parcel.checked_in_at)
    for (
        parcel_id,
        tracking_no,
        carrier,
        code,
        status,
        name,
        phone,
        tail,
        checked_in_at,
        notified_at,
        channel,
        consent,
        picked_up_at,
        verified_by,
        returned_at,
        damaged,
        purchase_id,
    ) in Parcel._meta.database.execute_sql(*query.sql()):
        yield [
            parcel_id,
            tracking_no,
            carrier,
            code,
            status,
            name,
            phone or (f"****{tail}" if tail else ""),
            at(checked_in_at),
            at(notified_at),
            channel,
            "" if consent is None else int(consent),
            at(picked_up_at),
            verified_by,
            at(returned_at),
            int(damaged),
            purchase_id or "",
        ]


def purchase_rows(period: Period) -> Iterator[list]:
    query = (
        Purchase.select(Purchase, Villager)
        .join(Villager)
        .where((Purchase.created_at >= period.start_at) & (Purchase.created_at < period.end_at))
        .order_by(Purchase.id)
    )
    for p in query.iterator():
        yield [
            p.id,
            _at(p.created_at),
            p.villager.name,
            p.platform,
            p.external_order_no,
            p.status,
            _money(p.items_fen),
            _money(p.shipping_fen),
            _money(p.service_fee_fen),
            _money(p.total_fen),
        ]


def consignment_sale_rows(period: Period) -> Iterator[list]:
    query = (
        ConsignmentSale.select(ConsignmentSale, ConsignmentLot, Villager)
        .join(ConsignmentLot)
        .join(Villager)
        .where((ConsignmentSale.at >= period.start_at) & (ConsignmentSale.at < period.end_at))
        .order_by(ConsignmentSale.id)
    )
    for s in query.iterator():
        yield [
            s.id,
            _at(s.at),
            s.lot.lot_no,
            s.lot.consignor.name,
            s.lot.product,
            s.lot.unit,
            s.qty_milli,
            _money(s.unit_price_fen),
            _money(s.amount_fen),
            s.commission_bp,
            _money(s.commission_fen),
            _money(s.payable_fen),
            s.method,
            s.settlement_id or "",
        ]


def settlement_rows(period: Period) -> Iterator[list]:
    query = (
        ConsignmentSettlement.select(ConsignmentSettlement, Villager)
        .join(Villager)
        .where(
            (ConsignmentSettlement.settled_at >= period.start_at) & (ConsignmentSettlement.settled_at < period.end_at)
        )
        .order_by(ConsignmentSettlement.id)
    )
    for s in query.iterator():
        yield [
            s.id,
            s.statement_no,
            _at(s.settled_at),
            s.consignor.name,
            str(s.period_end),
            _money(s.gross_fen),
            _money(s.commission_fen),
            _money(s.payout_fen),
            s.method,
        ]


def utility_rows(period: Period) -> Iterator[list]:
    """Bills in the month they were recorded (their bill period is a column), with the meter
    readings and tariff version the county needs to recompute village amount, cap and excess."""
    query = UtilityBill.select().where(
        (UtilityBill.recorded_at >= period.start_at) & (UtilityBill.recorded_at < period.end_at)
    )
    for b in query.order_by(UtilityBill.id).iterator():
        yield [
            b.id,
            b.period,
            _at(b.recorded_at),
            b.category,
            b.meter,
            _int(b.meter_start_milli),
            _int(b.meter_end_milli),
            int(b.meter_replaced),
            _int(b.old_meter_final_milli),
            b.usage_milli,
            b.tariff_version,
            _money(b.billed_fen),
            _money(b.village_fen),
            _money(b.cap_fen),
            _money(b.payable_fen),
            _money(b.excess_fen),
            int(b.excess_fen > 0),
        ]


def tariff_rows(period: Period) -> Iterator[list]:
    """Every tariff version the station holds (a handful): what its bills were computed with."""
    for t in Tariff.select().order_by(Tariff.category, Tariff.version).iterator():
        yield [
            t.category,
            t.version,
            str(t.effective_from),
            t.unit,
            t.tiers_json,
            _money(t.fixed_fee_fen),
            t.source_note,
        ]


def _int(value: int | None) -> int | str:
    return "" if value is None else value


def shift_rows(period: Period) -> Iterator[list]:
    query = Shift.select().where((Shift.opened_at >= period.start_at) & (Shift.opened_at < period.end_at))
    for s in query.order_by(Shift.id).iterator():
        yield [
            s.id,
            s.operator.name,
            _at(s.opened_at),
            _money(s.opening_cash_fen),
            _at(s.closed_at),
            _money(s.expected_cash_fen),
            _money(s.counted_cash_fen),
            _money(s.diff_fen),
            s.diff_note,
            s.received_by.name if s.received_by_id else "",
        ]


def day_close_rows(period: Period) -> Iterator[list]:
    query = DayClose.select().where((DayClose.business_date >= period.start) & (DayClose.business_date < period.end))
    for d in query.order_by(DayClose.business_date).iterator():
        yield [str(d.business_date), _at(d.closed_at), _money(d.cash_diff_fen), d.report_hash, d.totals_json]


def complaint_rows(period: Period) -> Iterator[list]:
    query = Complaint.select().where((Complaint.opened_at >= period.start_at) & (Complaint.opened_at < period.end_at))
    for c in query.order_by(Complaint.id).iterator():
        yield [
            c.id,
            _at(c.opened_at),
            c.villager.name if c.villager_id else "",
            c.channel,
            c.category,
            c.status,
            _at(c.closed_at),
            c.outcome,
            c.parcel_id or "",
            c.purchase_id or "",
        ]


def restore_rows(period: Period) -> Iterator[list]:
    """Restores in the period and what each removed: an erased tail reaches the county."""
    query = AuditEvent.select().where(
        (AuditEvent.kind == "backup.restored") & (AuditEvent.at >= period.start_at) & (AuditEvent.at < period.end_at)
    )
    for event in query.order_by(AuditEvent.id).iterator():
        detail = json.loads(event.detail or "{}")
        yield [
            _at(event.at),
            detail.get("operator", ""),
            event.ref,
            detail.get("source_sha256", ""),
            detail.get("removed_postings", 0),
            _money(detail.get("removed_total_fen", 0)),
            detail.get("removed_parcels", 0),
            detail.get("removed_orders", 0),
            " ".join(str(txn) for txn in detail.get("removed_txns", [])),
        ]
