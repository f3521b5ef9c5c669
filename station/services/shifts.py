"""Shifts: open with counted cash, close with a count against the ledger, hand over by PIN."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database, fn

from station.db.models import LedgerEntry
from station.db.oversight_models import Complaint, Shift
from station.db.parcel_models import Parcel
from station.db.purchase_models import Purchase
from station.db.rows import tuples
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.money import format_fen
from station.i18n.translator import Translator
from station.printing.layout import Element, Row, Text
from station.printing.queue import PrintService
from station.printing.receipts import build_receipt
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require_counter
from station.services.ledger import PAYMENT_METHODS
from station.services.operators import OperatorService


@dataclass(frozen=True)
class ShiftInfo:
    id: int
    operator_id: int
    operator_name: str
    opened_at: dt.datetime
    opening_cash_fen: int
    expected_cash_fen: int
    by_method: dict[str, int]  # money in (+) and out (−) per payment method during the shift
    closed_at: dt.datetime | None
    counted_cash_fen: int | None
    diff_fen: int | None
    diff_note: str
    open_items: dict[str, int]


@dataclass(frozen=True)
class Handover:
    closed: ShiftInfo
    next_shift: ShiftInfo | None
    job_id: int


def method_totals(start: dt.datetime, end: dt.datetime | None) -> dict[str, int]:
    query = (
        LedgerEntry.select(LedgerEntry.account, fn.SUM(LedgerEntry.amount_fen))
        .where(LedgerEntry.account.in_(PAYMENT_METHODS) & (LedgerEntry.at >= start))
        .group_by(LedgerEntry.account)
    )
    if end is not None:
        query = query.where(LedgerEntry.at <= end)
    totals = {method: 0 for method in PAYMENT_METHODS}
    totals.update({account: total for account, total in tuples(query)})
    return totals


def open_items() -> dict[str, int]:
    """What the next operator inherits: parcels not notified, orders waiting, open complaints."""
    return {
        "unnotified": Parcel.select().where(Parcel.status == "in").count(),
        "orders_arrived": Purchase.select().where(Purchase.status == "arrived").count(),
        "orders_open": Purchase.select().where(Purchase.status.in_(("draft", "placed", "shipped"))).count(),
        "complaints_open": Complaint.select().where(Complaint.status == "open").count(),
    }


class ShiftService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        operators: OperatorService,
        printing: PrintService,
        t: Translator,
    ) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.operators = operators
        self.printing = printing
        self.t = t

    def info(self, row: Shift) -> ShiftInfo:
        totals = method_totals(row.opened_at, row.closed_at)
        expected = row.opening_cash_fen + totals["cash"]
        return ShiftInfo(
            row.id,
            row.operator_id,
            row.operator.name,
            row.opened_at,
            row.opening_cash_fen,
            expected if row.expected_cash_fen is None else row.expected_cash_fen,  # set when the shift closes
            totals,
            row.closed_at,
            row.counted_cash_fen,
            row.diff_fen,
            row.diff_note,
            open_items(),
        )

    def current(self) -> ShiftInfo | None:
        row = Shift.select().where(Shift.closed_at.is_null()).order_by(Shift.id.desc()).first()
        return self.info(row) if row else None

    def open_shift(self, by: OperatorInfo, opening_cash_fen: int) -> ShiftInfo:
        require_counter(by)
        if opening_cash_fen < 0:
            raise InvalidInput("money.negative", text=format_fen(opening_cash_fen))
        with self.db.atomic():
            if Shift.select().where(Shift.closed_at.is_null()).exists():
                raise NotAllowed("shift.already_open")
            row = Shift.create(operator=by.id, opened_at=self.clock.now(), opening_cash_fen=opening_cash_fen)
            self.audit.record("shift.opened", by.id, ref=f"shift:{row.id}", opening_cash_fen=opening_cash_fen)
        return self.info(row)

    def close_shift(
        self,
        by: OperatorInfo,
        *,
        counted_cash_fen: int,
        diff_note: str = "",
        handover_note: str = "",
        next_operator_id: int | None = None,
        next_pin: str = "",
    ) -> Handover:
        """Count the drawer; a difference needs a note; the next operator confirms with a PIN."""
        require_counter(by)
        if counted_cash_fen < 0:
            raise InvalidInput("money.negative", text=format_fen(counted_cash_fen))
        receiver = None
        if next_operator_id is not None:
            if next_operator_id == by.id:
                raise InvalidInput("shift.handover_to_self")
            receiver = self.operators.approve(next_operator_id, next_pin)
        with self.db.atomic():
            row = Shift.select().where(Shift.closed_at.is_null()).order_by(Shift.id.desc()).first()
            if row is None:
                raise NotFound("shift.none_open")
            now = self.clock.now()
            expected = row.opening_cash_fen + method_totals(row.opened_at, now)["cash"]
            diff = counted_cash_fen - expected
            if diff and not diff_note.strip():
                raise InvalidInput("shift.diff_needs_note", diff_fen=diff)
            row.closed_at, row.counted_cash_fen, row.expected_cash_fen = now, counted_cash_fen, expected
            row.diff_fen, row.diff_note, row.handover_note = diff, diff_note.strip(), handover_note.strip()
            if receiver is not None:
                row.received_by, row.received_at = receiver.id, now
            row.save()
            self.audit.record(
                "shift.closed",
                by.id,
                ref=f"shift:{row.id}",
                expected_fen=expected,
                counted_fen=counted_cash_fen,
                diff_fen=diff,
                received_by=receiver.name if receiver else "",
            )
            closed = self.info(row)
            next_row = None
            if receiver is not None:
                next_row = Shift.create(operator=receiver.id, opened_at=now, opening_cash_fen=counted_cash_fen)
            job_id = self._receipt(by, closed, receiver.name if receiver else "")
        return Handover(closed, self.info(next_row) if next_row else None, job_id)

    def _receipt(self, by: OperatorInfo, shift: ShiftInfo, receiver: str) -> int:
        t = self.t
        body: list[Element] = [
            Row(t("shift.opened_at"), f"{shift.opened_at:%m-%d %H:%M}"),
            Row(t("shift.closed_at"), f"{shift.closed_at:%m-%d %H:%M}"),
            Row(t("shift.opening"), format_fen(shift.opening_cash_fen)),
            Row(t("shift.expected"), format_fen(shift.expected_cash_fen)),
            Row(t("shift.counted"), format_fen(shift.counted_cash_fen or 0)),
            Row(t("shift.diff"), format_fen(shift.diff_fen or 0), bold=True),
        ]
        if shift.diff_note:
            body.append(Text(shift.diff_note))
        for method, total in shift.by_method.items():
            if method != "cash":
                body.append(Row(t(f"method.{method}"), format_fen(total)))
        for item, count in shift.open_items.items():
            body.append(Row(t(f"shift.item.{item}"), str(count)))
        if receiver:
            body.append(Row(t("shift.received_by"), receiver))
        receipt = build_receipt(
            t, "shift", self.printing.context(by.name), body, proof=f"shift:{shift.id}", signature=True
        )
        return self.printing.enqueue(receipt, ref=f"shift:{shift.id}")

    def shifts_on(self, day: dt.date) -> list[ShiftInfo]:
        start = dt.datetime.combine(day, dt.time())
        query = Shift.select().where((Shift.opened_at >= start) & (Shift.opened_at < start + dt.timedelta(days=1)))
        return [self.info(row) for row in query.order_by(Shift.id)]

    def operators_for_handover(self, by: OperatorInfo) -> list[OperatorInfo]:
        return [op for op in self.operators.list_active() if op.id != by.id and op.role != "auditor"]
