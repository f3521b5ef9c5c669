"""County load at disk speed: every exported row lands typed in the county's row tables, by
COPY on PostgreSQL and executemany on SQLite, in the export's one transaction; the row
tables' indexes serve the reports."""

import sqlite3

import pytest

from station.services import county_bulk, county_schema
from station.services.county import CountyLoad, connect_county, load_one
from station.services.county_batch import load_many
from station.services.county_rows import RowTable, sqlite_rows
from station.services.xlsx_stream import DATETIME, INT, MONEY, TEXT
from tests.services.test_county import NOW, enrol_all

SAMPLE = RowTable("sample", (("name", TEXT), ("total_yuan", MONEY), ("n", INT), ("at", DATETIME)))
SAMPLE_CSV = (
    "\ufeffname,total_yuan,n,at\r\n"
    "'=1+1,-12.50,7,2026-11-02 08:30:00\r\n"
    '"张三, 李四",0.05,,\r\n'
    "'-x,100.00,-3,2026-11-30 23:59:59\r\n"
    "'＝1,1.00,2,\r\n"
    "'hello,1.00,1,\r\n"
)
EXPECTED = [  # ordered by n, blank last; exactly what `restore` gives
    ("=1+1", -1250, 7),
    ("＝1", 100, 2),
    ("'hello", 100, 1),
    ("-x", 10000, -3),
    ("张三, 李四", 5, None),
]


def load_sample(url, tmp_path):
    folder = tmp_path / "sample"
    folder.mkdir()
    (folder / "sample.csv").write_bytes(SAMPLE_CSV.encode("utf-8"))
    db = connect_county(url)
    county_schema.create_row_tables(db, [SAMPLE])
    with db.atomic():
        loaded = county_bulk.load_rows(db, folder, "A01", "2026-11", [SAMPLE])
    with db.atomic():  # loading the same station and period again replaces its rows
        county_bulk.load_rows(db, folder, "A01", "2026-11", [SAMPLE])
    rows = db.execute_sql(
        "SELECT name, total_fen, n FROM county_rows_sample WHERE station_code = 'A01' ORDER BY n IS NULL, n DESC"
    ).fetchall()
    db.close()
    return loaded, [tuple(r) for r in rows]


def test_text_is_restored_money_becomes_fen_blanks_null_in_sqlite(tmp_path):
    loaded, rows = load_sample(str(tmp_path / "county.db"), tmp_path)
    assert loaded == {"sample": 5}
    assert rows == EXPECTED


def test_copy_into_postgresql_types_the_same_way(tmp_path, postgres):
    loaded, rows = load_sample(postgres, tmp_path)
    assert loaded == {"sample": 5}
    assert rows == EXPECTED


def test_a_row_with_a_missing_cell_is_refused():
    with pytest.raises(ValueError):
        list(sqlite_rows(SAMPLE, "A01", "2026-11", [["x", "1.00", "1"]]))


def county_rows(url):
    db = connect_county(url)
    parcels = db.execute_sql("SELECT count(*) FROM county_rows_parcels").fetchone()[0]
    purchases = db.execute_sql(
        "SELECT station_code, count(*), sum(total_fen) FROM county_rows_purchases "
        "GROUP BY station_code ORDER BY station_code"
    ).fetchall()
    loads = {r.station_code: (r.purchases, r.purchases_fen) for r in CountyLoad.select()}
    db.close()
    return parcels, [tuple(r) for r in purchases], loads


def check_rows_match_figures(url, exports):
    dirs, expected = exports
    enrol_all(url, exports)
    assert [o.status for o in load_many(url, dirs, NOW, jobs=2)] == ["loaded"] * 3
    db = connect_county(url)
    CountyLoad.update(manifest_sha256="").execute()  # as if these were new exports of the same months
    db.close()
    again = load_many(url, dirs, NOW, jobs=1, replace_reason="test: load again")
    assert [o.status for o in again] == ["replaced"] * 3  # replaced, never doubled
    _, purchases, loads = county_rows(url)
    assert purchases == [
        (code, e["purchases"], e["purchases_fen"]) for code, e in zip(("A01", "A02", "A03"), expected, strict=True)
    ]
    assert loads == {code: (n, fen) for code, n, fen in purchases}


