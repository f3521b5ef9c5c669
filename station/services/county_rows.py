"""The county's row tables: every exported table's rows, one county table each
(`county_rows_<table>`), typed from the export's column definitions, keyed by
(`station_code`, `export_period`). The SQL for PostgreSQL (COPY into a staging table, then
one INSERT … SELECT) and for SQLite (executemany) is generated from the column kinds; no
caller's text goes in it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from station.domain.spreadsheet import restore
from station.services.xlsx_stream import DATE, DATETIME, INT, MONEY, TEXT

PREFIX = "county_rows_"
KEYS = "station_code, export_period"
WHERE_KEYS = "WHERE station_code = {p} AND export_period = {p}"


@dataclass(frozen=True)
class RowTable:
    """One exported table as the county stores it: `columns` are (exported name, kind)."""

    name: str
    columns: tuple[tuple[str, str], ...]

    @property
    def table(self) -> str:
        return PREFIX + self.name

    @property
    def stored(self) -> list[str]:
        """Column names in the county: money is kept as integer fen (`total_yuan` → `total_fen`,
        or `amount_yuan_fen` where the table already exports an `amount_fen`)."""
        exported = {name for name, _ in self.columns}
        stored = []
        for name, kind in self.columns:
            if kind == MONEY:
                fen = name.removesuffix("_yuan") + "_fen"
                name = name + "_fen" if fen in exported else fen
            stored.append(name)
        return stored


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_PG_TYPES = {INT: "BIGINT", MONEY: "BIGINT", DATE: "DATE", DATETIME: "TIMESTAMP", TEXT: "TEXT"}
_SQLITE_TYPES = {INT: "INTEGER", MONEY: "INTEGER", DATE: "TEXT", DATETIME: "TEXT", TEXT: "TEXT"}

# What the county's reports ask of the SQLite row tables, beyond (station_code, export_period).
EXTRA_INDEXES = {"parcels": ("export_period", "status"), "purchases": ("export_period", "status")}


# PostgreSQL: a load sets these for its transaction (`pg_load_keys_sql`), and the row tables
# take their keys from them, so COPY can fill a row table straight from the exported file.
LOAD_KEYS = {"station_code": "county.station_code", "export_period": "county.export_period"}


# The keys compare byte by byte on PostgreSQL: the database's own collation (say C.UTF-8, or
# zh_CN) goes through the C library for every comparison, and keeping up and searching the
# BRIN index by the keys is most of what they cost. Measured: COPY of a 10,000-row export 15%
# faster, its BRIN summary and its figures 20% faster. Codes and months are ASCII: the order
# is the same.
KEY_COLLATION = 'COLLATE "C"'


def pg_key_collation_sql(table: RowTable) -> list[str]:
    """For a row table made before its keys compared byte by byte (its lanes follow it; its
    BRIN index is rebuilt)."""
    return [f"ALTER TABLE {table.table} " + ", ".join(f"ALTER COLUMN {c} TYPE TEXT {KEY_COLLATION}" for c in LOAD_KEYS)]


def _pg_default(column: str) -> str:
    return f"DEFAULT current_setting('{LOAD_KEYS[column]}')"


def create_sql(table: RowTable, postgres: bool) -> list[str]:
    types = _PG_TYPES if postgres else _SQLITE_TYPES
    columns = ", ".join(f"{_q(n)} {types[k]}" for n, (_, k) in zip(table.stored, table.columns, strict=True))
    code, period = (f" {_pg_default(k)}" for k in LOAD_KEYS) if postgres else ("", "")
    key_type = f"TEXT {KEY_COLLATION}" if postgres else "TEXT"
    statements = [
        f"CREATE TABLE IF NOT EXISTS {table.table} "
        f"(station_code {key_type} NOT NULL{code}, export_period {key_type} NOT NULL{period}, {columns})",
    ]
    if postgres:
        # An export's rows arrive together, so block ranges map to one station-month: a BRIN
        # index finds them (to replace, to report) and costs next to nothing to keep up on COPY.
        # Small ranges (16 pages, 128 KiB): a station's search reads little of its neighbours'.
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {table.table}_period_station ON {table.table} "
            "USING brin (export_period, station_code) WITH (pages_per_range = 16)"
        )
        return statements
    statements.append(f"CREATE INDEX IF NOT EXISTS {table.table}_station_period ON {table.table} ({KEYS})")
    extra = EXTRA_INDEXES.get(table.name)
    if extra and all(c in [*table.stored, "export_period"] for c in extra):
        statements.append(
            f"CREATE INDEX IF NOT EXISTS {table.table}_{'_'.join(extra)} ON {table.table} ({', '.join(extra)})"
        )
    return statements


# PostgreSQL: loads side by side (`county load --jobs N`) each put their rows in their own
# "lane": lane 0 is the row table itself, lane n its child table `…_lane<n>` (INHERITS: every
# query of the row table reads its lanes too). A load fixes its keys as constants on its own
# lane (`pg_pin_keys_sql` locks that table until commit), keeps up its own lane's BRIN index,
# and checks its rows in its own lane, so no load waits for another: had they shared one
# table, each would compute its keys per row and queue for the others' locks.


def lane_table(table: RowTable, lane: int) -> str:
    return _lane_of(table.table, lane)


def _lane_of(row_table: str, lane: int) -> str:
    return row_table if lane == 0 else f"{row_table}_lane{lane}"


def lane_source(name: str, lane: int | None) -> str:
    """What a query of one load's rows of the exported table `name` reads: its lane alone
    (PostgreSQL: ONLY, or the row table would bring its lanes), or the row table (SQLite:
    `lane` None)."""
    return PREFIX + name if lane is None else f"ONLY {_lane_of(PREFIX + name, lane)}"


def pg_lane_sql(table: RowTable, lane: int) -> list[str]:
    """Lane `lane` (≥ 1) of a row table: its columns and key defaults taken from the row table."""
    child = lane_table(table, lane)
    return [
        f"CREATE TABLE IF NOT EXISTS {child} () INHERITS ({table.table})",
        f"CREATE INDEX IF NOT EXISTS {child}_period_station ON {child} "
        "USING brin (export_period, station_code) WITH (pages_per_range = 16)",
    ]


def delete_sql(table: RowTable, placeholder: str) -> str:
    return f"DELETE FROM {table.table} " + WHERE_KEYS.format(p=placeholder)


# -- PostgreSQL: COPY the CSV into a typed staging table (COPY parses numbers and dates; an
# -- empty cell is NULL, an empty text ''), then one INSERT … SELECT: money to fen, text restored


def stage_name(table: RowTable) -> str:
    return "stage_" + table.name


_PG_STAGE_TYPES = {INT: "BIGINT", MONEY: "NUMERIC", DATE: "DATE", DATETIME: "TIMESTAMP", TEXT: "TEXT"}


def pg_stage_sql(table: RowTable) -> list[str]:
    columns = ", ".join(f"{_q(name)} {_PG_STAGE_TYPES[kind]}" for name, kind in table.columns)
    # Emptied by every commit, so it is created once per connection and never truncated.
    return [f"CREATE TEMP TABLE IF NOT EXISTS {stage_name(table)} ({columns}) ON COMMIT DELETE ROWS"]


def pg_copy_sql(table: RowTable) -> str:
    columns = ", ".join(_q(name) for name, _ in table.columns)
    texts = ", ".join(_q(name) for name, kind in table.columns if kind == TEXT)
    keep_empty = f", FORCE_NOT_NULL ({texts})" if texts else ""
    return (
        f"COPY {stage_name(table)} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'UTF8'{keep_empty})"
    )


def _pg_cast(name: str, kind: str) -> str:
    c = _q(name)
    if kind == MONEY:
        return f"round({c} * 100)::bigint"
    return c


def pg_defaults_sql(table: RowTable, columns: Sequence[str]) -> list[str]:
    """For a row table made before its keys had defaults."""
    return [f"ALTER TABLE {table.table} ALTER COLUMN {c} SET {_pg_default(c)}" for c in columns]


def pg_load_keys_sql() -> str:
    """`%s, %s`: the station code and period of the rows this transaction loads. And: find
    them by the BRIN index, never by reading the whole table. Rows just copied in have no
    statistics yet, so the planner would scan every station's rows to count one station's:
    loading N stations would cost N². And no parallel workers: the rows of one export are few
    (a worker costs more to start than it saves), and the cores are better left to COPY. And no
    JIT: with sequential scans priced out, the one scan a staged table has (`pg_insert_sql`)
    looks costly enough to compile, and compiling took 100–350 ms per money table per export —
    more than loading it."""
    keys = ", ".join(f"set_config('{key}', %s, true)" for key in LOAD_KEYS.values())
    return (
        f"SELECT {keys}, set_config('enable_seqscan', 'off', true), "
        "set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
    )


def pg_pin_keys_sql(table: RowTable, lane: int = 0) -> str:
    """`%s, %s`: the station code and period, made the row table's key defaults for the rest
    of this transaction (the ALTER locks the table until commit): COPY then takes one constant
    per row instead of calling `current_setting` twice per row — about a quarter of a 10,000-row
    COPY. Rolled back with the transaction; `pg_unpin_keys_sql` puts the resting defaults back
    before commit, so a stray INSERT outside a load still fails instead of taking these keys."""
    pins = ", ".join(f"ALTER COLUMN {c} SET DEFAULT %s" for c in LOAD_KEYS)
    return f"ALTER TABLE ONLY {lane_table(table, lane)} {pins}"  # ONLY: the row table's lanes are others' to pin


def pg_unpin_keys_sql(table: RowTable, lane: int = 0) -> str:
    resting = ", ".join(f"ALTER COLUMN {c} SET {_pg_default(c)}" for c in LOAD_KEYS)
    return f"ALTER TABLE ONLY {lane_table(table, lane)} {resting}"


def direct_copy(table: RowTable) -> bool:
    """COPY can fill the row table itself: no money column (yuan in the file, fen in the county)."""
    return all(kind != MONEY for _, kind in table.columns)


def pg_direct_copy_sql(table: RowTable, lane: int = 0) -> str:
    return pg_copy_sql(table).replace(f"COPY {stage_name(table)} ", f"COPY {lane_table(table, lane)} ", 1)


def pg_quoted_sql(table: RowTable, direct: bool = False, lane: int = 0) -> tuple[str, str] | None:
    """The loaded rows with a text cell starting with ' (the export's mark on formula-like
    text: rare) — in the staging table, or (`direct`: `%s, %s` are the station code and
    period) in the row table — and the update that puts back what `restore` makes of them:
    the one Python `restore` decides, so the county keeps exactly what the station had."""
    texts = [name for name, kind in table.columns if kind == TEXT]
    if not texts:
        return None
    target = lane_source(table.name, lane) if direct else stage_name(table)  # ONLY: a ctid names a row in one table
    where = " OR ".join(f"starts_with({_q(n)}, '''')" for n in texts)
    if direct:
        where = "station_code = %s AND export_period = %s AND (" + where + ")"
    select = f"SELECT ctid::text, {', '.join(_q(n) for n in texts)} FROM {target} WHERE {where}"
    assignments = ", ".join(f"{_q(n)} = %s" for n in texts)
    return select, f"UPDATE {target} SET {assignments} WHERE ctid = %s::tid"


def pg_insert_sql(table: RowTable, lane: int = 0) -> str:
    """`%s, %s` are the station code and period."""
    target = ", ".join(_q(n) for n in table.stored)
    values = ", ".join(_pg_cast(name, kind) for name, kind in table.columns)
    return f"INSERT INTO {lane_table(table, lane)} ({KEYS}, {target}) SELECT %s, %s, {values} FROM {stage_name(table)}"


# -- SQLite: typed in Python, executemany in the load's transaction ---------------------------


def sqlite_insert_sql(table: RowTable) -> str:
    target = ", ".join(_q(n) for n in table.stored)
    marks = ", ".join("?" for _ in range(len(table.columns) + 2))
    return f"INSERT INTO {table.table} ({KEYS}, {target}) VALUES ({marks})"


def _fen(text: str) -> int:
    return int((Decimal(text) * 100).to_integral_value())


def _converter(kind: str):
    if kind == INT:
        return lambda t: int(t) if t else None
    if kind == MONEY:
        return lambda t: _fen(t) if t else None
    if kind == TEXT:
        return restore
    return lambda t: t or None


def sqlite_rows(table: RowTable, code: str, period: str, rows: Iterable[Sequence[str]]) -> Iterable[tuple]:
    convert = [_converter(kind) for _, kind in table.columns]
    width = len(convert)
    for raw in rows:
        if len(raw) != width:
            raise ValueError(f"{table.name}: {len(raw)} cells, {width} columns")
        yield (code, period, *(f(t) for f, t in zip(convert, raw, strict=True)))


# -- SQLite, a table with no money column: the cells go in as the file has them and SQLite types
# -- them (INTEGER affinity; '' is NULL); then the few rows whose cells SQLite could not take as
# -- they are — a text cell carrying the `'` guard, an integer in other than ASCII digits — are
# -- put right in Python, by the same `restore` and `int` as `sqlite_rows`.


def sqlite_direct_insert_sql(table: RowTable) -> str:
    target = ", ".join(_q(n) for n in table.stored)
    values = ", ".join("?" if kind == TEXT else "NULLIF(?, '')" for _, kind in table.columns)
    return f"INSERT INTO {table.table} ({KEYS}, {target}) VALUES (?, ?, {values})"


def sqlite_raw_rows(table: RowTable, code: str, period: str, rows: Iterable[Sequence[str]]) -> Iterable[tuple]:
    width = len(table.columns)
    for raw in rows:
        if len(raw) != width:
            raise ValueError(f"{table.name}: {len(raw)} cells, {width} columns")
        yield (code, period, *raw)


def sqlite_fixes_sql(table: RowTable) -> tuple[str, str] | None:
    """`?, ?` are the station code and period: the rows to put right, and the update."""
    texts = [n for n, kind in table.columns if kind == TEXT]
    ints = [n for n, kind in table.columns if kind == INT]
    if not texts and not ints:
        return None
    odd = [f"substr({_q(n)}, 1, 1) = ''''" for n in texts] + [f"typeof({_q(n)}) = 'text'" for n in ints]
    columns = ", ".join(_q(n) for n in texts + ints)
    where = f"station_code = ? AND export_period = ? AND ({' OR '.join(odd)})"
    assignments = ", ".join(f"{_q(n)} = ?" for n in texts + ints)
    return (
        f"SELECT rowid, {columns} FROM {table.table} WHERE {where}",
        f"UPDATE {table.table} SET {assignments} WHERE rowid = ?",
    )


def sqlite_fixed(table: RowTable, found: Iterable[Sequence]) -> list[tuple]:
    """The update's parameters for the rows `sqlite_fixes_sql` found."""
    n = sum(1 for _, kind in table.columns if kind == TEXT)
    return [
        (*(restore(v) for v in cells[:n]), *(int(v) if isinstance(v, str) else v for v in cells[n:]), rowid)
        for rowid, *cells in found
    ]


