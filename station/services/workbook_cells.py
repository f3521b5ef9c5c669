"""`verify --deep` (and a workbook whose bytes are not the signed ones): every sheet read back
with openpyxl and compared with its CSV cell for cell, to name the sheet and row that differ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from decimal import Decimal
from pathlib import Path

from station.domain.spreadsheet import restore
from station.services.export_tables import TABLES, Table
from station.services.export_verify import BadCsv, Problem, read_rows
from station.services.xlsx_stream import DATE, DATETIME, MONEY, TEXT


def _xlsx_text(kind: str, value) -> str:
    if value is None:
        return ""
    if kind == MONEY and isinstance(value, int | float):
        return f"{Decimal(str(value)):.2f}"
    if kind == DATETIME and isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if kind == DATE and isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def check_workbook(path: Path, out_dir: Path, missing: AbstractSet[str] = frozenset()) -> list[Problem]:
    """Every sheet holds the same rows as its CSV, cell for cell (and no other sheets)."""
    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape

    try:
        workbook = load_workbook(path, read_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        return [Problem("verify.bad_workbook", {"detail": type(error).__name__})]
    try:
        extra = sorted(set(workbook.sheetnames) - {t.name for t in TABLES})
        problems = [Problem("verify.extra_sheet", {"sheet": name}) for name in extra]
        for table in TABLES:
            if table.name not in workbook.sheetnames:
                problems.append(Problem("verify.missing_sheet", {"sheet": table.name}))
                continue
            if f"{table.name}.csv" in missing:
                continue
            try:
                problem = _compare_sheet(
                    table, workbook[table.name].iter_rows(min_row=2, values_only=True), out_dir, unescape
                )
            except BadCsv:
                continue  # the CSV's own problem is already named
            if problem:
                problems.append(problem)
    except Exception as error:  # a damaged sheet part fails while it is read  # noqa: BLE001
        return [Problem("verify.bad_workbook", {"detail": type(error).__name__})]
    finally:
        workbook.close()
    return problems


def _compare_sheet(table: Table, sheet_rows: Iterable, out_dir: Path, unescape) -> Problem | None:
    csv_rows = read_rows(out_dir / f"{table.name}.csv")
    next(csv_rows, None)
    width = len(table.columns)
    number = 1
    for number, (cells, texts) in enumerate(_zip_longest(sheet_rows, csv_rows), start=2):
        if cells is None or texts is None:
            return Problem("verify.sheet_rows", {"sheet": table.name})
        cells = tuple(cells) + (None,) * (width - len(cells))  # read-only rows drop trailing blanks
        shown = [_xlsx_text(c.kind, value) for c, value in zip(table.columns, cells, strict=False)]
        shown = [unescape(text) if c.kind == TEXT else text for c, text in zip(table.columns, shown, strict=True)]
        if shown != [restore(t) for t in texts]:
            return Problem("verify.sheet_cell", {"sheet": table.name, "row": number})
    return None


def _zip_longest(a: Iterable, b: Iterable) -> Iterator[tuple]:
    a, b = iter(a), iter(b)
    while True:
        x, y = next(a, None), next(b, None)
        if x is None and y is None:
            return
        yield x, y
