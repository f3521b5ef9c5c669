"""The county's row tables made, or brought up to date, and their lanes (see
`county_rows.lane_table`): one row table per exported table, typed from the export's column
definitions."""

from __future__ import annotations

from collections.abc import Sequence

from peewee import Database, PostgresqlDatabase

from station.services.county_rows import (
    RowTable,
    create_sql,
    pg_defaults_sql,
    pg_key_collation_sql,
    pg_lane_sql,
)
from station.services.export_tables import TABLES


def row_tables() -> list[RowTable]:
    return [RowTable(t.name, tuple((c.name, c.kind) for c in t.columns)) for t in TABLES]


def is_postgres(db: Database) -> bool:
    return isinstance(db, PostgresqlDatabase)


def create_row_tables(db: Database, tables: Sequence[RowTable] | None = None) -> None:
    postgres = is_postgres(db)
    tables = tables or row_tables()
    for table in tables:
        for statement in create_sql(table, postgres):
            db.execute_sql(statement)
    if not postgres:
        return
    keys = _key_columns(db, tables)
    for table in tables:
        found = keys.get(table.table, {})
        # A county made before the row tables took their keys from the load …
        missing = [column for column, (default, _) in found.items() if default is None]
        for statement in pg_defaults_sql(table, missing):
            db.execute_sql(statement)
        if any(collation != "C" for _, collation in found.values()):  # … or compared them byte by byte
            for statement in pg_key_collation_sql(table):
                db.execute_sql(statement)


def _key_columns(db: Database, tables: Sequence[RowTable]) -> dict[str, dict[str, tuple]]:
    """Per row table, its key columns' (default, collation): one query for all of them."""
    rows = db.execute_sql(
        "SELECT table_name, column_name, column_default, collation_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ANY(%s) "
        "AND column_name IN ('station_code', 'export_period')",
        ([t.table for t in tables],),
    ).fetchall()
    found: dict[str, dict[str, tuple]] = {}
    for table, column, default, collation in rows:
        found.setdefault(table, {})[column] = (default, collation)
    return found


def create_lanes(db: Database, lanes: int, tables: Sequence[RowTable] | None = None) -> None:
    """PostgreSQL: lanes 1 … `lanes` - 1 of every row table, for that many loads side by side
    (lane 0 is the row table itself; see `county_rows.lane_table`)."""
    for lane in range(1, lanes):
        for table in tables or row_tables():
            for statement in pg_lane_sql(table, lane):
                db.execute_sql(statement)
