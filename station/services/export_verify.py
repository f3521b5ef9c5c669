"""`station verify`: is this export folder exactly what the station signed? Needs no database —
the county runs it on the files alone. Every problem is named (file, row, column); a damaged
or hostile folder never ends in a traceback.

The checks are plain functions over the manifest and over rows, so a faster reader can feed
them: `check_manifest`, `check_files`, `RowCheck` (one table, row by row), `ChainCheck` (the
ledger, row by row), `check_workbook`.
"""

from __future__ import annotations

import binascii
import csv
import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha256
from itertools import count as count_from
from itertools import islice
from pathlib import Path

from station.domain.errors import InvalidInput
from station.domain.money import fen_to_yuan_text
from station.domain.periods import parse_month
from station.domain.spreadsheet import restore
from station.services.export_tables import DATETIME, INT, MONEY, TABLES, TEXT, Period, Table
from station.services.exports import FORMAT, MANIFEST, SIGNATURE, WORKBOOK, sha256_of
from station.services.hashed_csv import HashedCsv
from station.services.integrity import canonical_row
from station.services.signing import fingerprint, signature_ok
from station.services.verify_columns import DATE_TEXT, DATETIME_TEXT, INT_TEXT, MONEY_TEXT, FastRows
from station.services.xlsx_check import check_workbook_structure

_HASH = re.compile(r"[0-9a-f]{64}").fullmatch
BLOCK = 2048  # rows checked at once by the fast path
EXPECTED_FILES = frozenset({f"{t.name}.csv" for t in TABLES} | {WORKBOOK})


@dataclass(frozen=True)
class Problem:
    key: str
    values: dict


@dataclass(frozen=True)
class Manifest:
    """The parts of a manifest the checks rely on, already type-checked."""

    raw: dict
    code: str
    name: str
    period: Period
    public_key: str
    files: dict[str, dict]
    first_prev_hash: str
    last_hash: str
    data: bytes = b""  # the bytes this was parsed from: the signature is checked over these

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


class BadExport(InvalidInput):
    """An export folder that does not check out; `problems` says why."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        super().__init__("county.not_verified", path=str(path), n=len(problems))
        self.problems = problems


def read_manifest(out_dir: Path) -> tuple[Manifest | None, list[Problem]]:
    path = out_dir / MANIFEST
    if not out_dir.is_dir():
        return None, [Problem("verify.no_dir", {"path": str(out_dir)})]
    if not path.is_file():
        return None, [Problem("verify.no_manifest", {"path": str(out_dir)})]
    try:
        data = path.read_bytes()
        raw = json.loads(data.decode("utf-8"))
    except (ValueError, OSError, RecursionError) as error:  # RecursionError: "[[[[…" nested too deep
        return None, [Problem("verify.bad_manifest", {"detail": type(error).__name__})]
    manifest, problems = check_manifest(raw)
    # read once: a manifest.json swapped while the CSVs are checked cannot lend its signature
    return (dataclasses.replace(manifest, data=data) if manifest else None), problems


def check_manifest(raw) -> tuple[Manifest | None, list[Problem]]:
    """The manifest's shape: every field the checks need, of the right type."""

    def bad(detail: str):
        return None, [Problem("verify.bad_manifest", {"detail": detail})]

    if not isinstance(raw, dict):
        return bad("{}")
    if raw.get("format") != FORMAT:
        return bad(f"format {raw.get('format')!r}")
    station, ledger, files = raw.get("station"), raw.get("ledger"), raw.get("files")
    if not isinstance(station, dict) or not isinstance(station.get("code"), str) or not station["code"]:
        return bad("station.code")
    if not isinstance(raw.get("public_key"), str):
        return bad("public_key")
    try:
        period = parse_month(str(raw.get("period")))
    except InvalidInput:
        return bad("period")
    if not isinstance(ledger, dict) or not all(
        isinstance(ledger.get(k), str) and _HASH(ledger[k]) for k in ("first_prev_hash", "last_hash")
    ):
        return bad("ledger")
    for k in ("opening_balances_fen", "closing_balances_fen"):
        value = ledger.get(k)
        if not isinstance(value, dict) or not all(type(v) is int for v in value.values()):
            return bad(f"ledger.{k}")
    if not isinstance(files, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("sha256"), str) and type(v.get("rows")) is int for v in files.values()
    ):
        return bad("files")
    return (
        Manifest(
            raw,
            station["code"],
            str(station.get("name", "")),
            period,
            raw["public_key"],
            files,
            ledger["first_prev_hash"],
            ledger["last_hash"],
        ),
        [],
    )


