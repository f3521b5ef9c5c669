"""A station re-signing an edited export (its own key): the load's own checks must refuse
what the station never writes — and leave nothing of that export in the county."""

import csv
import io
import json

import pytest

from station.services import county_bulk
from station.services.county import (
    CountyEvent,
    CountyFlag,
    CountyLoad,
    CountyPosting,
    CountyUtility,
    load_one,
)
from station.services.exports import MANIFEST
from tests.services.test_county import NOW, enrol_all
from tests.services.test_county_forged import ready_county, resign

SHIFT = ["1", "王", "2026-11-23 08:00:00", "100.00", "2026-11-23 18:00:00", "150.00", "150.00", "0.00", "", ""]


def forge(folder, tmp_path, table, edit):
    """Rewrite `table`'s rows with `edit(rows)`, list the new row count, re-sign as A03."""
    path = folder / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    edit(rows)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(("\ufeff" + text.getvalue()).encode("utf-8"))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][f"{table}.csv"]["rows"] = len(rows) - 1
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    resign(folder, "A03", tmp_path)


def set_cells(**cells):
    def edit(rows):
        for column, value in cells.items():
            rows[1][rows[0].index(column)] = value

    return edit


def with_shift(**cells):
    def edit(rows):
        rows.insert(1, list(SHIFT))
        set_cells(**cells)(rows)

    return edit


def nothing_kept(db):
    """No load, utility, posting, flag, row, nor a history event but the enrolments."""
    counts = [m.select().count() for m in (CountyLoad, CountyUtility, CountyPosting, CountyFlag)]
    counts.append(CountyEvent.select().where(CountyEvent.kind != "enrol").count())
    counts += [db.execute_sql(f"SELECT count(*) FROM {t.table}").fetchone()[0] for t in county_bulk.row_tables()]
    assert not any(counts), counts
    return True


FORGED = {
    # a wrong total on a row whose id is empty: min(id) of the offending rows was NULL
    "no id, wrong total": ("purchases", set_cells(id="", total_yuan="999.00")),
    # every money cell of a purchase emptied: NULL total = NULL parts, the purchase counted but not summed
    "purchase money emptied": (
        "purchases",
        set_cells(items_yuan="", shipping_yuan="", service_fee_yuan="", total_yuan=""),
    ),
    # a total of -0.01 with a part empty: coalesce(total, -1) = coalesce(parts, -1)
    "total -0.01, a part empty": ("purchases", set_cells(items_yuan="", total_yuan="-0.01")),
    "shift diff -0.01, count empty": ("shifts", with_shift(counted_yuan="", diff_yuan="-0.01")),
    "shift diff empty, counted": ("shifts", with_shift(diff_yuan="")),
    "two rows without id": ("purchases", lambda rows: [r.__setitem__(0, "") for r in rows[1:3]]),
}


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
@pytest.mark.parametrize("case", list(FORGED))
def test_a_forged_row_is_refused_by_name_and_nothing_kept(tmp_path, request, exports, where, case):
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    dirs, _ = exports
    enrol_all(url, exports)
    table, edit = FORGED[case]
    forge(dirs[2], tmp_path, table, edit)
    db = ready_county(url)
    outcome = load_one(db, dirs[2], NOW, checked=[])  # the load's own checks, not the workbook's
    assert outcome.status == "refused", outcome
    assert outcome.key in ("county.missing_id", "county.total_differs"), outcome
    assert outcome.values["file"] == f"{table}.csv", outcome
    assert nothing_kept(db)
    db.close()


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_an_open_shift_and_ids_shared_across_tables_load(tmp_path, request, exports, where):
    """What the station does write is not refused: an open shift (no count, no diff yet), and
    id 1 in several tables."""
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    dirs, _ = exports
    enrol_all(url, exports)
    forge(dirs[2], tmp_path, "shifts", with_shift(closed_at="", expected_yuan="", counted_yuan="", diff_yuan=""))
    db = ready_county(url)
    outcome = load_one(db, dirs[2], NOW, checked=[])
    assert outcome.status == "loaded", outcome
    db.close()


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_a_forged_replacement_leaves_the_loaded_month_as_it_was(tmp_path, request, exports, where):
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    dirs, _ = exports
    enrol_all(url, exports)
    db = ready_county(url)
    assert load_one(db, dirs[2], NOW).status == "loaded"
    before = [(m.select().count()) for m in (CountyLoad, CountyUtility, CountyPosting, CountyFlag, CountyEvent)]
    rows_before = db.execute_sql("SELECT count(*), sum(total_fen) FROM county_rows_purchases").fetchone()
    forge(dirs[2], tmp_path, "purchases", set_cells(id="", total_yuan="999.00"))
    outcome = load_one(db, dirs[2], NOW, replace_reason="corrected export", checked=[])
    assert outcome.status == "refused", outcome
    after = [(m.select().count()) for m in (CountyLoad, CountyUtility, CountyPosting, CountyFlag, CountyEvent)]
    assert after == before
    assert db.execute_sql("SELECT count(*), sum(total_fen) FROM county_rows_purchases").fetchone() == rows_before
    db.close()


def listed_rows(folder, table, rows, tmp_path):
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][f"{table}.csv"]["rows"] = rows
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    resign(folder, "A03", tmp_path)


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
@pytest.mark.parametrize("verified", [True, False])
@pytest.mark.parametrize("case", ["header only, listed with rows", "rows, listed with none"])
def test_rows_other_than_the_manifest_lists_are_refused(tmp_path, request, exports, where, verified, case):
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    dirs, _ = exports
    enrol_all(url, exports)
    if case.startswith("header"):
        forge(dirs[2], tmp_path, "purchases", lambda rows: rows.__delitem__(slice(1, None)))
        listed_rows(dirs[2], "purchases", 3, tmp_path)
    else:
        forge(dirs[2], tmp_path, "shifts", with_shift())
        listed_rows(dirs[2], "shifts", 0, tmp_path)
    db = ready_county(url)
    outcome = load_one(db, dirs[2], NOW, checked=None if verified else [])
    assert outcome.status == "refused", outcome
    assert outcome.values.get("file") in ("purchases.csv", "shifts.csv"), outcome
    assert nothing_kept(db)
    db.close()
