"""`county load --jobs N` on PostgreSQL: a load the database fails in one connection is said by
name, nothing of it stays, and the others load and are reported as they would alone."""

import os

import pytest

from station import cli
from station.services import county_batch
from station.services.county import CountyLoad, connect_county
from station.services.county_batch import _load_lane_in_process, load_many
from station.services.county_bulk import row_tables
from station.services.county_schema import create_lanes, create_row_tables
from tests.services.test_county import NOW, county_rows, enrol_all

# A real database failure in the middle of one station's load: PostgreSQL raises on its rows
# (or ends that connection) and on no other station's.
FAILING = {
    "raise": "RAISE EXCEPTION 'the disk said no'",
    "terminate": "PERFORM pg_terminate_backend(pg_backend_pid())",
}


def fail_on(url: str, code: str, how: str) -> None:
    db = connect_county(url)
    create_row_tables(db)
    create_lanes(db, 4)  # whichever connection loads it (a trigger is not inherited)
    db.execute_sql(
        "CREATE FUNCTION fail_load() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF NEW.station_code = '{code}' THEN {FAILING[how]}; END IF; RETURN NEW; END $$"
    )
    for table in ("county_rows_purchases", *(f"county_rows_purchases_lane{n}" for n in (1, 2, 3))):
        db.execute_sql(f"CREATE TRIGGER fail_load BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_load()")
    db.close()


def nothing_of(url: str, code: str) -> bool:
    db = connect_county(url)
    try:
        tables = [t.table for t in row_tables()]
        tables += ["county_load", "county_posting", "county_utility", "county_flag"]
        events = "SELECT count(*) FROM county_event WHERE station_code = %s AND kind <> 'enrol'"
        return (
            all(
                db.execute_sql(f"SELECT count(*) FROM {table} WHERE station_code = %s", (code,)).fetchone()[0] == 0
                for table in tables
            )
            and db.execute_sql(events, (code,)).fetchone()[0] == 0
        )
    finally:
        db.close()


@pytest.mark.parametrize("jobs", [1, 2, 4])
@pytest.mark.parametrize("how", sorted(FAILING))
def test_a_database_failure_in_one_load_is_said_and_the_others_load(postgres, exports, tmp_path, capsys, how, jobs):
    dirs, _ = exports
    enrol_all(postgres, exports)
    fail_on(postgres, "A02", how)
    home = str(tmp_path / "A01")
    assert cli.main(["--home", home, "county", "load", "--db", postgres, "--jobs", str(jobs), *map(str, dirs)]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert len(lines) == 4 and "A01" in lines[0] and "A03" in lines[2], out
    assert "A02" in lines[1] and "2026-11" in lines[1] and str(dirs[1]) in lines[1], out
    assert out.err == ""
    assert nothing_of(postgres, "A02")
    assert [load[:2] for load in map(eval, county_rows(postgres)["loads"])] == [("A01", 0), ("A03", 0)]
    again = load_many(postgres, dirs, NOW, jobs=jobs)  # the others are in: only A02 tries again
    assert [o.status for o in again] == ["unchanged", "refused", "unchanged"]


def _dies_in_lane_one(task):
    """A loading process killed (say by the out-of-memory killer) before it reports."""
    if task.lane == 1:
        os._exit(9)
    return _load_lane_in_process(task)


def test_a_loading_process_that_dies_is_said_and_the_same_load_again_finishes_it(postgres, exports, monkeypatch):
    dirs, _ = exports
    enrol_all(postgres, exports)
    monkeypatch.setattr(county_batch, "_load_lane_in_process", _dies_in_lane_one)  # forked: the processes see it
    outcomes = load_many(postgres, dirs, NOW, jobs=2)
    died = [o for o in outcomes if o.key == "county.load_process_died"]
    assert died and all(o.status == "refused" for o in died), outcomes  # every folder of the dead lane, at least
    monkeypatch.undo()
    again = load_many(postgres, dirs, NOW, jobs=2)  # what did load is unchanged, the rest loads
    assert all(o.status in ("loaded", "unchanged") for o in again), again
    assert {o.station_code for o in again if o.status == "loaded"} <= {o.station_code for o in died}
    assert len(county_rows(postgres)["loads"]) == 3


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_a_jobs_count_below_one_is_refused_by_name_and_nothing_loads(exports, tmp_path, capsys, request, where, jobs):
    """It was an unexpected error (ValueError) on PostgreSQL, and loaded in one process on SQLite."""
    dirs, _ = exports
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    enrol_all(url, exports)
    home = str(tmp_path / "A01")
    assert cli.main(["--home", home, "county", "load", "--db", url, "--jobs", jobs, *map(str, dirs)]) != 0
    out = capsys.readouterr()
    assert f"--jobs {jobs}" in out.err and "ValueError" not in out.err and out.out == "", out
    db = connect_county(url)
    assert CountyLoad.select().count() == 0
    db.close()