# -- the figures a county load keeps per station and period, summed from the loaded rows ------

FIGURES = {  # per table, the aggregates of this station+period's rows (SQLite and PostgreSQL)
    "parcels": ("count(*)", "coalesce(sum(CASE WHEN status = 'picked_up' THEN 1 ELSE 0 END), 0)"),
    "purchases": (
        "count(*) FILTER (WHERE status <> 'cancelled')",
        "coalesce(sum(total_fen) FILTER (WHERE status <> 'cancelled'), 0)",
    ),
    "consignment_sales": ("coalesce(sum(amount_fen), 0)", "coalesce(sum(commission_fen), 0)"),
    "shifts": ("coalesce(sum(diff_fen), 0)",),
    "complaints": ("coalesce(sum(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0)",),
    # What parcel work earned (delivery fees + sending commission) and the couriers' balances.
    "courier_accounts": ("coalesce(sum(fees_fen), 0)", "coalesce(sum(closing_fen), 0)"),
    "shipments": ("coalesce(sum(commission_fen), 0)",),
}


# Totals each row carries that its parts decide (what the station computed them as): a row
# whose total differs is a forged or broken export. (table, total, its parts as SQL). An empty
# total or part is a difference too — but for a shift still open: no count, so no diff, yet.
ROW_SUMS = (
    ("purchases", "total_fen", "items_fen + shipping_fen + service_fee_fen"),
    ("consignment_sales", "payable_fen", "amount_fen - commission_fen"),
    ("settlements", "payout_fen", "gross_fen - commission_fen"),
    ("shifts", "diff_fen", "counted_fen - expected_fen"),
)
MAY_BE_OPEN = {"shifts": "counted_fen IS NULL"}  # then its total must be empty as well


