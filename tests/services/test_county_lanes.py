"""PostgreSQL loads side by side each fill a lane of their own (the row table, or its child
`…_lane<n>`): the row table reads every lane, a replacement clears the month from every lane,
the lane's key defaults are at rest after its load, and two loads in two lanes never wait for
each other's locks (in one table they do)."""

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from peewee import DatabaseError
from psycopg2.errors import LockNotAvailable

from station.services import county_bulk, county_schema
from station.services.county import connect_county
from station.services.county_batch import _share_out, load_many
from tests.services.test_county import NOW, enrol_all
from tests.services.test_county_copy import PLAIN, PLAIN_CSV, PLAIN_ROWS


def by_table(db) -> list[tuple[str, int]]:
    return db.execute_sql(
        "SELECT tableoid::regclass::text, count(*) FROM county_rows_plain GROUP BY 1 ORDER BY 1"
    ).fetchall()


def test_a_lane_is_read_through_the_row_table_and_a_replacement_in_another_lane_clears_it(tmp_path, postgres):
    (tmp_path / "plain.csv").write_bytes(PLAIN_CSV.encode("utf-8"))
    digest = hashlib.sha256(PLAIN_CSV.encode("utf-8")).hexdigest()
    db = connect_county(postgres)
    county_schema.create_row_tables(db, [PLAIN])
    county_schema.create_lanes(db, 3, [PLAIN])
    with db.atomic():
        county_bulk.load_rows(db, tmp_path, "A01", "2026-11", [PLAIN], digests={"plain.csv": digest}, lane=2)
    assert by_table(db) == [("county_rows_plain_lane2", 5)]
    rows = db.execute_sql(  # the `'` guard put back in the lane's own rows
        "SELECT station_code, export_period, name, n, at::text FROM county_rows_plain ORDER BY n IS NULL, n DESC"
    ).fetchall()
    assert rows[:4] == [("A01", "2026-11", *r) for r in PLAIN_ROWS]
    defaults = db.execute_sql(
        "SELECT column_name, column_default FROM information_schema.columns "
        "WHERE table_name = 'county_rows_plain_lane2' AND column_name IN ('station_code', 'export_period')"
    ).fetchall()
    assert len(defaults) == 2 and all("current_setting" in d for _, d in defaults), defaults
    other = connect_county(postgres)  # a stray insert outside a load fails in a lane too
    with pytest.raises(DatabaseError, match=r"county\.station_code"), other.atomic():
        other.execute_sql("INSERT INTO county_rows_plain_lane2 (name) VALUES ('x')")
    other.close()

    with db.atomic():  # the month again, in lane 0: the rows of lane 2 go
        county_bulk.load_rows(db, tmp_path, "A01", "2026-11", [PLAIN], replacing=True, lane=0)
    assert by_table(db) == [("county_rows_plain", 5)]
    db.close()


def load_plain(db, folder, code: str, lane: int) -> dict[str, int]:
    return county_bulk.load_rows(db, folder, code, "2026-11", [PLAIN], replacing=False, lane=lane)


@pytest.mark.parametrize("lanes", [(0, 1), (1, 0), (0, 0)])
def test_two_loads_in_two_lanes_do_not_wait_for_each_other(tmp_path, postgres, lanes):
    """The first load's transaction stays open while the second runs with a lock timeout: in
    two lanes the second loads and checks its rows; in one, it waits and times out."""
    (tmp_path / "plain.csv").write_bytes(PLAIN_CSV.encode("utf-8"))
    setup = connect_county(postgres)
    county_schema.create_row_tables(setup, [PLAIN])
    county_schema.create_lanes(setup, 2, [PLAIN])
    setup.close()
    a, b = connect_county(postgres), connect_county(postgres)
    try:
        with a.atomic():
            assert load_plain(a, tmp_path, "A01", lanes[0]) == {"plain": 5}
            b.execute_sql("SET lock_timeout = '1s'")
            if lanes[0] == lanes[1]:
                with pytest.raises(LockNotAvailable), b.atomic():
                    load_plain(b, tmp_path, "A02", lanes[1])
            else:
                with b.atomic():
                    assert load_plain(b, tmp_path, "A02", lanes[1]) == {"plain": 5}
        counts = a.execute_sql("SELECT station_code, count(*) FROM county_rows_plain GROUP BY 1 ORDER BY 1")
        assert counts.fetchall() == ([("A01", 5)] if lanes[0] == lanes[1] else [("A01", 5), ("A02", 5)])
    finally:
        a.close()
        b.close()


