"""The workbook checked against the CSV by structure, streamed (the default of verify)."""

import pytest

from station.services import xlsx_check
from station.services.xlsx_check import check_workbook_structure
from station.services.xlsx_stream import INT, MONEY, TEXT, XlsxStream

HEADER = ["id", "name", "total_yuan"]
ROWS = [[str(n), f"名字{n} <&> =x" if n % 2 else "'=1+1", f"{n}.50"] for n in range(1, 301)]


@pytest.fixture
def workbook(tmp_path):
    path = tmp_path / "station.xlsx"
    with XlsxStream(path) as book:
        book.add_sheet("parcels", HEADER, [INT, TEXT, MONEY], iter(ROWS))
        book.add_sheet("ledger", ["id"], [INT], iter([]))
    return path


EXPECTED = {"parcels": (HEADER, len(ROWS)), "ledger": (["id"], 0)}


def test_a_good_workbook_checks_out(workbook):
    assert check_workbook_structure(workbook, EXPECTED) == []


def test_rows_are_counted_across_chunk_boundaries(workbook, monkeypatch):
    for size in (7, 64, 1000):
        monkeypatch.setattr(xlsx_check, "CHUNK", size)
        assert check_workbook_structure(workbook, EXPECTED) == [], size
        fewer = {**EXPECTED, "parcels": (HEADER, len(ROWS) - 1)}
        assert check_workbook_structure(workbook, fewer) == [("verify.sheet_rows", {"sheet": "parcels"})]


def test_a_different_header_or_a_missing_sheet_is_named(workbook):
    assert check_workbook_structure(workbook, {"parcels": (["id", "name", "total"], len(ROWS))}) == [
        ("verify.sheet_cell", {"sheet": "parcels", "row": 1})
    ]
    assert check_workbook_structure(workbook, {"shifts": (["id"], 0)}) == [
        ("verify.missing_sheet", {"sheet": "shifts"})
    ]


def test_a_damaged_workbook_is_refused_not_crashed(workbook, tmp_path):
    data = bytearray(workbook.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 40] = bytes(40)  # inside the compressed sheet data
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(bytes(data))
    problems = check_workbook_structure(damaged, EXPECTED)
    assert [key for key, _ in problems] == ["verify.bad_workbook"]
    (tmp_path / "text.xlsx").write_text("not a zip", encoding="utf-8")
    assert check_workbook_structure(tmp_path / "text.xlsx", EXPECTED)[0][0] == "verify.bad_workbook"


def test_verify_by_structure_and_deep_agree_on_a_good_export(exports):
    from station.services.export_verify import verify

    dirs, _ = exports
    assert verify(dirs[0]) == [] and verify(dirs[0], deep=True) == []


def test_a_workbook_short_of_a_row_is_found_even_with_its_hash_rewritten(exports):
    """A station whose workbook disagrees with its CSVs (the manifest hashes what it wrote)."""
    import json

    from station.services.export_verify import verify
    from station.services.exports import MANIFEST, WORKBOOK, sha256_of

    dirs, _ = exports
    folder = dirs[1]
    rebuilt = folder / "rebuilt.xlsx"
    with XlsxStream(rebuilt) as book:
        book.add_sheet("purchases", ["id"], [INT], iter([]))  # the other sheets are missing
    rebuilt.replace(folder / WORKBOOK)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][WORKBOOK]["sha256"] = sha256_of(folder / WORKBOOK)
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    keys = {(p.key, p.values.get("sheet")) for p in verify(folder)}
    assert ("verify.missing_sheet", "parcels") in keys and ("verify.sheet_cell", "purchases") in keys
