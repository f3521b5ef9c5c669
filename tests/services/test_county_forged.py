"""Exports signed by the station itself whose bytes verify reads one way and the county's
database another: each is loaded exactly as verified, or refused whole by name."""

import csv
import io
import json

import pytest

from station.config import load_config
from station.services import county_bulk, county_schema
from station.services.county import CountyLoad, connect_county, load_one
from station.services.exports import MANIFEST, SIGNATURE, sha256_of
from station.services.signing import load_key
from tests.services.test_county import NOW, enrol_all


def ready_county(url: str):
    """The county database, its row tables made, as a load finds it."""
    db = connect_county(url)
    county_schema.create_row_tables(db)
    return db


def resign(folder, code, root):
    """What a station's own key holder can do: any bytes, hashed and signed again."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for name, entry in manifest["files"].items():
        entry["sha256"] = sha256_of(folder / name)
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    key = load_key(load_config({"STATION_HOME": str(root / code)}).data_dir)
    (folder / SIGNATURE).write_text(key.sign((folder / MANIFEST).read_bytes()), encoding="ascii")


def give_a_purchase_twice(folder, code, root) -> None:
    """The folder's first purchase row written twice, the manifest's row count to match, signed
    again with the station's own key: only the load's own duplicate check can refuse it."""
    path = folder / "purchases.csv"
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join([*lines[:2], lines[1], *lines[2:]]))
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"]["purchases.csv"]["rows"] += 1
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    resign(folder, code, root)


def purchases_loaded(db):
    return db.execute_sql("SELECT count(*) FROM county_rows_purchases").fetchone()[0]


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_rows_ending_in_cr_alone_are_all_loaded(tmp_path, request, exports, where):
    """A file with no LF at all was taken for a header-only file: verify passed its rows and
    the load kept none of them, silently."""
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    dirs, _ = exports
    enrol_all(url, exports)
    path = dirs[2] / "purchases.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    resign(dirs[2], "A03", tmp_path)
    db = ready_county(url)
    outcome = load_one(db, dirs[2], NOW)
    assert outcome.status == "loaded", outcome.key
    assert purchases_loaded(db) == 3
    db.close()


def test_a_file_loaded_as_other_rows_than_verified_is_refused_whole(tmp_path, exports, monkeypatch):
    url = str(tmp_path / "county.db")
    dirs, _ = exports
    enrol_all(url, exports)
    monkeypatch.setattr(county_bulk, "_header_only", lambda path, expected: path.name == "purchases.csv")
    db = ready_county(url)
    outcome = load_one(db, dirs[2], NOW)
    assert (outcome.status, outcome.key) == ("refused", "county.rows_differ")
    assert (outcome.values["file"], outcome.values["loaded"], outcome.values["listed"]) == ("purchases.csv", 0, 3)
    assert (
        CountyLoad.select().count() == 0
        and db.execute_sql("SELECT count(*) FROM county_rows_ledger").fetchone()[0] == 0
    )
    db.close()


def test_mixed_line_endings_postgresql_cannot_copy_are_refused_by_name(tmp_path, exports, postgres):
    """Python's csv module reads CRLF and LF mixed; COPY stops with BadCopyFileFormat, which
    ended the whole `county load` with "unexpected error"."""
    dirs, _ = exports
    enrol_all(postgres, exports)
    path = dirs[2] / "purchases.csv"
    data = path.read_bytes()
    cut = data.index(b"\r\n") + 2
    path.write_bytes(data[:cut] + data[cut:].replace(b"\r\n", b"\n"))
    resign(dirs[2], "A03", tmp_path)
    db = ready_county(postgres)
    outcome = load_one(db, dirs[2], NOW)
    assert (outcome.status, outcome.key, outcome.values["file"]) == ("refused", "county.copy_refused", "purchases.csv")
    assert CountyLoad.select().count() == 0 and purchases_loaded(db) == 0
    assert load_one(db, dirs[0], NOW).status == "loaded"  # the connection is usable for the next folder
    db.close()


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
@pytest.mark.parametrize(
    "table, column, value",
    [("purchases", "total_yuan", "999.00"), ("purchases", "total_yuan", ""), ("shifts", "diff_yuan", "5.00")],
)
def test_a_total_not_its_parts_is_refused(tmp_path, request, exports, where, table, column, value):
    """The county report sums these totals: a re-signed export with one edited loaded as is."""
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    dirs, _ = exports
    enrol_all(url, exports)
    path = dirs[2] / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    if table == "shifts":  # the exported month has no shift: a closed one, its diff right at first
        rows.insert(1, ["1", "王", "2026-11-23 08:00:00", "100.00", "2026-11-23 18:00:00", "150.00", "150.00", "0.00",
                        "", ""])  # fmt: skip
    rows[1][rows[0].index(column)] = value
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(("\ufeff" + text.getvalue()).encode("utf-8"))
    manifest = json.loads((dirs[2] / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][f"{table}.csv"]["rows"] = len(rows) - 1
    (dirs[2] / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    resign(dirs[2], "A03", tmp_path)
    db = ready_county(url)
    outcome = load_one(db, dirs[2], NOW, checked=[])  # the workbook is not what is summed: skip its check
    assert (outcome.status, outcome.key) == ("refused", "county.total_differs")
    assert (outcome.values["file"], outcome.values["column"]) == (f"{table}.csv", column)
    assert CountyLoad.select().count() == 0 and purchases_loaded(db) == 0
    db.close()


@pytest.mark.parametrize("where", ["sqlite", "postgresql"])
def test_a_row_given_twice_is_refused_whole(tmp_path, request, exports, where):
    """A purchase copied under its own id: the county report counted and summed it twice."""
    url = str(tmp_path / "county.db") if where == "sqlite" else request.getfixturevalue("postgres")
    dirs, _ = exports
    enrol_all(url, exports)
    give_a_purchase_twice(dirs[2], "A03", tmp_path)
    db = ready_county(url)
    outcome = load_one(db, dirs[2], NOW, checked=[])  # the workbook is not what is summed: skip its check
    assert (outcome.status, outcome.key, outcome.values["file"]) == ("refused", "county.duplicate_id", "purchases.csv")
    assert CountyLoad.select().count() == 0 and purchases_loaded(db) == 0
    db.close()


def test_one_key_is_not_enrolled_for_two_stations(tmp_path, exports):
    """A clerk enrolling A01's key for A02 too: A01's exports relabelled A02 and re-signed passed."""
    from station.domain.errors import InvalidInput
    from station.services.county import CountyStation, enrol

    _, expected = exports
    db = connect_county(str(tmp_path / "county.db"))
    enrol(db, "A01", expected[0]["key"], NOW)
    with pytest.raises(InvalidInput) as refused:
        enrol(db, "A02", expected[0]["key"], NOW)
    assert refused.value.key == "county.key_enrolled_elsewhere" and refused.value.values["other"] == "A01"
    assert [s.code for s in CountyStation.select()] == ["A01"]
    enrol(db, "A02", expected[0]["key"], NOW, replace_reason="A01 was a typo for A02")  # a mistake put right
    db.close()


def test_a_manifest_swapped_while_the_rows_are_checked_lends_no_signature(tmp_path, exports, monkeypatch):
    """Forged rows with a forged (unsigned) manifest listing their hashes; the genuine manifest
    put back while verify reads the CSVs: the signature was checked on the file read again."""
    from station.services import export_verify

    dirs, expected = exports
    folder = dirs[2]
    genuine = (folder / MANIFEST).read_bytes()
    path = folder / "purchases.csv"
    path.write_bytes(path.read_bytes().replace(b"jd", b"pd"))
    manifest = json.loads(genuine)
    manifest["files"]["purchases.csv"]["sha256"] = sha256_of(path)
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")  # the signature is the genuine one's
    check_table = export_verify.check_table

    def swapping(*args, **kwargs):
        (folder / MANIFEST).write_bytes(genuine)
        return check_table(*args, **kwargs)

    monkeypatch.setattr(export_verify, "check_table", swapping)
    assert [p.key for p in export_verify.verify(folder, expected[2]["key"])][:1] == ["verify.bad_signature"]
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    url = str(tmp_path / "county.db")
    enrol_all(url, exports)
    db = ready_county(url)
    outcome = load_one(db, folder, NOW)
    assert (outcome.status, outcome.key) == ("refused", "verify.bad_signature")
    assert CountyLoad.select().count() == 0 and purchases_loaded(db) == 0
    db.close()


def test_verify_names_the_signer_of_the_manifest_it_checked(tmp_path, exports, monkeypatch, capsys):
    """`station verify` read manifest.json again to print who signed it: swapped after the
    check, the clerk read out another station's code and fingerprint."""
    from station import cli
    from station.services import export_verify

    dirs, _ = exports
    other = (dirs[0] / MANIFEST).read_bytes()
    problems = export_verify._problems

    def swapping(out_dir, *args, **kwargs):
        found = problems(out_dir, *args, **kwargs)
        (out_dir / MANIFEST).write_bytes(other)  # A01's genuine manifest, after A03's was checked
        return found

    monkeypatch.setattr(export_verify, "_problems", swapping)
    import logging

    try:
        assert cli.main(["--home", str(tmp_path / "A03"), "verify", str(dirs[2])]) == 0
    finally:
        for handler in list(logging.getLogger("station").handlers):
            handler.close()
            logging.getLogger("station").removeHandler(handler)
    out = capsys.readouterr().out
    assert "A03" in out and "A01" not in out