def test_every_row_is_loaded_and_the_figures_are_summed_from_them_in_sqlite(tmp_path, exports):
    check_rows_match_figures(str(tmp_path / "county.db"), exports)


def test_every_row_is_loaded_and_the_figures_are_summed_from_them_in_postgresql(postgres, exports):
    check_rows_match_figures(postgres, exports)


def test_a_load_that_fails_half_way_leaves_nothing_of_that_export(tmp_path, exports):
    dirs, _ = exports
    url = str(tmp_path / "county.db")
    path = dirs[1] / "shifts.csv"  # the tables load in order; this one comes after parcels
    path.write_bytes(path.read_bytes() + b"1,2\r\n")
    enrol_all(url, exports)
    db = connect_county(url)
    county_schema.create_row_tables(db)
    with pytest.raises(ValueError):
        load_one(db, dirs[1], NOW, checked=[])  # as if it had passed verification
    assert CountyLoad.select().count() == 0
    assert db.execute_sql("SELECT count(*) FROM county_rows_purchases").fetchone()[0] == 0
    db.close()


def test_parallel_verify_reports_each_folder(tmp_path, exports):
    dirs, _ = exports
    path = dirs[2] / "purchases.csv"
    path.write_bytes(path.read_bytes().replace(b"jd", b"pd"))
    results = county_bulk.verify_many(dirs, jobs=2)
    assert [bool(results[d]) for d in dirs] == [False, False, True]


def test_the_row_tables_have_the_indexes_the_reports_use(tmp_path):
    url = str(tmp_path / "county.db")
    db = connect_county(url)
    county_schema.create_row_tables(db)
    db.close()
    raw = sqlite3.connect(url)
    plans = {
        "per station": "SELECT count(*) FROM county_rows_parcels "
        "WHERE station_code = 'A01' AND export_period = '2026-11'",
        "per month by status": "SELECT status, count(*) FROM county_rows_parcels "
        "WHERE export_period = '2026-11' GROUP BY status",
    }
    for name, sql in plans.items():
        plan = " ".join(row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + sql))
        assert "USING COVERING INDEX" in plan or "USING INDEX" in plan, (name, plan)
    raw.close()


def test_the_county_report_reads_a_month_by_index(tmp_path):
    """`county report --period` on a county of many stations and months: a search, not a scan."""
    url = str(tmp_path / "county.db")
    db = connect_county(url)
    from station.services.county import report, report_query

    sql, params = report_query("2026-11").sql()
    plan = " ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "SEARCH" in plan and "period" in plan and "TEMP B-TREE" not in plan, plan
    assert report("2026-11") == ([], dict.fromkeys(report()[1], 0), [])
    db.close()


def test_a_money_table_is_loaded_without_compiling_its_query_in_postgresql(postgres):
    """A money table goes through a staging table, and the load prices sequential scans out
    (`pg_load_keys_sql`): PostgreSQL then judged the staged insert costly enough to JIT-compile,
    100–350 ms per money table per export. The load's settings turn JIT off."""
    from station.services.county_rows import pg_insert_sql, pg_load_keys_sql, pg_stage_sql

    db = connect_county(postgres)
    county_schema.create_row_tables(db)
    ledger = next(t for t in county_schema.row_tables() if t.name == "ledger")

    def staged_insert_plan(settings: str) -> str:
        with db.atomic() as transaction:
            db.execute_sql(settings, ("A01", "2026-11"))
            for statement in pg_stage_sql(ledger):
                db.execute_sql(statement)
            rows = db.execute_sql("EXPLAIN (ANALYZE) " + pg_insert_sql(ledger), ("A01", "2026-11")).fetchall()
            transaction.rollback()
        return "\n".join(row[0] for row in rows)

    if not db.execute_sql("SELECT pg_jit_available()").fetchone()[0]:
        pytest.skip("this PostgreSQL has no JIT to turn off")
    without_jit_off = pg_load_keys_sql().replace(", set_config('jit', 'off', true)", "")
    assert "JIT:" in staged_insert_plan(without_jit_off)  # what a load paid before
    assert "JIT:" not in staged_insert_plan(pg_load_keys_sql())
    db.close()
