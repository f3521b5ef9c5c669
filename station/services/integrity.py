"""The ledger checks itself: the hash chain (incrementally at start, fully at day close and in
`station check`), the day-close anchors of the chain's end, balances, stuck print jobs.

The chain is read with fixed SQL on a plain cursor, so the same walk verifies the live
database (through peewee's connection) and a backup or restore candidate (through sqlite3),
and a million entries take seconds, not minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import json.encoder
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from peewee import Database

from station.db.integrity_models import ChainAnchor, ChainCheckpoint
from station.domain.clock import Clock
from station.domain.errors import StationError
from station.domain.hashing import GENESIS, canonical_json
from station.services.audit import AuditLog

BACKUP_STALE = dt.timedelta(days=1)  # the status line turns yellow
BACKUP_TOO_OLD = dt.timedelta(days=7)  # red, and `station check` reports it
Query = Callable[[str, Sequence[Any]], Iterable[tuple]]

LEDGER_ROWS = (
    "SELECT id, txn, at, business_date, operator_id, kind, ref, account, amount_fen, method, memo,"
    " reverses_txn, prev_hash, hash FROM ledger_entry WHERE id > ? ORDER BY id"
)
ENTRY_AT = "SELECT hash FROM ledger_entry WHERE id = ?"
ANCHORS = "SELECT business_date, entry_id, hash, entries FROM chain_anchor ORDER BY business_date"
COUNT_UP_TO = "SELECT COUNT(*) FROM ledger_entry WHERE id <= ?"
UNBALANCED = "SELECT txn, SUM(amount_fen) FROM ledger_entry GROUP BY txn HAVING SUM(amount_fen) != 0 ORDER BY txn"
STUCK_JOBS = "SELECT id, receipt_no FROM print_job WHERE status = 'printing' ORDER BY id"


@dataclass(frozen=True)
class Problem:
    """One thing `station check` found: a catalogue key and the values naming its row."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChainResult:
    """The walk's outcome: how far it got, and the first broken entry if there is one."""

    checked: int
    last_id: int
    last_hash: str
    broken_id: int | None = None
    reason: str = ""  # prev_hash (a link is missing or reordered) | hash (an entry was altered)

    @property
    def ok(self) -> bool:
        return self.broken_id is None


@dataclass(frozen=True)
class CheckReport:
    entries: int  # ledger entries verified
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class ChainBroken(StationError):
    key = "backup.chain_broken"


def _fields(row: tuple) -> dict[str, Any]:
    """The canonical content of a raw ledger row; the same dict as `ledger.entry_fields`."""
    entry_id, txn, at, business_date, operator_id, kind, ref, account, amount, method, memo, reverses = row[:12]
    return {
        "id": entry_id,
        "txn": txn,
        "at": at.isoformat(sep=" ") if isinstance(at, dt.datetime) else str(at),
        "business_date": str(business_date),
        "operator_id": operator_id,
        "kind": kind,
        "ref": ref,
        "account": account,
        "amount_fen": amount,
        "method": method,
        "memo": memo,
        "reverses_txn": reverses,
    }


# `canonical_json(_fields(row))` written out for the ledger's fixed keys (sorted), so a million
# entries are checked in seconds; strings go through the same C escaper `json.dumps` uses, and
# any value of an unexpected type takes the general path. A test holds the two equal.
_CANONICAL = (
    '{"account":%s,"amount_fen":%s,"at":%s,"business_date":%s,"id":%s,"kind":%s,"memo":%s,'
    '"method":%s,"operator_id":%s,"ref":%s,"reverses_txn":%s,"txn":%s}'
)
_text = json.encoder.encode_basestring


def canonical_row(row: tuple) -> str:
    entry_id, txn, at, business_date, operator_id, kind, ref, account, amount, method, memo, reverses = row[:12]
    if not (
        type(entry_id) is int
        and type(txn) is int
        and type(amount) is int
        and type(at) is str
        and type(business_date) is str
        and type(kind) is str
        and type(ref) is str
        and type(account) is str
        and type(method) is str
        and type(memo) is str
        and (operator_id is None or type(operator_id) is int)
        and (reverses is None or type(reverses) is int)
    ):
        return canonical_json(_fields(row))
    return _CANONICAL % (
        _text(account),
        amount,
        _text(at),
        _text(business_date),
        entry_id,
        _text(kind),
        _text(memo),
        _text(method),
        "null" if operator_id is None else operator_id,
        _text(ref),
        "null" if reverses is None else reverses,
        txn,
    )


def walk_chain(query: Query, after_id: int = 0, prev_hash: str = GENESIS) -> ChainResult:
    """Recompute every hash after `after_id`, starting from `prev_hash`."""
    checked, last_id, expected = 0, after_id, prev_hash
    sha256 = hashlib.sha256
    for row in query(LEDGER_ROWS, (after_id,)):
        entry_id, stored_prev, stored_hash = row[0], row[12], row[13]
        if stored_prev != expected:
            return ChainResult(checked, last_id, expected, entry_id, "prev_hash")
        if sha256((stored_prev + canonical_row(row)).encode("utf-8")).hexdigest() != stored_hash:
            return ChainResult(checked, last_id, expected, entry_id, "hash")
        checked, last_id, expected = checked + 1, entry_id, stored_hash
    return ChainResult(checked, last_id, expected)


