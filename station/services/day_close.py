"""Day close (Z report): the day's totals from the ledger, locked once closed; and backups."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from peewee import Database

from station.db.migrations import backup_copy
from station.db.models import DayClose, LedgerEntry, PrintJob
from station.db.oversight_models import Shift
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed
from station.domain.hashing import canonical_json
from station.domain.money import format_fen
from station.file_modes import make_private
from station.i18n.translator import Translator
from station.printing.layout import Row
from station.printing.queue import PrintService
from station.printing.receipts import build_receipt
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require
from station.services.ledger import PAYMENT_METHODS


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
        .where((PrintJob.created_at >= start) & (PrintJob.created_at < end) & (PrintJob.is_reprint == False))
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
        db_path: Path,
        backup_dir: Path,
        keep: int,
    ) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.printing = printing
        self.t = t
        self.db_path = db_path
        self.backup_dir = backup_dir
        self.keep = keep

    def close_day(self, by: OperatorInfo, day: dt.date | None = None) -> tuple[ZReport, int, Path]:
        """Lock the day (nothing more posts with its date), print the Z report, back up."""
        require(by, "day.close")
        day = day or self.clock.now().date()
        with self.db.atomic():
            if DayClose.select().where(DayClose.business_date == day).exists():
                raise NotAllowed("dayclose.already", date=str(day))
            if Shift.select().where(Shift.closed_at.is_null()).exists():
                raise NotAllowed("dayclose.shift_open")
            report = z_report(day)
            DayClose.create(
                business_date=day,
                closed_at=self.clock.now(),
                operator=by.id,
                totals_json=report.to_json(),
                cash_diff_fen=report.cash_diff_fen,
                report_hash=hashlib.sha256(report.to_json().encode()).hexdigest(),
            )
            self.audit.record("day.closed", by.id, ref=str(day), postings=report.postings)
            job_id = self._receipt(by, report)
        return report, job_id, self._backup()

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

    # -- backup and restore ------------------------------------------------------------
    def backup(self, by: OperatorInfo) -> Path:
        """A consistent copy (SQLite backup API, safe while writing), checked, the last N kept."""
        require(by, "backup.make")
        return self._backup()

    def _backup(self) -> Path:
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        make_private(self.backup_dir)
        target = self.backup_dir / f"station-{self.clock.now():%Y%m%d-%H%M%S}.sqlite3"
        backup_copy(self.db_path, target)
        if not integrity_ok(target):
            target.unlink()
            raise InvalidInput("backup.corrupt", path=str(target))
        for old in sorted(self.backup_dir.glob("station-*.sqlite3"))[: -self.keep or None]:
            old.unlink()
        return target


def integrity_ok(path: Path) -> bool:
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return False


def restore(db_path: Path, source: Path, now: dt.datetime) -> Path:
    """Replace the database with a backup; refuses a corrupt file; keeps the current one aside."""
    if not source.is_file() or not integrity_ok(source):
        raise InvalidInput("backup.corrupt", path=str(source))
    aside = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    if db_path.exists():
        backup_copy(db_path, aside)
    for suffix in ("-wal", "-shm"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, db_path)
    make_private(db_path)
    return aside