def test_a_batch_in_two_processes_puts_each_station_in_one_lane_and_uses_both(postgres, exports):
    dirs, _ = exports
    enrol_all(postgres, exports)
    assert [o.status for o in load_many(postgres, dirs, NOW, jobs=2)] == ["loaded"] * 3
    db = connect_county(postgres)
    lanes = db.execute_sql(
        "SELECT station_code, array_agg(DISTINCT tableoid::regclass::text) FROM county_rows_purchases GROUP BY 1"
    ).fetchall()
    db.close()
    assert all(len(tables) == 1 for _, tables in lanes), lanes
    assert {tables[0] for _, tables in lanes} == {"county_rows_purchases", "county_rows_purchases_lane1"}


def test_the_shares_of_a_batch_are_about_the_same_bytes_and_keep_a_stations_months_together(tmp_path):
    sizes = [900, 100, 100, 400, 400, 100]  # folders 0-1 one station, 2-3 another, 4, 5 one each
    folders = []
    for n, size in enumerate(sizes):
        (tmp_path / str(n)).mkdir()
        (tmp_path / str(n) / "parcels.csv").write_bytes(b"x" * size)
        (tmp_path / str(n) / "manifest.json").write_bytes(b"y" * 10_000)  # not a CSV: not weighed
        folders.append(tmp_path / str(n))
    shares = _share_out(folders, [[0, 1], [2, 3], [4], [5]], 2)
    assert sorted(shares) == [[0, 1], [2, 3, 4, 5]]
    assert _share_out(folders, [[0, 1], [2, 3]], 4) == [[0, 1], [2, 3]]  # no empty share


def test_two_replacements_in_two_lanes_do_not_wait_for_each_other(tmp_path, postgres):
    """A replacement clears the month from every lane (the row table's DELETE locks them all):
    had it then pinned its own lane's keys (a lock no other load's lock goes with), two
    replacements side by side each waited for the other's lane — a deadlock, their folders
    refused as "the database failed" in `county load --replace --jobs N`."""
    (tmp_path / "plain.csv").write_bytes(PLAIN_CSV.encode("utf-8"))
    setup = connect_county(postgres)
    county_schema.create_row_tables(setup, [PLAIN])
    county_schema.create_lanes(setup, 3, [PLAIN])
    with setup.atomic():
        load_plain(setup, tmp_path, "A01", 2)
    with setup.atomic():
        load_plain(setup, tmp_path, "A02", 1)
    setup.close()
    a, b = connect_county(postgres), connect_county(postgres)
    try:
        with a.atomic():
            county_bulk.load_rows(a, tmp_path, "A02", "2026-11", [PLAIN], replacing=True, lane=1)
            b.execute_sql("SET lock_timeout = '1s'")
            with b.atomic():
                county_bulk.load_rows(b, tmp_path, "A01", "2026-11", [PLAIN], replacing=True, lane=2)
        db = connect_county(postgres)
        assert by_table(db) == [("county_rows_plain_lane1", 5), ("county_rows_plain_lane2", 5)]
        db.close()
    finally:
        a.close()
        b.close()


def test_two_county_loads_starting_at_once_make_the_lanes_once(postgres, exports, monkeypatch):
    """Both verified their folders and go on to make the lanes; the first is still making them
    (its transaction open) when the second starts to: the second waits for them instead of
    making them too and failing ("already exists", an unexpected error before any folder)."""
    dirs, _ = exports
    enrol_all(postgres, exports)
    db = connect_county(postgres)
    county_schema.create_row_tables(db)  # as a first load left them (two loads making them: the same)
    db.close()
    verified, arrived = threading.Barrier(2), []
    real_verify, real_lanes = county_bulk.verify_many, county_schema.create_lanes

    def verify_together(*args):
        found = real_verify(*args)
        verified.wait(timeout=30)
        return found

    def lanes_overlapping(db, lanes, tables=None):
        arrived.append(threading.get_ident())
        if arrived[0] == threading.get_ident():
            real_lanes(db, lanes, tables)
            time.sleep(1)  # made, not yet committed, when the other one makes them
        else:
            time.sleep(0.3)
            real_lanes(db, lanes, tables)

    monkeypatch.setattr(county_bulk, "verify_many", verify_together)
    monkeypatch.setattr(county_schema, "create_lanes", lanes_overlapping)
    with ThreadPoolExecutor(2) as pool:
        loads = [pool.submit(load_many, postgres, share, NOW, jobs=2) for share in (dirs[:2], dirs[1:])]
        statuses = [o.status for load in loads for o in load.result()]
    assert len(statuses) == 4 and statuses.count("loaded") >= 3, statuses  # the shared one: once
    monkeypatch.undo()
    assert [o.status for o in load_many(postgres, dirs, NOW, jobs=2)] == ["unchanged"] * 3