def test_the_load_summary_does_not_count_a_folder_already_loaded(tmp_path, exports, capsys):
    """The same folder given twice said "2 loaded": the clerk thinks two months came in."""
    import logging

    from station import cli

    dirs, _ = exports
    url = str(tmp_path / "county.db")
    enrol_all(url, exports)
    try:
        assert (
            cli.main(["--home", str(tmp_path / "A01"), "county", "load", str(dirs[0]), str(dirs[0]), "--db", url]) == 0
        )
    finally:
        for handler in list(logging.getLogger("station").handlers):
            handler.close()
            logging.getLogger("station").removeHandler(handler)
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert "导入 1 个" in summary and "未变 1 个" in summary, summary


def test_county_tables_never_go_into_a_station_database_or_a_csv(tmp_path, exports):
    """`--db` naming the counter's own station.sqlite3 created the county's tables in it; naming
    a CSV said "the database is damaged, restore a backup (station restore)"."""
    from station.domain.errors import InvalidInput

    dirs, _ = exports
    station_db = load_config({"STATION_HOME": str(tmp_path / "A01")}).db_path
    before = station_db.read_bytes()
    with pytest.raises(InvalidInput) as refused:
        connect_county(str(station_db))
    assert refused.value.key == "county.station_db" and station_db.read_bytes() == before
    csv_file = dirs[0] / "ledger.csv"
    data = csv_file.read_bytes()
    with pytest.raises(InvalidInput) as refused:
        connect_county(str(csv_file))
    assert refused.value.key == "county.not_a_db" and csv_file.read_bytes() == data