def duplicate_id_sql(table: RowTable, lane: int | None = None) -> str:
    """The smallest id that two rows of this station+period share (an export holds each once)."""
    return (
        f"SELECT min(id) FROM (SELECT id FROM {lane_source(table.name, lane)} {WHERE_KEYS} AND id IS NOT NULL "
        "GROUP BY id HAVING count(*) > 1) AS twice"
    )


# How many rows have no id (the station writes one on every row; a row without one could be
# neither named nor told apart).
MISSING_ID_COUNT = "count(*) - count(id)"

# How many of the ids are there more than once (`count - count DISTINCT`: half the time of
# grouping by id; `duplicate_id_sql` then names the id, only when one repeats).
DUPLICATE_COUNT = "count(id) - count(DISTINCT id)"


def sum_differs(table: str, total: str, parts: str) -> str:
    """The first row (by id) whose `total` is not its `parts`: either empty is a difference
    (`= … IS NOT TRUE`), but for a row `MAY_BE_OPEN` says is not done yet, with no total."""
    differs = f"({total} = {parts}) IS NOT TRUE"
    if table in MAY_BE_OPEN:
        differs += f" AND NOT ({MAY_BE_OPEN[table]} AND {total} IS NULL)"
    return f"min(id) FILTER (WHERE {differs})"


def aggregates_sql(tables: Sequence[tuple[str, Sequence[str]]], lane: int | None = None) -> str:
    """One statement, one scan per table: each (table, its aggregates) over this station+period's
    rows (in `lane`, on PostgreSQL), side by side in one row in the order given. Each table's
    {p}, {p} follow in order."""
    parts = [
        f"(SELECT {', '.join(aggs)} FROM {lane_source(name, lane)} {WHERE_KEYS}) AS c{n}"
        for n, (name, aggs) in enumerate(tables)
    ]
    return "SELECT " + ", ".join(f"c{n}.*" for n in range(len(parts))) + " FROM " + ", ".join(parts)


def pg_summarize_sql(table: RowTable, lane: int = 0) -> str:
    return f"SELECT brin_summarize_new_values('{lane_table(table, lane)}_period_station'::regclass)"
