"""Loads with different --jobs one after another on one county (1, then 3, then 2), a
station's months in one batch, an extension loaded in another lane than the month's first
load, a county made before the lanes (keys without defaults or collation): the county's loads
and rows are those of loading the same folders into SQLite. A forged replacement, in any lane,
is refused and leaves the month as it was."""

import pytest

from station.services.county import connect_county, enrol, load_one
from station.services.county_batch import load_many
from station.services.county_bulk import row_tables
from station.services.county_schema import create_lanes, create_row_tables
from station.services.signing import load_key
from tests.services.test_county import NOW, county_rows, enrol_all
from tests.services.test_county_forged import give_a_purchase_twice
from tests.services.test_county_trust import cash
from tests.services.test_county_trust import months as months  # a fixture

OLDER = (  # the row tables as an older station made them
    'ALTER TABLE {t} ALTER COLUMN station_code TYPE TEXT COLLATE "default", '
    'ALTER COLUMN export_period TYPE TEXT COLLATE "default", '
    "ALTER COLUMN station_code DROP DEFAULT, ALTER COLUMN export_period DROP DEFAULT"
)


def per_station(url: str) -> dict:
    db = connect_county(url)
    try:
        return {
            t.table: sorted(
                db.execute_sql(f"SELECT station_code, export_period, count(*) FROM {t.table} GROUP BY 1, 2").fetchall()
            )
            for t in row_tables()
        }
    finally:
        db.close()


@pytest.mark.parametrize("older", [False, True])
def test_batches_with_other_jobs_leave_what_sqlite_does(
    postgres, exports, months, services, partner, clock, config, tmp_path, older
):
    dirs, _ = exports
    a01, a02, a03 = dirs
    cash(services, partner, 500)
    clock.advance(days=3)
    services.exports.export(partner, "2026-11", tmp_path / "nov-final")  # extends November
    batches = [
        (1, [a01, months["2026-09"]]),
        (3, [a02, months["2026-11"], a01, a03, months["2026-10"]]),  # months oldest first, in one lane
        (2, [a03, tmp_path / "nov-final", a02]),
    ]
    results = {}
    for url in (str(tmp_path / "county.db"), postgres):
        enrol_all(url, exports)
        db = connect_county(url)
        enrol(db, "ZJ-0317", load_key(config.data_dir).public_b64, NOW)
        if older and url == postgres:
            create_row_tables(db)
            for table in row_tables():
                db.execute_sql(OLDER.format(t=table.table))
        db.close()
        said = [
            [(o.station_code, o.period, o.status, o.key) for o in load_many(url, folders, NOW, jobs=jobs)]
            for jobs, folders in batches
        ]
        results[url] = (said, county_rows(url)["loads"], per_station(url))
    assert results[postgres] == results[str(tmp_path / "county.db")]
    assert results[postgres][0][2][2][2:] == ("replaced", "county.loaded_replaced")


def test_a_forged_replacement_in_any_lane_leaves_the_month_as_it_was(postgres, exports, tmp_path):
    dirs, _ = exports
    enrol_all(postgres, exports)
    db = connect_county(postgres)
    create_row_tables(db)
    create_lanes(db, 3)
    assert load_one(db, dirs[2], NOW, lane=2).status == "loaded"
    before = per_station(postgres)
    give_a_purchase_twice(dirs[2], "A03", tmp_path)
    for lane in (0, 1, 2):
        outcome = load_one(db, dirs[2], NOW, checked=[], lane=lane, replace_reason="re-exported")
        assert (outcome.status, outcome.key) == ("refused", "county.duplicate_id"), lane
        assert per_station(postgres) == before
    db.close()
