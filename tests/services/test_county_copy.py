"""County load reads each file once and loads the bytes it hashed: COPY straight into a row
table when no column needs converting, and a file changed after it was verified leaves
nothing of its export behind."""

import hashlib

import pytest
from peewee import DatabaseError

from station.services import county_bulk, county_schema
from station.services.county import CountyLoad, connect_county, load_one
from station.services.county_rows import RowTable, direct_copy
from station.services.xlsx_stream import DATETIME, INT, MONEY, TEXT
from tests.services.test_county import NOW, enrol_all

PLAIN = RowTable("plain", (("name", TEXT), ("n", INT), ("at", DATETIME)))
PLAIN_CSV = (
    "\ufeffname,n,at\r\n"
    "'=1+1,7,2026-11-02 08:30:00\r\n"
    '"张三, 李四",,\r\n'
    "'-x,-3,2026-11-30 23:59:59\r\n"
    "'hello,1,\r\n"
    ",2,\r\n"
)
PLAIN_ROWS = [("=1+1", 7, "2026-11-02 08:30:00"), ("", 2, None), ("'hello", 1, None), ("-x", -3, "2026-11-30 23:59:59")]


def test_only_tables_without_money_are_copied_straight_in():
    assert direct_copy(PLAIN)
    assert not direct_copy(RowTable("t", (("total_yuan", MONEY),)))


def load_plain(url, folder, text, digests=None):
    (folder / "plain.csv").write_bytes(text.encode("utf-8"))
    db = connect_county(url)
    county_schema.create_row_tables(db, [PLAIN])
    try:
        with db.atomic():
            loaded = county_bulk.load_rows(db, folder, "A01", "2026-11", [PLAIN], digests=digests)
        rows = db.execute_sql(
            "SELECT station_code, export_period, name, n, at FROM county_rows_plain ORDER BY n IS NULL, n DESC"
        ).fetchall()
    finally:
        db.close()
    return loaded, [(r[0], r[1], r[2], r[3], str(r[4]) if r[4] is not None else None) for r in rows]


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_copied_rows_get_their_keys_and_text_restored(tmp_path, request, where):
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    digest = hashlib.sha256(PLAIN_CSV.encode("utf-8")).hexdigest()
    loaded, rows = load_plain(url, tmp_path, PLAIN_CSV, {"plain.csv": digest})
    assert loaded == {"plain": 5}
    assert rows[:4] == [("A01", "2026-11", *r) for r in PLAIN_ROWS]
    assert rows[4][:3] == ("A01", "2026-11", "张三, 李四")


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_bytes_other_than_the_verified_ones_are_refused_and_nothing_stays(tmp_path, request, where):
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    digest = hashlib.sha256(PLAIN_CSV.encode("utf-8")).hexdigest()
    changed = PLAIN_CSV.replace("7,", "8,")
    with pytest.raises(county_bulk.ChangedFile):
        load_plain(url, tmp_path, changed, {"plain.csv": digest})
    db = connect_county(url)
    assert db.execute_sql("SELECT count(*) FROM county_rows_plain").fetchone()[0] == 0
    db.close()


def test_a_row_table_made_before_the_keys_had_defaults_gets_them(tmp_path, postgres):
    """… and its keys compared byte by byte (collation "C"), its lanes too."""
    db = connect_county(postgres)
    db.execute_sql("CREATE TABLE county_rows_plain (station_code TEXT NOT NULL, export_period TEXT NOT NULL, "
                   "name TEXT, n BIGINT, at TIMESTAMP)")  # fmt: skip
    db.execute_sql("CREATE TABLE county_rows_plain_lane1 () INHERITS (county_rows_plain)")
    db.close()
    loaded, rows = load_plain(postgres, tmp_path, PLAIN_CSV)
    assert loaded == {"plain": 5} and rows[0] == ("A01", "2026-11", *PLAIN_ROWS[0])
    db = connect_county(postgres)
    collations = db.execute_sql(
        "SELECT table_name, column_name, collation_name FROM information_schema.columns "
        "WHERE table_name LIKE 'county_rows_plain%%' AND column_name IN ('station_code', 'export_period')"
    ).fetchall()
    db.close()
    assert len(collations) == 4 and {c for _, _, c in collations} == {"C"}, collations


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
@pytest.mark.parametrize("name", ["purchases.csv", "ledger.csv", "parcels.csv"])  # parcels: header only
def test_an_export_changed_after_verification_is_refused_whole(tmp_path, request, exports, where, name):
    """Verified in a parallel process, then a file is swapped before the load reads it."""
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    dirs, _ = exports
    enrol_all(url, exports)
    path = dirs[2] / name
    data = path.read_bytes()
    path.write_bytes(data.replace(b"jd", b"pd") if name == "purchases.csv" else data.replace(b"id,", b"Id,", 1))
    db = connect_county(url)
    county_schema.create_row_tables(db)
    outcome = load_one(db, dirs[2], NOW, checked=[])  # as if it had passed verification
    assert (outcome.status, outcome.key, outcome.values["file"]) == ("refused", "county.changed_while_loading", name)
    assert CountyLoad.select().count() == 0
    assert db.execute_sql("SELECT count(*) FROM county_rows_purchases").fetchone()[0] == 0
    db.close()


def test_sqlite_puts_right_what_it_cannot_type_itself(tmp_path):
    """An integer in other than ASCII digits (verify's pattern takes any digit) is `int`-ed."""
    text = PLAIN_CSV.replace("'hello,1,", "'hello,\u0661\u0662,")
    loaded, rows = load_plain(str(tmp_path / "county.db"), tmp_path, text)
    assert loaded == {"plain": 5}
    assert ("A01", "2026-11", "'hello", 12, None) in rows


def _key_defaults(db):
    return db.execute_sql(
        "SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'county_rows_plain' "
        "AND column_name IN ('station_code', 'export_period') ORDER BY column_name"
    ).fetchall()


@pytest.mark.parametrize("changed", [False, True])
def test_the_keys_pinned_for_a_copy_are_unpinned_before_commit(tmp_path, postgres, changed):
    """COPY takes the station and period as constants for its transaction only: after a load,
    or a refused one, the row table's defaults are the load's settings again, so an INSERT
    outside a load fails instead of taking the last station's keys."""
    digest = hashlib.sha256(PLAIN_CSV.encode("utf-8")).hexdigest()
    text = PLAIN_CSV.replace("7,", "8,") if changed else PLAIN_CSV
    if changed:
        with pytest.raises(county_bulk.ChangedFile):
            load_plain(postgres, tmp_path, text, {"plain.csv": digest})
    else:
        load_plain(postgres, tmp_path, text, {"plain.csv": digest})
    db = connect_county(postgres)
    assert [(c, "current_setting" in d) for c, d in _key_defaults(db)] == [
        ("export_period", True),
        ("station_code", True),
    ]
    with pytest.raises(DatabaseError, match=r"county\.station_code"), db.atomic():
        db.execute_sql("INSERT INTO county_rows_plain (name) VALUES ('x')")
    db.close()
