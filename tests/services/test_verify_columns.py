"""verify's fast path passes a block of rows only when the exact row check would pass every
row of it; a block it does not pass is checked row by row and its first problem named."""

import pytest

from station.domain.periods import parse_month
from station.services import export_verify
from station.services.export_tables import DATE, DATETIME, INT, MONEY, TEXT, Column, Table
from station.services.export_verify import RowCheck
from station.services.verify_columns import FastRows

NOVEMBER = parse_month("2026-11")
TRICKY = {
    INT: ["", "0", "-7", "007", "1" * 18, "1" * 19, "-" + "1" * 18, "+5", " 12", "12 ", "1_000", "1-2", "--1", "-",
          "\u0661\u0662", "12\n", "'12", "1.0", "x"],
    MONEY: ["", "1.50", "-0.00", "1.5", "1.500", ".50", "1,50", "\u0661.\u0660\u0660", "'1.50", "1.50\n", "1e2"],
    DATE: ["", "2026-11-23", "2026-02-29", "2024-02-29", "2026-02-30", "2026-13-01", "20261123", "2026-11-23 09:00",
           "0000-01-01", "'2026-11-23", "2026-11-3", "2026-W47-1"],
    DATETIME: ["", "2026-11-23 09:00:00", "2026-11-23T09:00:00", "2026-11-23 09:00", "2026-11-23",
               "2026-11-23 24:00:00",
               "2026-11-23 09:00:00.123456", "2026-11-23 09:00:00+08:00", "20261123T090000", "2026-11-31 09:00:00",
               "'2026-11-23 09:00:00", "2026-11-23 9:00:00", "x"],
}  # fmt: skip


def table_of(kind, dated=()):
    return Table("t", (Column("a", kind), Column("note", TEXT)), lambda period: iter(()), dated)


@pytest.mark.parametrize("kind", sorted(TRICKY))
def test_a_cell_passes_fast_only_if_the_exact_check_passes_it(kind):
    table = table_of(kind)
    fast, exact = FastRows(table, NOVEMBER), RowCheck(table, NOVEMBER)
    passed = []
    for text in TRICKY[kind]:
        row = [text, "x"]
        if fast.passes([row]):
            assert exact.row(2, row) is None, (kind, text)
            passed.append(text)
    assert len(passed) >= 2  # the common forms do take the fast path


@pytest.mark.parametrize("kind", [DATE, DATETIME])
def test_a_dated_row_passes_fast_only_if_it_is_in_the_period(kind):
    table = table_of(kind, dated=("a",))
    fast, exact = FastRows(table, NOVEMBER), RowCheck(table, NOVEMBER)
    for text in ["2026-10-31", "2026-11-01", "2026-11-30", "2026-12-01", "", *TRICKY[kind]]:
        row = [text, ""]
        assert not fast.passes([row]) or exact.row(2, row) is None, text
    assert fast.passes([["2026-11-01", ""], ["2026-11-30", ""]])
    assert not fast.passes([["2026-11-01", ""], ["2026-12-01", ""]])


def test_several_dated_columns_need_one_in_the_period_per_row():
    table = Table("t", (Column("a", DATE), Column("b", DATE)), lambda period: iter(()), ("a", "b"))
    fast = FastRows(table, NOVEMBER)
    assert fast.passes([["2026-10-31", "2026-11-02"], ["2026-11-03", ""]])
    assert not fast.passes([["2026-10-31", "2026-11-02"], ["2026-10-03", ""]])


def test_rows_of_the_wrong_width_are_left_to_the_exact_check():
    fast = FastRows(table_of(INT), NOVEMBER)
    assert fast.passes([["1", "a"], ["2", "b"]])
    assert not fast.passes([["1", "a"], ["2"]])
    assert not fast.passes([["1", "a", "extra"]])


@pytest.mark.parametrize("block", [1, 2, 3, 2048])
def test_the_first_bad_row_is_named_whatever_the_block_size(exports, monkeypatch, block):
    """A forged cell several rows in (row 6 of the file): the same problem, whichever block it falls in."""
    import csv

    dirs, _ = exports
    path = dirs[2] / "purchases.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, first, *_ = csv.reader(handle)
    rows = [header] + [[str(n), *first[1:]] for n in range(1, 9)]
    rows[5][0] = "5x"
    rows[6][0] = "6x"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    monkeypatch.setattr(export_verify, "BLOCK", block)
    bad = [(p.key, p.values.get("row"), p.values.get("column")) for p in export_verify.verify(dirs[2])]
    assert ("verify.bad_cell", 6, "id") in bad
    assert ("verify.bad_cell", 7, "id") not in bad


NOT_AS_WRITTEN = {
    INT: ["+5", " 12", "1_000", "\u0661\u0662", "\uff11\uff12", "12\n", "0x10", "1e3"],
    MONEY: ["\u0661.\u0660\u0660", "\uff11.\uff10\uff10", "1.50\n", "1,029.90", "1e2"],
    DATE: ["2026-W47-1", "20261123", "2026-11-3", "\uff12\uff10\uff12\uff16-11-23", "2026-11-23\n", "2026-11-31"],
    DATETIME: ["2026-11-23x09:00:00", "2026-11-23 09:00", "2026-11-23T09", "2026-11-3",
               "2026-11-23 09:00:00+08:00", "2026-11-23 09:00:00Z", "20261123T090000", "2026-W47-1T09:00:00",
               "2026-11-23 09:00:00\n"],
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(NOT_AS_WRITTEN))
def test_the_exact_check_refuses_forms_the_station_never_writes(kind):
    """`\\d` and `$` took Arabic-Indic and full-width digits and a trailing newline, and
    `fromisoformat` ISO weeks, offsets and any separator: a re-signed forgery loaded."""
    table = table_of(kind)
    exact, fast = RowCheck(table, NOVEMBER), FastRows(table, NOVEMBER)
    for text in NOT_AS_WRITTEN[kind]:
        assert exact.row(2, [text, "x"]) is not None, (kind, text)
        assert not fast.passes([[text, "x"]]), (kind, text)
