"""The county export: CSV per table (UTF-8 BOM, CRLF, formula-safe), one XLSX workbook and a
manifest with SHA-256 of every file and the ledger hash chain's ends; and its verification."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from importlib import metadata
from pathlib import Path

from peewee import Database, fn

from station.db.models import LedgerEntry, Station
from station.db.oversight_models import ExportRecord
from station.domain.clock import Clock
from station.domain.errors import InvalidInput
from station.domain.hashing import chain_hash
from station.domain.periods import Period, parse_month
from station.domain.spreadsheet import neutralise, restore
from station.file_modes import make_private, make_private_tree
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require
from station.services.export_tables import DATE, DATETIME, MONEY, TABLES, TEXT, Privacy
from station.services.xlsx_stream import XlsxStream

MANIFEST = "manifest.json"
WORKBOOK = "station.xlsx"
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    key: str
    values: dict


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


def _xlsx_text(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == MONEY:
        return f"{Decimal(str(value)):.2f}"
    if kind == DATETIME and isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if kind == DATE and isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


class ExportService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit

    def export(
        self,
        by: OperatorInfo | None,
        period_text: str,
        out_dir: Path,
        *,
        masked: bool = True,
        progress: Progress | None = None,
    ) -> ExportResult:
        """Write the period's files. Unmasked needs a partner or auditor, and its audit record
        is committed, in the transaction that authorises it, before any file is written: if
        that record cannot be written, nothing is."""
        period = parse_month(period_text)
        if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
            raise InvalidInput("export.dir_not_empty", path=str(out_dir))
        with self.db.atomic():
            require(by, "export.masked" if masked else "export.unmasked")
            if not masked:
                self.audit.record("export.unmasked.started", by.id, ref=period.label, out_dir=str(out_dir))
        out_dir.mkdir(parents=True, exist_ok=True)
        make_private(out_dir)
        privacy = Privacy(masked)
        files, counts = {}, {}
        with XlsxStream(out_dir / WORKBOOK) as workbook:
            for done, table in enumerate(TABLES):
                path = out_dir / f"{table.name}.csv"
                header = [name for name, _ in table.columns]
                with path.open("w", encoding="utf-8-sig", newline="") as handle:
                    writer = csv.writer(handle, lineterminator="\r\n")
                    writer.writerow(header)
                    counter = _Counted(writer, table.rows(period, privacy))
                    workbook.add_sheet(table.name, header, [kind for _, kind in table.columns], counter)
                counts[table.name] = counter.count
                files[path.name] = {"sha256": sha256_of(path), "rows": counter.count}
                if progress:
                    progress(done + 1, len(TABLES) + 1)
        files[WORKBOOK] = {"sha256": sha256_of(out_dir / WORKBOOK), "rows": sum(counts.values())}
        manifest = self._manifest(period, masked, files, counts)
        manifest_path = out_dir / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
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
        return ExportResult(out_dir, digest, counts)

    def _manifest(self, period: Period, masked: bool, files: dict, counts: dict) -> dict:
        station = Station.select().first()
        entries = (
            LedgerEntry.select()
            .where((LedgerEntry.business_date >= period.start) & (LedgerEntry.business_date < period.end))
            .order_by(LedgerEntry.id)
        )
        first, last = entries.first(), entries.order_by(LedgerEntry.id.desc()).first()
        opening = _balances(LedgerEntry.business_date < period.start)
        closing = _balances(LedgerEntry.business_date < period.end)
        try:
            version = metadata.version("station")
        except metadata.PackageNotFoundError:
            version = "unknown"
        return {
            "format": 1,
            "station": {"code": station.code if station else "", "name": station.name if station else ""},
            "period": period.label,
            "generated_at": self.clock.now().isoformat(sep=" "),
            "software_version": version,
            "masked": masked,
            "tables": counts,
            "files": files,
            "ledger": {
                "first_prev_hash": first.prev_hash if first else "",
                "last_hash": last.hash if last else "",
                "opening_balances_fen": opening,
                "closing_balances_fen": closing,
            },
        }


class _Counted:
    """Each row once: written to the CSV as it passes on (as text) to the workbook."""

    def __init__(self, writer, rows) -> None:
        self.writer, self.rows, self.count = writer, rows, 0

    def __iter__(self):
        for row in self.rows:
            texts = [neutralise(v) if isinstance(v, str) else str(v) for v in row]
            self.writer.writerow(texts)
            self.count += 1
            yield texts


def _balances(condition) -> dict[str, int]:
    query = (
        LedgerEntry.select(LedgerEntry.account, fn.SUM(LedgerEntry.amount_fen).alias("total"))
        .where(condition)
        .group_by(LedgerEntry.account)
        .order_by(LedgerEntry.account)
    )
    return {row.account: row.total for row in query}


# -- verification (needs no database: the county runs it on the files alone) -------------------


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def verify(out_dir: Path) -> list[Problem]:
    """Everything wrong with an export folder; an empty list means it checks out."""
    manifest_path = out_dir / MANIFEST
    if not manifest_path.is_file():
        return [Problem("verify.no_manifest", {"path": str(out_dir)})]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files = manifest["files"]
    except (ValueError, KeyError) as error:
        return [Problem("verify.bad_manifest", {"detail": str(error)})]
    problems = []
    for name, expected in files.items():
        path = out_dir / name
        if not path.is_file():
            problems.append(Problem("verify.missing_file", {"file": name}))
        elif sha256_of(path) != expected["sha256"]:
            problems.append(Problem("verify.sha_mismatch", {"file": name}))
    tables = {}
    for table in TABLES:
        path = out_dir / f"{table.name}.csv"
        if not path.is_file():
            continue
        rows = read_csv(path)
        header, body = rows[0], rows[1:]
        tables[table.name] = body
        if header != [name for name, _ in table.columns]:
            problems.append(Problem("verify.bad_header", {"file": path.name}))
        if len(body) != files.get(path.name, {}).get("rows", -1):
            problems.append(
                Problem(
                    "verify.row_count",
                    {"file": path.name, "rows": len(body), "expected": files.get(path.name, {}).get("rows")},
                )
            )
    if "ledger" in tables:
        problems += _verify_chain(tables["ledger"], manifest.get("ledger", {}))
    if (out_dir / WORKBOOK).is_file():
        problems += _verify_workbook(out_dir / WORKBOOK, tables)
    return problems


def _verify_chain(rows: list[list[str]], ledger: dict) -> list[Problem]:
    names = [name for name, _ in TABLES[0].columns]
    expected_prev = ledger.get("first_prev_hash", "")
    balances = dict(ledger.get("opening_balances_fen", {}))
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        try:
            row = dict(zip(names, (restore(v) for v in raw)))
            fields = {
                "id": int(row["id"]),
                "txn": int(row["txn"]),
                "at": row["at"],
                "business_date": row["business_date"],
                "operator_id": int(row["operator_id"]) if row["operator_id"] else None,
                "kind": row["kind"],
                "ref": row["ref"],
                "account": row["account"],
                "amount_fen": int(row["amount_fen"]),
                "method": row["method"],
                "memo": row["memo"],
                "reverses_txn": int(row["reverses_txn"]) if row["reverses_txn"] else None,
            }
        except (KeyError, ValueError):
            return [Problem("verify.bad_ledger_row", {"row": number})]
        if row["prev_hash"] != expected_prev:
            return [Problem("verify.chain_link", {"row": number, "id": fields["id"]})]
        if chain_hash(row["prev_hash"], fields) != row["hash"]:
            return [Problem("verify.chain_hash", {"row": number, "id": fields["id"]})]
        expected_prev = row["hash"]
        balances[fields["account"]] = balances.get(fields["account"], 0) + fields["amount_fen"]
    problems = []
    if rows and expected_prev != ledger.get("last_hash"):
        problems.append(Problem("verify.chain_end", {}))
    closing = {k: v for k, v in ledger.get("closing_balances_fen", {}).items() if v}
    if {k: v for k, v in balances.items() if v} != closing:
        problems.append(Problem("verify.balances", {}))
    return problems


def _verify_workbook(path: Path, tables: dict[str, list[list[str]]]) -> list[Problem]:
    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        return [Problem("verify.bad_workbook", {"detail": type(error).__name__})]
    problems = []
    for table in TABLES:
        if table.name not in workbook.sheetnames or table.name not in tables:
            problems.append(Problem("verify.missing_sheet", {"sheet": table.name}))
            continue
        sheet_rows = list(workbook[table.name].iter_rows(min_row=2, values_only=True))
        csv_rows = tables[table.name]
        if len(sheet_rows) != len(csv_rows):
            problems.append(Problem("verify.sheet_rows", {"sheet": table.name}))
            continue
        width = len(table.columns)
        for number, (cells, texts) in enumerate(zip(sheet_rows, csv_rows), start=2):
            cells = tuple(cells) + (None,) * (width - len(cells))  # read-only rows drop trailing blanks
            shown = [_xlsx_text(kind, value) for (_, kind), value in zip(table.columns, cells)]
            shown = [unescape(text) if kind == TEXT else text for (_, kind), text in zip(table.columns, shown)]
            wanted = [restore(t) if kind != "text" else t for (_, kind), t in zip(table.columns, texts)]
            if shown != wanted:
                problems.append(Problem("verify.sheet_cell", {"sheet": table.name, "row": number}))
                break
    workbook.close()
    return problems
