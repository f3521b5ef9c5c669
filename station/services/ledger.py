"""The append-only, hash-chained journal every money movement posts to.

Accounts are plain strings: `cash`, `wechat`, `alipay`, `bank` (money the station holds),
`villager:<id>` (a villager's account: negative = the station owes them), `consignor:<id>`,
`income:<kind>`, `expense:<kind>`, `clearing:<kind>`. The lines of one posting share a `txn`
number and sum to zero; a correction is a new posting that reverses an old one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from peewee import Database, fn

from station.db.models import DayClose, LedgerEntry
from station.db.rows import tuples
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound, StationError
from station.domain.hashing import GENESIS, ChainBreak, chain_hash, find_break
from station.domain.permissions import allowed
from station.domain.text import clean_text
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, may, require

if TYPE_CHECKING:
    from station.services.operators import OperatorService

PAYMENT_METHODS = ("cash", "wechat", "alipay", "bank")


@dataclass(frozen=True)
class Line:
    account: str
    amount_fen: int
    method: str = ""
    memo: str = ""


@dataclass(frozen=True)
class Posting:
    txn: int
    at: dt.datetime
    business_date: dt.date
    kind: str
    ref: str
    lines: tuple[Line, ...]
    last_hash: str

    @property
    def amount_fen(self) -> int:
        """The size of the posting: the sum of its positive lines."""
        return sum(line.amount_fen for line in self.lines if line.amount_fen > 0)


@dataclass(frozen=True)
class ReversalPlan:
    """What reversing a posting takes, asked before the reason is typed: whether a second
    operator's PIN is needed and who may give it."""

    posting: Posting
    needs_approval: bool
    approvers: tuple[OperatorInfo, ...]  # active operators who may approve, never the asker


@dataclass(frozen=True)
class JournalRow:
    posting: Posting
    reversed: bool


class DayClosed(StationError):
    key = "ledger.day_closed"


def entry_fields(entry: LedgerEntry) -> dict[str, Any]:
    """The canonical content of an entry that its hash covers."""
    return {
        "id": entry.id,
        "txn": entry.txn,
        "at": entry.at.isoformat(sep=" ") if isinstance(entry.at, dt.datetime) else str(entry.at),
        "business_date": str(entry.business_date),
        "operator_id": entry.operator_id,
        "kind": entry.kind,
        "ref": entry.ref,
        "account": entry.account,
        "amount_fen": entry.amount_fen,
        "method": entry.method,
        "memo": entry.memo,
        "reverses_txn": entry.reverses_txn,
    }


def _posting(txn: int, entries: Sequence[LedgerEntry]) -> Posting:
    first = entries[0]
    lines = tuple(Line(e.account, e.amount_fen, e.method, e.memo) for e in entries)
    return Posting(txn, first.at, first.business_date, first.kind, first.ref, lines, entries[-1].hash)


def clean_reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise InvalidInput("ledger.reason_required")
    return reason


