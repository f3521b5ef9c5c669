"""County load at disk speed: every exported row into the county's row tables inside the
caller's transaction — PostgreSQL by COPY into a staging table and one INSERT … SELECT per
table, SQLite by executemany — and verification of many folders in parallel processes.
Memory stays flat in the row count: files are streamed, never read whole."""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from peewee import Database, PostgresqlDatabase

from station.domain.spreadsheet import restore
from station.services.county_rows import (
    FIGURES_SQL,
    RowTable,
    create_sql,
    delete_sql,
    pg_copy_sql,
    pg_insert_sql,
    pg_quoted_sql,
    pg_stage_sql,
    pg_summarize_sql,
    sqlite_insert_sql,
    sqlite_rows,
)
from station.services.export_tables import TABLES

BOM = b"\xef\xbb\xbf"
COPY_BUFFER = 1 << 20


def row_tables() -> list[RowTable]:
    return [RowTable(t.name, tuple((c.name, c.kind) for c in t.columns)) for t in TABLES]


def is_postgres(db: Database) -> bool:
    return isinstance(db, PostgresqlDatabase)


def create_row_tables(db: Database, tables: Sequence[RowTable] | None = None) -> None:
    postgres = is_postgres(db)
    for table in tables or row_tables():
        for statement in create_sql(table, postgres):
            db.execute_sql(statement)


def load_rows(
    db: Database,
    directory: Path,
    code: str,
    period: str,
    tables: Sequence[RowTable] | None = None,
    *,
    replacing: bool = True,
) -> dict[str, int]:
    """Put the folder's rows in for this station+period (first removing what an earlier load
    of it left, when `replacing`); call inside a transaction. Returns the rows loaded per
    table. The folder must have been verified first."""
    postgres = is_postgres(db)
    mark = "%s" if postgres else "?"
    loaded = {}
    for table in tables or row_tables():
        path = directory / f"{table.name}.csv"
        if replacing:
            db.execute_sql(delete_sql(table, mark), (code, period))
        if not path.is_file() or _header_only(path):
            loaded[table.name] = 0
            continue
        loaded[table.name] = (
            _copy_pg(db, table, path, code, period) if postgres else _insert_sqlite(db, table, path, code, period)
        )
    return loaded


def _header_only(path: Path) -> bool:
    """No data rows (most tables of a station's month): nothing to stage."""
    with path.open("rb") as handle:
        first = handle.readline()
        return bool(first) and not handle.read(1)


def _copy_pg(db: Database, table: RowTable, path: Path, code: str, period: str) -> int:
    cursor = db.cursor()
    for statement in pg_stage_sql(table):
        cursor.execute(statement)
    with path.open("rb") as handle:
        if handle.read(len(BOM)) != BOM:
            handle.seek(0)
        cursor.copy_expert(pg_copy_sql(table), handle, size=COPY_BUFFER)
    quoted = pg_quoted_sql(table)
    if quoted:
        cursor.execute(quoted[0])
        fixes = [(*(restore(v) for v in texts), tid) for tid, *texts in cursor.fetchall()]
        if fixes:
            cursor.executemany(quoted[1], fixes)
    cursor.execute(pg_insert_sql(table), (code, period))
    loaded = cursor.rowcount
    # BRIN summarises new pages only when asked: unsummarised ones match every search, so
    # without this each load's figures (and a replacement's delete) would read all rows
    # loaded since, and loading N stations would cost N².
    cursor.execute(pg_summarize_sql(table))
    return loaded


def _insert_sqlite(db: Database, table: RowTable, path: Path, code: str, period: str) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)  # the header (verified already)
        cursor = db.cursor()
        cursor.executemany(sqlite_insert_sql(table), sqlite_rows(table, code, period, reader))
        return cursor.rowcount


def figures(db: Database, code: str, period: str) -> dict[str, int]:
    """The per-station figures of a county load, summed by the database from the loaded rows."""
    mark = "%s" if is_postgres(db) else "?"

    def one(name: str) -> tuple:
        return db.execute_sql(FIGURES_SQL[name].format(p=mark), (code, period)).fetchone()

    parcels, picked_up = one("parcels")
    purchases, purchases_fen = one("purchases")
    sales_fen, commission_fen = one("consignment_sales")
    fees_fen, courier_balance_fen = one("courier_accounts")
    return {
        "parcels": int(parcels),
        "parcels_picked_up": int(picked_up),
        "purchases": int(purchases),
        "purchases_fen": int(purchases_fen),
        "consignment_sales_fen": int(sales_fen),
        "commission_fen": int(commission_fen),
        "cash_diff_fen": int(one("shifts")[0]),
        "complaints_open": int(one("complaints")[0]),
        "parcel_income_fen": int(fees_fen) + int(one("shipments")[0]),
        "courier_balance_fen": int(courier_balance_fen),
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
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(directories, pool.map(_verify, items), strict=True))