def check_signature(out_dir: Path, manifest: Manifest, expected_key: str | None) -> list[Problem]:
    path = out_dir / SIGNATURE
    if not path.is_file():
        return [Problem("verify.no_signature", {"file": SIGNATURE})]
    try:
        signature = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError, binascii.Error):
        return [Problem("verify.bad_signature", {})]
    if not signature_ok(manifest.public_key, signature, manifest.data or (out_dir / MANIFEST).read_bytes()):
        return [Problem("verify.bad_signature", {})]
    if expected_key is not None and expected_key.strip() != manifest.public_key:
        return [Problem("verify.key_mismatch", {"expected": fingerprint(expected_key), "found": manifest.fingerprint})]
    return []


def check_files(out_dir: Path, manifest: Manifest, digests: dict[str, str] | None = None) -> list[Problem]:
    """Exactly the expected files, each listed, present and with its listed SHA-256 (`digests`:
    the ones already computed while the CSVs were read)."""
    digests = digests or {}
    problems = []
    present = {p.name for p in out_dir.iterdir()} - {MANIFEST, SIGNATURE}
    for name in sorted(present - set(manifest.files)):
        problems.append(Problem("verify.unlisted_file", {"file": name}))
    for name in sorted(set(manifest.files) - EXPECTED_FILES):
        problems.append(Problem("verify.unknown_file", {"file": name}))
    for name in sorted(EXPECTED_FILES):
        if name not in manifest.files or not (out_dir / name).is_file():
            problems.append(Problem("verify.missing_file", {"file": name}))
        elif (digests.get(name) or sha256_of(out_dir / name)) != manifest.files[name]["sha256"]:
            problems.append(Problem("verify.sha_mismatch", {"file": name}))
    return problems


def cell_ok(kind: str, text: str) -> bool:
    if text == "" or kind == TEXT:
        return True
    if kind == INT:
        return bool(INT_TEXT(text))
    if kind == MONEY:
        return bool(MONEY_TEXT(text))
    if not (DATETIME_TEXT if kind == DATETIME else DATE_TEXT)(text):
        return False
    try:
        (dt.datetime if kind == DATETIME else dt.date).fromisoformat(text)
    except ValueError:
        return False
    return True


class RowCheck:
    """One table's CSV rows: width, each cell its column's type, and dated rows in the period."""

    def __init__(self, table: Table, period: Period) -> None:
        self.table, self.period, self.file = table, period, f"{table.name}.csv"
        self.width = len(table.columns)
        self.dated = [i for i, c in enumerate(table.columns) if c.name in table.dated]
        self.first, self.last = period.start.isoformat(), (period.end - dt.timedelta(days=1)).isoformat()

    def header(self, header: list[str]) -> Problem | None:
        return None if header == self.table.header else Problem("verify.bad_header", {"file": self.file})

    def row(self, number: int, raw: list[str]) -> Problem | None:
        if len(raw) != self.width:
            return Problem("verify.bad_row", {"file": self.file, "row": number})
        for column, text in zip(self.table.columns, raw, strict=True):
            if column.kind != TEXT and not cell_ok(column.kind, restore(text)):
                return Problem("verify.bad_cell", {"file": self.file, "row": number, "column": column.name})
        if self.dated and not any(self.first <= raw[i][:10] <= self.last for i in self.dated if raw[i]):
            return Problem("verify.out_of_period", {"file": self.file, "row": number, "period": self.period.label})
        return None


