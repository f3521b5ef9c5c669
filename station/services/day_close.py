"""Day close (Z report): the day's totals from the ledger, locked once closed, the chain's end
anchored, then a checked backup."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from peewee import Database

from station.db.models import DayClose, LedgerEntry, PrintJob
from station.db.oversight_models import Shift
from station.domain.clock import Clock
from station.domain.errors import NotAllowed
from station.domain.hashing import canonical_json
from station.domain.money import format_fen
from station.i18n.translator import Translator
from station.printing.layout import Row
from station.printing.queue import PrintService
from station.printing.receipts import build_receipt
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require
from station.services.ledger import PAYMENT_METHODS

if TYPE_CHECKING:
    from station.services.backup import BackupResult, BackupService
    from station.services.integrity import IntegrityService


@dataclass(frozen=True)
class ZReport:
    date: str
    by_kind: dict[str, int]  # money in (+) / out (−) through the drawer and accounts, per posting kind
    by_method: dict[str, int]
    postings: int
    receipts: int
    cash_diff_fen: int
    first_hash: str
    last_hash: str
    closed: bool

    def to_json(self) -> str:
        return canonical_json(asdict(self))


def z_report(day: dt.date) -> ZReport:
    entries = list(LedgerEntry.select().where(LedgerEntry.business_date == day).order_by(LedgerEntry.id))
    by_kind: dict[str, int] = defaultdict(int)
    by_method = {method: 0 for method in PAYMENT_METHODS}
    for entry in entries:
        if entry.account in PAYMENT_METHODS:
            by_kind[entry.kind] += entry.amount_fen
            by_method[entry.account] += entry.amount_fen
    start = dt.datetime.combine(day, dt.time())
    end = start + dt.timedelta(days=1)
    receipts = (
        PrintJob.select()
        .where((PrintJob.created_at >= start) & (PrintJob.created_at < end) & (PrintJob.is_reprint == False))  # noqa: E712 (a peewee expression)
        .count()
    )
    diffs = [s.diff_fen or 0 for s in Shift.select().where((Shift.closed_at >= start) & (Shift.closed_at < end))]
    return ZReport(
        str(day),
        dict(sorted(by_kind.items())),
        by_method,
        len({e.txn for e in entries}),
        receipts,
        sum(diffs),
        entries[0].prev_hash if entries else "",
        entries[-1].hash if entries else "",
        DayClose.select().where(DayClose.business_date == day).exists(),
    )


class DayCloseService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        printing: PrintService,
        t: Translator,
        backups: BackupService,
        integrity: IntegrityService,
    ) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.printing = printing
        self.t = t
        self.backups = backups
        self.integrity = integrity

    def close_day(self, by: OperatorInfo, day: dt.date | None = None) -> tuple[ZReport, int, BackupResult]:
        """Verify the whole chain, lock the day (nothing more posts with its date), anchor the
        chain's end, print the Z report, back up."""
        from station.services.integrity import ChainBroken

        require(by, "day.close")
        day = day or self.clock.now().date()
        self._refuse_if_not_closable(day)  # before the chain walk, which takes a while on a big ledger
        chain = self.integrity.verify_full("day_close")  # its own transaction: a break stays recorded
        if not chain.ok:
            raise ChainBroken(id=chain.broken_id, reason_key=f"backup.reason.{chain.reason}")
        with self.db.atomic():
            self._refuse_if_not_closable(day)
            report = z_report(day)
            DayClose.create(
                business_date=day,
                closed_at=self.clock.now(),
                operator=by.id,
                totals_json=report.to_json(),
                cash_diff_fen=report.cash_diff_fen,
                report_hash=hashlib.sha256(report.to_json().encode()).hexdigest(),
            )
            self.integrity.anchor_day(day)
            self.audit.record("day.closed", by.id, ref=str(day), postings=report.postings)
            job_id = self._receipt(by, report)
        return report, job_id, self.backups.backup()

    def check_closable(self, by: OperatorInfo, day: dt.date | None = None) -> dt.date:
        """Refuse before anyone is asked to confirm: who may not close the day, a day already
        closed, a shift still open. The day that would be closed."""
        require(by, "day.close")
        day = day or self.clock.now().date()
        self._refuse_if_not_closable(day)
        return day

    def _refuse_if_not_closable(self, day: dt.date) -> None:
        if DayClose.select().where(DayClose.business_date == day).exists():
            raise NotAllowed("dayclose.already", date=str(day))
        if Shift.select().where(Shift.closed_at.is_null()).exists():
            raise NotAllowed("dayclose.shift_open")

    def _receipt(self, by: OperatorInfo, report: ZReport) -> int:
        t = self.t
        body = [Row(t("dayclose.date"), report.date, bold=True)]
        body += [Row(t(f"ledger.kind.{kind}"), format_fen(total)) for kind, total in report.by_kind.items()]
        body += [Row(t(f"method.{m}"), format_fen(total)) for m, total in report.by_method.items()]
        body += [
            Row(t("dayclose.postings"), str(report.postings)),
            Row(t("dayclose.receipts"), str(report.receipts)),
            Row(t("dayclose.cash_diff"), format_fen(report.cash_diff_fen), bold=True),
            Row(t("dayclose.last_hash"), report.last_hash[:16]),
        ]
        receipt = build_receipt(
            t, "z_report", self.printing.context(by.name), body, proof=report.last_hash or report.date, signature=True
        )
        return self.printing.enqueue(receipt, ref=f"day:{report.date}")

    def backup(self, by: OperatorInfo) -> BackupResult:
        """A checked copy now (F8 Ctrl+B, `station backup`)."""
        require(by, "backup.make")
        return self.backups.backup()