def anchor_problems(query: Query) -> list[Problem]:
    """Each day close's anchor against the chain now: a cut tail or a re-hashed chain shows."""
    problems = []
    for business_date, entry_id, anchored_hash, entries in list(query(ANCHORS, ())):
        found = list(query(ENTRY_AT, (entry_id,)))
        count = next(iter(query(COUNT_UP_TO, (entry_id,))))[0]
        if not found:
            problems.append(Problem("check.anchor_missing", {"date": str(business_date), "id": entry_id}))
        elif found[0][0] != anchored_hash or count != entries:
            problems.append(
                Problem(
                    "check.anchor_changed",
                    {"date": str(business_date), "id": entry_id, "entries": entries, "now": count},
                )
            )
    return problems


def backup_level(age: dt.timedelta | None) -> str:
    """How the status line shows the newest good backup: "" fine, "stale" yellow, "old" red."""
    if age is None or age > BACKUP_TOO_OLD:
        return "old"
    return "stale" if age > BACKUP_STALE else ""


def chain_problem(result: ChainResult) -> Problem:
    return Problem("check.chain_broken", {"id": result.broken_id, "reason_key": f"backup.reason.{result.reason}"})


class IntegrityService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit

    def _query(self, sql: str, params: Sequence[Any]) -> Iterable[tuple]:
        return self.db.execute_sql(sql, tuple(params))

    def verify_incremental(self) -> ChainResult:
        """From the last verified entry on (fast at start however long the ledger is)."""
        start = ChainCheckpoint.select().order_by(ChainCheckpoint.id.desc()).first()
        after_id, prev_hash = 0, GENESIS
        if start is not None:
            still = list(self._query("SELECT prev_hash, hash FROM ledger_entry WHERE id = ?", (start.entry_id,)))
            if still and still[0][1] == start.hash:
                # re-verify the checkpointed entry itself, then everything after it
                before = next(iter(self._query("SELECT MAX(id) FROM ledger_entry WHERE id < ?", (start.entry_id,))))
                after_id, prev_hash = before[0] or 0, still[0][0]
            # else the checkpointed entry is gone or changed: walk from the start to name the row
        return self._finish(walk_chain(self._query, after_id, prev_hash), "start")

    def verify_full(self, occasion: str = "full") -> ChainResult:
        return self._finish(walk_chain(self._query), occasion)

    def _finish(self, result: ChainResult, occasion: str) -> ChainResult:
        with self.db.atomic():
            if result.ok:
                ChainCheckpoint.delete().execute()
                if result.last_id:
                    ChainCheckpoint.create(entry_id=result.last_id, hash=result.last_hash, checked_at=self.clock.now())
            else:
                self.audit.record(
                    "ledger.chain_broken", None, ref=f"ledger:{result.broken_id}", reason=result.reason, when=occasion
                )
        return result

    def anchor_day(self, day: dt.date) -> None:
        """Day close: record the chain's end as of this day (inside the caller's transaction)."""
        last = list(self._query("SELECT id, hash FROM ledger_entry ORDER BY id DESC LIMIT 1", ()))
        entry_id, last_hash = last[0] if last else (0, GENESIS)
        count = next(iter(self._query(COUNT_UP_TO, (entry_id,))))[0]
        ChainAnchor.create(
            business_date=day, entry_id=entry_id, hash=last_hash, entries=count, created_at=self.clock.now()
        )

    def check(self, backup_age: dt.timedelta | None) -> CheckReport:
        """Everything `station check` looks at: the file, the chain and its anchors, balances,
        the print queue and the age of the newest good backup."""
        detail = next(iter(self._query("PRAGMA integrity_check", ())))[0]
        problems = [] if detail == "ok" else [Problem("check.integrity", {"detail": detail})]
        result = walk_chain(self._query)
        problems += [] if result.ok else [chain_problem(result)]
        problems += anchor_problems(self._query)
        problems += [
            Problem("check.unbalanced", {"txn": txn, "total_fen": total}) for txn, total in self._query(UNBALANCED, ())
        ]
        problems += self._day_totals()
        problems += self._guards()
        problems += [
            Problem("check.print_stuck", {"id": job_id, "no": receipt_no})
            for job_id, receipt_no in self._query(STUCK_JOBS, ())
        ]
        if backup_age is None:
            problems.append(Problem("check.backup_none"))
        elif backup_age > BACKUP_TOO_OLD:
            problems.append(Problem("check.backup_old", {"days": backup_age.days}))
        return CheckReport(result.checked, tuple(problems))

    def _guards(self) -> list[Problem]:
        """What a raw edit outside the program leaves behind: an append-only trigger dropped
        (the next edit would pass unseen), or postings with the station row deleted (the app
        would offer set-up, and a new partner, on a database full of records)."""
        from station.db.migrations import APPEND_ONLY_TABLES

        present = {name for (name,) in self._query("SELECT name FROM sqlite_master WHERE type = 'trigger'", ())}
        problems = [
            Problem("check.guard_missing", {"table": table, "trigger": f"{table}_no_{event}"})
            for table in APPEND_ONLY_TABLES
            for event in ("update", "delete")
            if f"{table}_no_{event}" not in present
        ]
        stations = next(iter(self._query("SELECT count(*) FROM station", ())))[0]
        entries = next(iter(self._query("SELECT count(*) FROM ledger_entry", ())))[0]
        if not stations and entries:
            problems.append(Problem("check.station_missing", {"entries": entries}))
        return problems

    def _day_totals(self) -> list[Problem]:
        """Stored balances: each closed day's Z-report totals against its postings now."""
        from station.services.day_close import z_report

        problems = []
        for business_date, totals_json in list(self._query("SELECT business_date, totals_json FROM day_close", ())):
            stored = json.loads(totals_json)
            day = dt.date.fromisoformat(str(business_date))
            now = z_report(day)
            if stored.get("by_kind") != now.by_kind or stored.get("by_method") != now.by_method:
                problems.append(Problem("check.day_totals", {"date": str(day)}))
        return problems