LEDGER_INTS = ("id", "txn", "operator_id", "amount_fen", "reverses_txn")


class ChainCheck:
    """The ledger's rows in order: each links to the one before and hashes to itself, from the
    manifest's opening hash to its closing hash; balances carried from opening to closing."""

    def __init__(self, manifest: Manifest) -> None:
        ledger = manifest.raw["ledger"]
        self.expected_prev, self.last = manifest.first_prev_hash, manifest.last_hash
        self.balances = dict(ledger["opening_balances_fen"])
        self.closing = ledger["closing_balances_fen"]
        self.names = TABLES[0].header
        self.broken = False

    def row(self, number: int, raw: list[str]) -> Problem | None:
        if self.broken:
            return None
        # `restore` only ever changes a cell that starts with its quote: most are passed as read
        cells = [restore(v) if v[:1] == "'" else v for v in raw]
        entry_id, txn, at, day, operator, kind, ref, account, amount, method, memo, reverses = cells[:12]
        prev_hash, stored_hash, amount_yuan, balance_yuan = cells[12:16]
        if not (entry_id and txn and amount):
            self.broken = True
            return Problem("verify.bad_ledger_row", {"row": number})
        # The row as the station hashed it (the CSV's first twelve columns are the journal's
        # own, in its order): `canonical_row` writes the same JSON as `chain_hash` would.
        number_id, fen = int(entry_id), int(amount)
        operator_id, reverses_txn = int(operator) if operator else None, int(reverses) if reverses else None
        entry = (number_id, int(txn), at, day, operator_id, kind, ref, account, fen, method, memo, reverses_txn)
        if prev_hash != self.expected_prev:
            self.broken = True
            return Problem("verify.chain_link", {"row": number, "id": number_id})
        if sha256((prev_hash + canonical_row(entry)).encode("utf-8")).hexdigest() != stored_hash:
            self.broken = True
            return Problem("verify.chain_hash", {"row": number, "id": number_id})
        self.expected_prev = stored_hash
        balance = self.balances[account] = self.balances.get(account, 0) + fen
        # The yuan a person reads are not hashed: they must say what the hashed fen and the
        # manifest's opening say (else opening and closing could be moved together unseen).
        if (amount_yuan, balance_yuan) != (fen_to_yuan_text(fen), fen_to_yuan_text(balance)):
            self.broken = True
            return Problem("verify.ledger_yuan", {"row": number, "id": number_id})
        return None

    def finish(self) -> list[Problem]:
        if self.broken:
            return []
        problems = []
        if self.expected_prev != self.last:
            problems.append(Problem("verify.chain_end", {}))
        if {k: v for k, v in self.balances.items() if v} != {k: v for k, v in self.closing.items() if v}:
            problems.append(Problem("verify.balances", {}))
        return problems


