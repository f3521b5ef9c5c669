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
