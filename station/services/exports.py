"""The county export: CSV per table (UTF-8 BOM, CRLF, formula-safe), one XLSX workbook and a
manifest (SHA-256 and rows of every file, date ranges, the ledger chain's ends) signed with the
station's Ed25519 key. Verification is in station.services.export_verify."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from peewee import Database

from station.db.migrations import MIGRATIONS
from station.db.models import LedgerEntry, Station
from station.db.oversight_models import ExportRecord
from station.domain.clock import Clock
from station.domain.errors import InvalidInput
from station.domain.hashing import GENESIS
from station.domain.periods import Period, parse_month
from station.domain.spreadsheet import IDEOGRAPH_FIRST, IDEOGRAPH_LAST, SAFE_FIRST, neutralise
from station.file_modes import make_private, make_private_tree
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require
from station.services.export_rows import ledger_balances
from station.services.export_tables import TABLES, Privacy, Table
from station.services.signing import ensure_key
from station.services.xlsx_stream import XlsxStream

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"  # base64 Ed25519 signature of manifest.json's bytes
FORMAT = 2
WORKBOOK = "station.xlsx"
Progress = Callable[[int, int], object]  # what it returns is not used


@dataclass(frozen=True)
class ExportResult:
    out_dir: Path
    manifest_sha256: str
    rows: dict[str, int]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ExportService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, key_dir: Path) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.key_dir = key_dir  # where the station's signing key lives (the data dir)

    def export(
        self,
        by: OperatorInfo | None,
        period_text: str,
        out_dir: Path,
        *,
        masked: bool = True,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Write the period's files; a failure (a full disk) leaves no partial files behind."""
        existed = out_dir.is_dir()
        was_empty = not out_dir.exists() or (existed and not any(out_dir.iterdir()))
        try:
            return self._export(by, period_text, out_dir, masked=masked, progress=progress)
        except BaseException:
            if was_empty and out_dir.is_dir():  # everything in it is ours: remove it all
                shutil.rmtree(out_dir, ignore_errors=True)
                if existed:
                    out_dir.mkdir(exist_ok=True)
            raise

    def _export(
        self,
        by: OperatorInfo | None,
        period_text: str,
        out_dir: Path,
        *,
        masked: bool = True,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Write the period's files and the signed manifest. Unmasked needs a partner or auditor,
        and its audit record is committed, in the transaction that authorises it, before any file
        is written: if that record cannot be written, nothing is. The month is read in one read
        transaction, so a counter working meanwhile (another process) never makes the export
        disagree with itself."""
        period = parse_month(period_text)
        if period.start > self.clock.now().date():  # a month that has not begun has nothing to prove
            raise InvalidInput("export.future_period", period=period.label)
        if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
            raise InvalidInput("export.dir_not_empty", path=str(out_dir))
        with self.db.atomic():
            by = require(by, "export.masked" if masked else "export.unmasked")
            if not masked:
                self.audit.record("export.unmasked.started", by.id, ref=period.label, out_dir=str(out_dir))
        key = ensure_key(self.key_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        make_private(out_dir)
        privacy = Privacy(masked)
        # DEFERRED: a read snapshot that does not take the write lock from the counter meanwhile.
        with self.db.atomic("DEFERRED"):  # one snapshot of the month (SQLite WAL / PostgreSQL read)
            files: dict[str, dict] = {}
            tables: dict[str, dict] = {}
            with XlsxStream(out_dir / WORKBOOK) as workbook:
                for done, table in enumerate(TABLES):
                    path = out_dir / f"{table.name}.csv"
                    with path.open("w", encoding="utf-8-sig", newline="") as handle:
                        writer = csv.writer(handle, lineterminator="\r\n")
                        writer.writerow(table.header)
                        counter = _Counted(writer, table, table.values(period, privacy))
                        workbook.add_sheet(table.name, table.header, table.kinds, counter)
                    tables[table.name] = {"rows": counter.count, "first": counter.first, "last": counter.last}
                    files[path.name] = {"sha256": sha256_of(path), "rows": counter.count}
                    if progress:
                        progress(done + 1, len(TABLES) + 1)
            files[WORKBOOK] = {"sha256": sha256_of(out_dir / WORKBOOK), "rows": sum(t["rows"] for t in tables.values())}
            manifest = self._manifest(period, masked, files, tables, key.public_b64)
        manifest_path = out_dir / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        (out_dir / SIGNATURE).write_text(key.sign(manifest_path.read_bytes()) + "\n", encoding="ascii")
        digest = sha256_of(manifest_path)
        make_private_tree(out_dir)
        with self.db.atomic():
            ExportRecord.create(
                at=self.clock.now(),
                operator=by.id if by else None,
                period=period.label,
                masked=masked,
                out_dir=str(out_dir),
                manifest_sha256=digest,
            )
            self.audit.record(
                "export.unmasked" if not masked else "export",
                by.id if by else None,
                ref=period.label,
                out_dir=str(out_dir),
                manifest_sha256=digest,
            )
        if progress:
            progress(len(TABLES) + 1, len(TABLES) + 1)
        return ExportResult(out_dir, digest, {name: t["rows"] for name, t in tables.items()})

    def _manifest(self, period: Period, masked: bool, files: dict, tables: dict, public_key: str) -> dict:
        station = Station.select().first()
        opening_hash = _last_hash(LedgerEntry.business_date < period.start)
        closing_hash = _last_hash(LedgerEntry.business_date < period.end)
        opening = ledger_balances(LedgerEntry.business_date < period.start)
        # the month's sums added to the opening (not a second sum of the history up to its end)
        month = ledger_balances((LedgerEntry.business_date >= period.start) & (LedgerEntry.business_date < period.end))
        closing = {a: opening.get(a, 0) + month.get(a, 0) for a in sorted(opening.keys() | month.keys())}
        try:
            version = metadata.version("station")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return {
            "format": FORMAT,
            "schema_version": len(MIGRATIONS),
            "station": {"code": station.code if station else "", "name": station.name if station else ""},
            "period": period.label,
            "generated_at": self.clock.now().isoformat(sep=" "),
            "software_version": version,
            "masked": masked,
            "public_key": public_key,
            "tables": tables,
            "files": files,
            "ledger": {
                # the chain's hash before the month's first entry and after its last (equal when
                # the month has none): the county links each month to the one before
                "first_prev_hash": opening_hash,
                "last_hash": closing_hash,
                "opening_balances_fen": opening,
                "closing_balances_fen": closing,
            },
        }


class _Counted:
    """Each row once: to the CSV as formula-safe text, to the workbook as the plain text its
    typed cells need (a workbook text cell is a string, it needs no `'`)."""

    def __init__(self, writer, table: Table, rows) -> None:
        self.writer, self.rows, self.count = writer, rows, 0
        self.dated = [i for i, c in enumerate(table.columns) if c.name in table.dated]
        self.first = self.last = ""

    def __iter__(self):
        write, dated, safe = self.writer.writerow, self.dated, SAFE_FIRST
        low, high = IDEOGRAPH_FIRST, IDEOGRAPH_LAST
        first, last, count = "\uffff", "", 0
        for row in self.rows:
            texts = [v if v.__class__ is str else "" if v is None else str(v) for v in row]
            # Only text is neutralised (a number's "-5" is not). Most rows pass whole on their
            # cells' first characters (ASCII that starts no formula, or an ideograph); a row
            # that does not is written cell by cell (a third of a 100,000-row export's own time
            # once went on calling `neutralise` for every cell).
            for text in texts:
                glance = text[:1]
                if glance not in safe and not low <= glance <= high:
                    write([t if t[:1] in safe or v.__class__ is not str else neutralise(t) for v, t in zip(row, texts)])
                    break
            else:
                write(texts)
            for i in dated:
                day = texts[i][:10]
                if day:
                    if day < first:
                        first = day
                    if day > last:
                        last = day
            count += 1
            yield texts
        self.count = count
        self.first, self.last = (first, last) if last else ("", "")


def _last_hash(condition) -> str:
    row = LedgerEntry.select(LedgerEntry.hash).where(condition).order_by(LedgerEntry.id.desc()).first()
    return row.hash if row else GENESIS


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def verify(out_dir: Path, public_key: str | None = None) -> list:
    """The checks live in station.services.export_verify; kept here for callers of this name."""
    from station.services.export_verify import verify as check

    return check(out_dir, public_key)