def read_rows(path: Path) -> Iterator[list[str]]:
    """CSV rows (UTF-8 with BOM); decoding and CSV errors surface as BadCsv."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.reader(handle)
    except (UnicodeDecodeError, csv.Error) as error:
        raise BadCsv(type(error).__name__) from None


class BadCsv(Exception):
    pass


def check_table(
    out_dir: Path, table: Table, manifest: Manifest, chain: ChainCheck | None, seen: dict | None = None
) -> list[Problem]:
    """One pass over the CSV: its rows checked and its bytes hashed (`seen[file]` gets the
    SHA-256 and `seen[name]` the row count, for check_files and the workbook)."""
    check, fast = RowCheck(table, manifest.period), FastRows(table, manifest.period)
    count = 0
    problems: list[Problem] = []
    reading = HashedCsv(out_dir / check.file)
    try:
        with reading as rows:
            header = next(rows, None)
            if header is None or check.header(header):
                return [Problem("verify.bad_header", {"file": check.file})]
            while block := list(islice(rows, BLOCK)):
                number, count = count + 2, count + len(block)  # row 1 is the header
                if problems:
                    continue  # one named problem per file is enough; keep counting
                if fast.passes(block):  # then only the chain is checked row by row
                    problem = next(filter(None, map(chain.row, count_from(number), block)), None) if chain else None
                else:
                    problem = _first_problem(check, chain, number, block)
                if problem:
                    problems.append(problem)
            if seen is not None:
                seen[check.file], seen[table.name] = reading.sha256(), count
    except (UnicodeDecodeError, csv.Error) as error:
        return [Problem("verify.bad_csv", {"file": check.file, "detail": type(error).__name__})]
    expected = manifest.files.get(check.file, {}).get("rows")
    if count != expected:
        problems.append(Problem("verify.row_count", {"file": check.file, "rows": count, "expected": expected}))
    if chain and not problems:
        problems += chain.finish()
    return problems


def _first_problem(check: RowCheck, chain: ChainCheck | None, number: int, block: list) -> Problem | None:
    """The exact checks, row by row: the first problem of the block, named."""
    for n, raw in enumerate(block, start=number):
        problem = check.row(n, raw) or (chain.row(n, raw) if chain else None)
        if problem:
            return problem
    return None


def verify(out_dir: Path, public_key: str | None = None, *, deep: bool = False) -> list[Problem]:
    return verify_export(out_dir, public_key, deep=deep)[1]


def verify_export(
    out_dir: Path, public_key: str | None = None, *, deep: bool = False
) -> tuple[Manifest | None, list[Problem]]:
    """Everything wrong with an export folder; an empty list means it checks out. With
    `public_key` (the enrolled one) the manifest must also be signed by that key.

    Each CSV is read once, hashed as it is parsed; the workbook, whose SHA-256 the signed
    manifest holds, is checked by structure — memory flat in the row count. `deep` (and a
    workbook whose hash differs, to name the row) compares every workbook cell with the CSV."""
    manifest, problems = read_manifest(out_dir)
    if manifest is None:
        return None, problems
    return manifest, _problems(out_dir, manifest, public_key, deep)


def _problems(out_dir: Path, manifest: Manifest, public_key: str | None, deep: bool) -> list[Problem]:
    seen: dict = {}
    table_problems = []
    for table in TABLES:
        if (out_dir / f"{table.name}.csv").is_file():
            chain = ChainCheck(manifest) if table.name == "ledger" else None
            table_problems += check_table(out_dir, table, manifest, chain, seen)
    problems = check_signature(out_dir, manifest, public_key) + check_files(out_dir, manifest, seen)
    missing = {p.values["file"] for p in problems if p.key == "verify.missing_file"}
    problems += [p for p in table_problems if p.values.get("file") not in missing]
    tampered = any(p.key == "verify.sha_mismatch" and p.values["file"] == WORKBOOK for p in problems)
    if WORKBOOK in missing:
        return problems
    if deep or tampered:  # read every cell back, to name the sheet and row that differ
        from station.services.workbook_cells import check_workbook

        return problems + check_workbook(out_dir / WORKBOOK, out_dir, missing)
    return problems + check_workbook_by_structure(out_dir / WORKBOOK, missing, seen)


def check_workbook_by_structure(path: Path, missing: set[str], seen: dict) -> list[Problem]:
    """The workbook's bytes are the ones the signed manifest hashes: its sheets, their headers
    and row counts are checked streamed (station.services.xlsx_check), no cell read twice."""
    expected = {t.name: (t.header, seen.get(t.name)) for t in TABLES if f"{t.name}.csv" not in missing}
    found = check_workbook_structure(path, expected, allowed=[t.name for t in TABLES])
    return [Problem(key, values) for key, values in found]
