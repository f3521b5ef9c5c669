"""County load at disk speed: every exported row into the county's row tables inside the
caller's transaction — PostgreSQL by COPY of the file itself (straight into the row table
when no column needs converting, else into a staging table and one INSERT … SELECT), SQLite
by executemany — and verification of many folders in parallel processes. Memory stays flat
in the row count: files are streamed, never read whole.

The bytes loaded are hashed as they stream in; when the caller passes the verified manifest's
hashes, a file that changed after it was verified raises `ChangedFile` (the caller's
transaction rolls back: nothing of that export stays)."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from peewee import Database

from station.domain.spreadsheet import restore
from station.services import worker_pool
from station.services.county_rows import (
    DUPLICATE_COUNT,
    FIGURES,
    MISSING_ID_COUNT,
    ROW_SUMS,
    RowTable,
    aggregates_sql,
    delete_sql,
    direct_copy,
    duplicate_id_sql,
    pg_copy_sql,
    pg_direct_copy_sql,
    pg_insert_sql,
    pg_load_keys_sql,
    pg_pin_keys_sql,
    pg_quoted_sql,
    pg_stage_sql,
    pg_summarize_sql,
    pg_unpin_keys_sql,
    sqlite_direct_insert_sql,
    sqlite_fixed,
    sqlite_fixes_sql,
    sqlite_insert_sql,
    sqlite_raw_rows,
    sqlite_rows,
    sum_differs,
)
from station.services.county_schema import is_postgres, row_tables
from station.services.hashed_csv import HashedCsv
from station.services.xlsx_stream import INT

BOM = b"\xef\xbb\xbf"
# What COPY is sent at a time: small enough that the database parses one piece while the next
# is read and hashed (a whole 1 MiB file at once left it waiting: ~7% slower per export).
COPY_BUFFER = 1 << 14


class NotAsVerified(Exception):
    """A verified file the database reads otherwise than verify read it: `key` and `values`
    name it (the export is refused whole; the caller's transaction rolls back)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


class RowCountDiffers(NotAsVerified):
    """A file loaded as another number of rows than verify counted (and the manifest lists)."""

    def __init__(self, file: str, loaded: int, listed: int) -> None:
        super().__init__("county.rows_differ", file=file, loaded=loaded, listed=listed)


class CopyRefused(NotAsVerified):
    """PostgreSQL's COPY refused bytes Python's csv module read (e.g. mixed line endings)."""

    def __init__(self, file: str, detail: str) -> None:
        super().__init__("county.copy_refused", file=file, detail=detail)


class ChangedFile(Exception):
    """A file's bytes, as loaded, are not the ones verified (its SHA-256 differs)."""

    def __init__(self, file: str) -> None:
        super().__init__(file)
        self.file = file


def clear_load(db: Database, tables: Sequence[str], code: str, period: str) -> None:
    """Delete this station+period from each of `tables` (keyed by `station_code`, `period`):
    on PostgreSQL in one round trip."""
    mark = "%s" if is_postgres(db) else "?"
    statements = [f'DELETE FROM "{t}" WHERE station_code = {mark} AND period = {mark}' for t in tables]
    if is_postgres(db):
        db.execute_sql("; ".join(statements), (code, period) * len(statements))
        return
    for statement in statements:
        db.execute_sql(statement, (code, period))


def load_rows(
    db: Database,
    directory: Path,
    code: str,
    period: str,
    tables: Sequence[RowTable] | None = None,
    *,
    replacing: bool = True,
    digests: Mapping[str, str] | None = None,
    counts: Mapping[str, int] | None = None,
    check: bool = True,
    lane: int = 0,
) -> dict[str, int]:
    """Put the folder's rows in for this station+period (first removing what an earlier load
    of it left, when `replacing`); call inside a transaction. Returns the rows loaded per
    table. The folder must have been verified first; `digests` (file name → SHA-256, from the
    verified manifest) makes a file that changed since raise `ChangedFile`; `counts` (file name →
    rows, from the same manifest) makes a file loaded as other rows than verify read raise
    `RowCountDiffers`. Then no id may be twice in a file, no total other than its parts
    (`NotAsVerified`) — unless `check` is False: the caller has `figures` check them (one scan).
    `lane` (PostgreSQL): where the rows go, when other connections load at the same time each in
    a lane of its own (`county_schema.create_lanes`); its tables are locked until this transaction ends."""
    postgres = is_postgres(db)
    mark = "%s" if postgres else "?"
    loaded = {}
    if postgres:
        db.execute_sql(pg_load_keys_sql(), (code, period))
    for table in tables or row_tables():
        path = directory / f"{table.name}.csv"
        if replacing:
            db.execute_sql(delete_sql(table, mark), (code, period))
        if not path.is_file():
            loaded[table.name] = 0
            continue
        expected = (digests or {}).get(path.name)
        if _header_only(path, expected):
            loaded[table.name] = 0
            continue
        if postgres:
            # A replacement's DELETE locked this table in every lane: pinning its own lane's
            # keys (a lock no other goes with) would then deadlock with a replacement beside it.
            loaded[table.name] = _copy_pg(db, table, path, code, period, expected, lane, pin=not replacing)
        else:
            loaded[table.name] = _insert_sqlite(db, table, path, code, period, expected)
    for table_name, rows in loaded.items():
        listed = (counts or {}).get(f"{table_name}.csv")
        if listed is not None and rows != listed:
            raise RowCountDiffers(f"{table_name}.csv", rows, listed)
    if check:
        in_lane = lane if postgres else None
        values = _run_aggregates(db, _checks(tables or row_tables(), loaded), code, period, in_lane)
        _raise_problems(db, tables or row_tables(), values, code, period, in_lane)
    return loaded


def _checks(tables: Sequence[RowTable], loaded: Mapping[str, int]) -> dict[str, list[str]]:
    """Per table with rows (most of a station's tables have none): no id twice in its file, no
    row whose total is not its parts. Aggregates named by what they check."""
    sums = {name: (total, parts) for name, total, parts in ROW_SUMS}
    found: dict[str, list[str]] = {}
    for table in tables:
        rows = loaded.get(table.name, 0)
        if rows and ("id", INT) in table.columns:
            found.setdefault(table.name, []).append(MISSING_ID_COUNT)
        if rows > 1 and ("id", INT) in table.columns:
            found.setdefault(table.name, []).append(DUPLICATE_COUNT)
        if rows and table.name in sums:
            found.setdefault(table.name, []).append(sum_differs(table.name, *sums[table.name]))
    return found


def _run_aggregates(
    db: Database, wanted: Mapping[str, Sequence[str]], code: str, period: str, lane: int | None
) -> dict[tuple[str, str], Any]:
    """Every (table, aggregate) in `wanted`, in one statement with one scan per table (of the
    rows in `lane`, on PostgreSQL)."""
    if not wanted:
        return {}
    mark = "%s" if is_postgres(db) else "?"
    tables = list(wanted.items())
    row = db.execute_sql(aggregates_sql(tables, lane).format(p=mark), (code, period) * len(tables)).fetchone()
    keys = [(name, agg) for name, aggs in tables for agg in aggs]
    return dict(zip(keys, row, strict=True))


def _raise_problems(
    db: Database,
    tables: Sequence[RowTable],
    values: Mapping[tuple[str, str], Any],
    code: str,
    period: str,
    lane: int | None,
) -> None:
    """As the checks always ran: every file's ids first, then the row sums, in table order."""
    mark = "%s" if is_postgres(db) else "?"
    for table in tables:
        if values.get((table.name, MISSING_ID_COUNT)):
            raise NotAsVerified("county.missing_id", file=f"{table.name}.csv")
    for table in tables:
        if values.get((table.name, DUPLICATE_COUNT)):
            row_id = db.execute_sql(duplicate_id_sql(table, lane).format(p=mark), (code, period)).fetchone()[0]
            raise NotAsVerified("county.duplicate_id", file=f"{table.name}.csv", id=row_id)
    for name, total, parts in ROW_SUMS:
        row_id = values.get((name, sum_differs(name, total, parts)))
        if row_id is not None:
            column = total.removesuffix("_fen") + "_yuan"  # as the CSV names it
            raise NotAsVerified("county.total_differs", file=f"{name}.csv", id=row_id, column=column)


def _header_only(path: Path, expected: str | None) -> bool:
    """No data rows (most tables of a station's month): nothing to stage. Judged on the bytes
    that are hashed, read once (a header-only file other than the verified one: ChangedFile),
    parsed as verify parses them (rows may end in CR alone, a quoted cell may hold a newline)."""
    with path.open("rb") as handle:
        data = handle.read(1 << 16)
        if handle.read(1):
            return False
    try:
        records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return False
    if not data or len(records) > 1:
        return False
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise ChangedFile(path.name)
    return True


class _Streamed:
    """The file as COPY reads it: every byte hashed (the BOM too, as verify hashed it), the
    BOM itself not passed on, and noted whether any `'` went by (else no cell needs `restore`)."""

    def __init__(self, handle) -> None:
        self.handle, self.digest, self.quote, self.started = handle, hashlib.sha256(), False, False

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.quote = self.quote or b"'" in data
        if not self.started:
            self.started = True
            if data.startswith(BOM):
                return data[len(BOM) :] or self.read(size)
        return data

    def check(self, expected: str | None, file: str) -> None:
        if expected is not None and self.digest.hexdigest() != expected:
            raise ChangedFile(file)


def _copy_pg(
    db: Database,
    table: RowTable,
    path: Path,
    code: str,
    period: str,
    expected: str | None,
    lane: int = 0,
    *,
    pin: bool = True,
) -> int:
    """`pin`: COPY straight in takes the keys as constants (`pg_pin_keys_sql`), else each row
    takes them from the load's settings."""
    cursor = db.cursor()
    direct = direct_copy(table)
    pin = pin and direct
    if pin:
        cursor.execute(pg_pin_keys_sql(table, lane), (code, period))
    else:
        for statement in pg_stage_sql(table):
            cursor.execute(statement)
    from psycopg2 import DataError  # only on PostgreSQL (the `postgres` extra)

    with path.open("rb") as handle:
        streamed = _Streamed(handle)
        try:
            copy = pg_direct_copy_sql(table, lane) if direct else pg_copy_sql(table)
            cursor.copy_expert(copy, streamed, size=COPY_BUFFER)
        except DataError as error:  # the transaction is aborted: the caller rolls it back
            detail = (error.diag.message_primary or "") + (f" ({error.diag.context})" if error.diag.context else "")
            raise CopyRefused(path.name, detail.strip()[:200]) from None
    streamed.check(expected, path.name)
    loaded = cursor.rowcount
    quoted = pg_quoted_sql(table, direct, lane) if streamed.quote else None
    if quoted:  # a text cell may carry the export's `'` guard: put back what `restore` makes of it
        cursor.execute(quoted[0], (code, period) if direct else None)
        fixes = [(*(restore(v) for v in texts), tid) for tid, *texts in cursor.fetchall()]
        if fixes:
            cursor.executemany(quoted[1], fixes)
    if not direct:
        cursor.execute(pg_insert_sql(table, lane), (code, period))
        loaded = cursor.rowcount
    # BRIN summarises new pages only when asked: unsummarised ones match every search, so
    # without this each load's figures (and a replacement's delete) would read all rows
    # loaded since, and loading N stations would cost N². One round trip: the lane's resting
    # key defaults back, and its new pages summarised.
    cursor.execute((pg_unpin_keys_sql(table, lane) + "; " if pin else "") + pg_summarize_sql(table, lane))
    return loaded


def _insert_sqlite(db: Database, table: RowTable, path: Path, code: str, period: str, expected: str | None) -> int:
    direct = direct_copy(table)  # no money: SQLite types the cells itself
    reading = HashedCsv(path)
    with reading as reader:
        next(reader, None)  # the header (verified already)
        cursor = db.cursor()
        if direct:
            cursor.executemany(sqlite_direct_insert_sql(table), sqlite_raw_rows(table, code, period, reader))
        else:
            cursor.executemany(sqlite_insert_sql(table), sqlite_rows(table, code, period, reader))
        if expected is not None and reading.sha256() != expected:
            raise ChangedFile(path.name)
        loaded = cursor.rowcount
    fixes = sqlite_fixes_sql(table) if direct else None
    if fixes:
        found = sqlite_fixed(table, cursor.execute(fixes[0], (code, period)).fetchall())
        if found:
            cursor.executemany(fixes[1], found)
    return loaded


def figures(
    db: Database, code: str, period: str, *, check: Mapping[str, int] | None = None, lane: int = 0
) -> dict[str, int]:
    """The per-station figures of a county load, summed by the database from the loaded rows
    (one statement, one scan per table). With `check` (rows loaded per table, as `load_rows`
    returned them with `check=False`), the same statement and scans check those rows as
    `load_rows` would, raising `NotAsVerified`. On PostgreSQL, of the rows in `lane` (the one
    `load_rows` put them in)."""
    in_lane = lane if is_postgres(db) else None
    tables = row_tables()
    # A table the load put no rows in sums to nothing: not asked (most of a station's tables).
    empty = {name for name, rows in check.items() if not rows} if check is not None else set()
    wanted = {name: list(aggs) for name, aggs in FIGURES.items() if name not in empty}
    for name, aggs in _checks(tables, check or {}).items():
        wanted.setdefault(name, []).extend(aggs)
    got = _run_aggregates(db, wanted, code, period, in_lane)
    _raise_problems(db, tables, got, code, period, in_lane)
    values = {name: [0 if name in empty else int(got[(name, agg)]) for agg in aggs] for name, aggs in FIGURES.items()}
    parcels, picked_up = values["parcels"]
    purchases, purchases_fen = values["purchases"]
    sales_fen, commission_fen = values["consignment_sales"]
    fees_fen, courier_balance_fen = values["courier_accounts"]
    return {
        "parcels": parcels,
        "parcels_picked_up": picked_up,
        "purchases": purchases,
        "purchases_fen": purchases_fen,
        "consignment_sales_fen": sales_fen,
        "commission_fen": commission_fen,
        "cash_diff_fen": values["shifts"][0],
        "complaints_open": values["complaints"][0],
        "parcel_income_fen": fees_fen + values["shipments"][0],
        "courier_balance_fen": courier_balance_fen,
    }


def default_jobs() -> int:
    return os.cpu_count() or 1


def _verify(item: tuple[Path, str | None]) -> list:
    from station.services.export_verify import verify

    return verify(*item)


def verify_many(
    directories: Sequence[Path], jobs: int | None = None, keys: Mapping[Path, str | None] | None = None
) -> dict[Path, list]:
    """The export verification of every folder (against `keys[folder]`, its station's enrolled
    public key, when given), in `jobs` processes at once (default: the core count)."""
    items = [(d, (keys or {}).get(d)) for d in directories]
    jobs = max(1, min(jobs or default_jobs(), len(items)))
    if jobs == 1:
        return {d: _verify((d, key)) for d, key in items}
    with worker_pool.processes(jobs) as pool:
        return dict(zip(directories, pool.map(_verify, items), strict=True))
