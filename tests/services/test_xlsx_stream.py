"""The export's own XLSX writer, read back by openpyxl (what the county office uses)."""

import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from station.services.xlsx_stream import DATE, DATETIME, INT, MONEY, TEXT, XlsxStream

KINDS = [INT, TEXT, MONEY, DATETIME, DATE, TEXT]
HEADER = ["id", "name", "amount_yuan", "at", "day", "note"]
ROWS = [
    ["1", "张*", "12.50", "2026-11-23 09:05:07", "2026-11-23", '\'=HYPERLINK("x")'],
    ["2", "a < b & c > d", "-0.30", "", "", "bell\x07here_x0041_"],
    ["-3", "", "", "2026-11-01 00:00:00", "2026-11-01", "  spaced  "],
    ["not a number", "x", "1e3", "yesterday", "2026-13-01", ""],
]


def test_cells_come_back_typed_with_formats_and_a_frozen_header(tmp_path):
    path = tmp_path / "book.xlsx"
    with XlsxStream(path) as book:
        book.add_sheet("parcels", HEADER, KINDS, iter(ROWS))
        book.add_sheet("空表", HEADER, KINDS, iter([]))
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["parcels", "空表"]
    sheet = workbook["parcels"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == HEADER
    first = sheet[2]
    assert first[0].value == 1 and first[1].value == "张*"
    assert Decimal(str(first[2].value)) == Decimal("12.50") and first[2].number_format == "0.00"
    assert first[3].value == dt.datetime(2026, 11, 23, 9, 5, 7) and first[3].number_format == "yyyy-mm-dd hh:mm:ss"
    assert first[4].value == dt.datetime(2026, 11, 23) and first[4].number_format == "yyyy-mm-dd"
    assert first[5].value == '\'=HYPERLINK("x")' and first[5].data_type == "s"  # never a formula
    second = sheet[3]
    assert second[1].value == "a < b & c > d" and second[2].value == -0.3
    assert second[3].value is None and second[4].value is None
    assert unescape(second[5].value) == "bell\x07here_x0041_"  # Excel's _x0007_ escape, both ways
    third = sheet[4]
    assert third[0].value == -3 and third[1].value is None and third[5].value == "  spaced  "
    fourth = sheet[5]  # values that are not what the column promises stay as text, not lost
    assert [c.value for c in fourth] == ["not a number", "x", "1e3", "yesterday", "2026-13-01", None]
    assert workbook["空表"].max_row == 1


def test_a_failed_export_leaves_no_half_workbook_behind_as_valid(tmp_path):
    path = tmp_path / "book.xlsx"

    def rows():
        yield ["1", "a", "1.00", "", "", ""]
        raise RuntimeError("disk went away")

    try:
        with XlsxStream(path) as book:
            book.add_sheet("parcels", HEADER, KINDS, rows())
    except RuntimeError:
        pass
    else:
        raise AssertionError("the error must come through")
    import zipfile

    with zipfile.ZipFile(path) as archive:
        assert "xl/workbook.xml" not in archive.namelist()  # no workbook part: nothing opens it as data