class LedgerService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        *,
        approval_threshold_fen: int = 20000,
        approvals: Callable[[], OperatorService] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.approval_threshold_fen = approval_threshold_fen
        self._approvals = approvals  # who checks an approver's PIN (built on first use)

    # -- writing -----------------------------------------------------------------------
    def post(
        self,
        kind: str,
        ref: str,
        lines: Sequence[Line],
        *,
        operator_id: int | None,
        reverses_txn: int | None = None,
    ) -> Posting:
        """Append one balanced posting; joins the caller's transaction if there is one."""
        lines = tuple(line for line in lines if line.amount_fen != 0)
        if not lines:
            raise InvalidInput("ledger.empty_posting")
        if sum(line.amount_fen for line in lines) != 0:
            raise InvalidInput("ledger.unbalanced", total=sum(line.amount_fen for line in lines))
        for line in lines:
            if line.method and line.method not in PAYMENT_METHODS:
                raise InvalidInput("ledger.unknown_method", method=line.method)
        with self.db.atomic():
            now = self.clock.now()
            today = now.date()
            last = LedgerEntry.select().order_by(LedgerEntry.id.desc()).first()
            if last is not None and last.business_date > today:
                # The clock went back (set by hand, battery): business dates never go backwards
                # in the journal, so a period is always one unbroken stretch of the chain.
                today = last.business_date
            if DayClose.select().where(DayClose.business_date == today).exists():
                raise DayClosed(date=str(today))
            prev_hash = last.hash if last else GENESIS
            txn = (last.txn if last else 0) + 1
            next_id = (last.id if last else 0) + 1
            for line in lines:
                entry = LedgerEntry(
                    id=next_id,
                    txn=txn,
                    at=now,
                    business_date=today,
                    operator=operator_id,
                    kind=kind,
                    ref=ref,
                    account=line.account,
                    amount_fen=line.amount_fen,
                    method=line.method,
                    memo=line.memo,
                    reverses_txn=reverses_txn,
                    prev_hash=prev_hash,
                )
                entry.hash = chain_hash(prev_hash, entry_fields(entry))
                entry.save(force_insert=True)
                prev_hash = entry.hash
                next_id += 1
        return Posting(txn, now, today, kind, ref, lines, prev_hash)

    def reverse(
        self,
        txn: int,
        reason: str,
        operator: OperatorInfo,
        *,
        approver_id: int | None = None,
        approver_pin: str = "",
    ) -> Posting:
        """Post the mirror image of posting `txn`. Large amounts, and any reversal an assistant
        asks for, need a second partner who gives their PIN here: an id alone proves nothing."""
        reason = clean_text(reason, required_key="ledger.reason_required")
        if not may(operator, "ledger.reverse"):
            require(operator, "ledger.reverse_with_approval")
        original = self.posting(txn)
        approver = None
        if self.needs_approval(operator, original.amount_fen):
            if approver_id is None or approver_id == operator.id or self._approvals is None:
                with self.db.atomic():  # a reversal refused for want of an approval is on the record too
                    self.audit.record(
                        "approval.refused", operator.id, ref=f"txn:{txn}", action="ledger.reversal", reason=reason
                    )
                raise NotAllowed("ledger.approval_required", txn=txn, threshold_fen=self.approval_threshold_fen)
            # Checked before the posting's transaction: a wrong PIN's count must stay written.
            approver = self._approvals().approve(approver_id, approver_pin, action="ledger.reverse", ref=f"txn:{txn}")
        with self.db.atomic():
            original = self.posting(txn)
            if original.kind == "reversal" or self._reversal_of(txn) is not None:
                raise NotAllowed("ledger.already_reversed", txn=txn)
            mirrored = [Line(line.account, -line.amount_fen, line.method, reason) for line in original.lines]
            posting = self.post("reversal", original.ref, mirrored, operator_id=operator.id, reverses_txn=txn)
            self.audit.record(
                "ledger.reversal",
                operator.id,
                ref=f"txn:{txn}",
                reason=reason,
                amount_fen=original.amount_fen,
                approver=approver.name if approver else "",
            )
        return posting

    def plan_reversal(self, operator: OperatorInfo, txn: int) -> ReversalPlan:
        """Does reversing `txn` need an approval, and from whom? Refuses what `reverse` would
        refuse whatever the approval (no right at all, already reversed) before anything is typed."""
        if not may(operator, "ledger.reverse"):
            require(operator, "ledger.reverse_with_approval")
        posting = self.posting(txn)
        if posting.kind == "reversal" or self._reversal_of(txn) is not None:
            raise NotAllowed("ledger.already_reversed", txn=txn)
        needs = self.needs_approval(operator, posting.amount_fen)
        approvers: tuple[OperatorInfo, ...] = ()
        if needs and self._approvals is not None:
            approvers = tuple(
                o for o in self._approvals().list_active() if o.id != operator.id and allowed(o.role, "ledger.reverse")
            )
        if needs and not approvers:  # nobody could approve: say so before a reason is typed
            raise NotAllowed("ledger.no_approver", txn=txn, threshold_fen=self.approval_threshold_fen)
        return ReversalPlan(posting, needs, approvers)

    def needs_approval(self, operator: OperatorInfo, amount_fen: int) -> bool:
        """Assistants never reverse alone; above the threshold even a partner needs a second one."""
        return amount_fen > self.approval_threshold_fen or not may(operator, "ledger.reverse")

    # -- reading -----------------------------------------------------------------------
    def posting(self, txn: int) -> Posting:
        entries = list(LedgerEntry.select().where(LedgerEntry.txn == txn).order_by(LedgerEntry.id))
        if not entries:
            raise NotFound("ledger.no_such_posting", txn=txn)
        return _posting(txn, entries)

    def _reversal_of(self, txn: int) -> int | None:
        row = LedgerEntry.select(LedgerEntry.txn).where(LedgerEntry.reverses_txn == txn).first()
        return row.txn if row else None

    def is_reversed(self, txn: int) -> bool:
        return self._reversal_of(txn) is not None

    def postings_for(self, ref: str) -> list[Posting]:
        txns = LedgerEntry.select(LedgerEntry.txn).where(LedgerEntry.ref == ref).distinct().order_by(LedgerEntry.txn)
        return [self.posting(row.txn) for row in txns]

    def journal(self, day: dt.date | None = None) -> list[JournalRow]:
        """The day's postings (today's by default) with whether each is reversed: two queries."""
        day = day or self.clock.now().date()
        entries = list(LedgerEntry.select().where(LedgerEntry.business_date == day).order_by(LedgerEntry.id))
        by_txn: dict[int, list[LedgerEntry]] = {}
        for entry in entries:
            by_txn.setdefault(entry.txn, []).append(entry)
        of_day = LedgerEntry.select(LedgerEntry.txn).where(LedgerEntry.business_date == day)
        reversals = LedgerEntry.select(LedgerEntry.reverses_txn).where(LedgerEntry.reverses_txn.in_(of_day))
        reversed_ = {row.reverses_txn for row in reversals}
        return [JournalRow(_posting(txn, rows), txn in reversed_) for txn, rows in sorted(by_txn.items())]

    def txns_on(self, day: dt.date) -> list[int]:
        query = (
            LedgerEntry.select(LedgerEntry.txn)
            .where(LedgerEntry.business_date == day)
            .distinct()
            .order_by(LedgerEntry.txn)
        )
        return [row.txn for row in query]

    def balance(self, account: str, *, until: dt.date | None = None) -> int:
        query = LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.amount_fen), 0)).where(LedgerEntry.account == account)
        if until is not None:
            query = query.where(LedgerEntry.business_date <= until)
        return query.scalar()

    def balances(self, prefix: str) -> dict[str, int]:
        query = (
            LedgerEntry.select(LedgerEntry.account, fn.SUM(LedgerEntry.amount_fen))
            .where(LedgerEntry.account.startswith(prefix))
            .group_by(LedgerEntry.account)
        )
        return {account: total for account, total in tuples(query)}

    def entries(self, *, start: dt.date | None = None, end: dt.date | None = None) -> Iterable[LedgerEntry]:
        query = LedgerEntry.select().order_by(LedgerEntry.id)
        if start is not None:
            query = query.where(LedgerEntry.business_date >= start)
        if end is not None:
            query = query.where(LedgerEntry.business_date <= end)
        return query.iterator()

    def verify_chain(self) -> ChainBreak | None:
        """Recompute every hash from the start; the first broken link, or None."""
        return find_break(
            (e.id, e.prev_hash, e.hash, entry_fields(e))
            for e in LedgerEntry.select().order_by(LedgerEntry.id).iterator()
        )
