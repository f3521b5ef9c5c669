"""A fast path for `verify`'s row checks: a block of CSV rows is checked column by column —
each column's distinct values once, by C-level parsers (`int`, `fromisoformat`) and string
methods, so no Python code runs per cell — and only when a block does not pass is it checked
again row by row by the exact `RowCheck`, which names the first problem. A block passes
here only when the exact check would pass every row of it:

- INT: ASCII digits and `-` only, at most 18 characters, and `int` parses it — that is
  `-?[0-9]{1,18}`; DATE / DATETIME / MONEY: the exact check's pattern, and for dates
  `fromisoformat` parses it. None starts with `'`, so `restore` leaves it as is;
- a dated row is in the period when one of its dated cells' first 10 characters lie between
  the period's first and last day: the exact comparison, on the sliced strings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Sequence
from operator import and_, itemgetter

from station.domain.periods import Period
from station.services.export_tables import DATE, DATETIME, INT, MONEY, TEXT, Table

# The exact check's cell forms (also used by `export_verify.cell_ok`): ASCII digits only and the
# whole text (`\d` would take "١٢" and "１２", `$` a trailing newline); dates and times only as
# the station writes them (a datetime may be a bare date), not every form `fromisoformat` reads
# ("2026-W47-1", "…x09:00:00", "…T09", "+08:00": PostgreSQL's TIMESTAMP drops an offset).
INT_TEXT = re.compile(r"-?[0-9]{1,18}").fullmatch
MONEY_TEXT = re.compile(r"-?[0-9]{1,15}\.[0-9]{2}").fullmatch
DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
DATETIME_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?)?").fullmatch
_DAY = itemgetter(slice(0, 10))


def _ints(values: set[str]) -> bool:
    joined = "".join(values)
    digits = joined.replace("-", "")
    if not (joined.isascii() and digits.isdigit() and max(map(len, values)) <= 18):
        return False
    if len(digits) == len(joined):
        return True  # ASCII digits only: each value is 1 to 18 of them
    deque(map(int, values), 0)  # ValueError for "1-2", "--1", "-"
    return True


def _dates(values: set[str]) -> bool:
    if not all(map(DATE_TEXT, values)):
        return False
    deque(map(dt.date.fromisoformat, values), 0)
    return True


def _datetimes(values: set[str]) -> bool:
    if not all(map(DATETIME_TEXT, values)):
        return False
    deque(map(dt.datetime.fromisoformat, values), 0)
    return True


def _money(values: set[str]) -> bool:
    return all(map(MONEY_TEXT, values))


_KIND_CHECKS = {INT: _ints, DATE: _dates, DATETIME: _datetimes, MONEY: _money}


class FastRows:
    """`passes(rows)`: True only if every row would pass `RowCheck.row` (False: ask it)."""

    def __init__(self, table: Table, period: Period) -> None:
        self.width = len(table.columns)
        self.cells = [(i, itemgetter(i), _KIND_CHECKS[c.kind]) for i, c in enumerate(table.columns) if c.kind != TEXT]
        dated = [i for i, c in enumerate(table.columns) if c.name in table.dated]
        self.first_dated = dated[0] if dated else None
        self.dated = [itemgetter(i) for i in dated]
        self.first = period.start.isoformat()
        self.last = (period.end - dt.timedelta(days=1)).isoformat()

    def passes(self, rows: Sequence[list[str]]) -> bool:
        if not rows:
            return True
        if set(map(len, rows)) != {self.width}:
            return False
        distinct = {}
        try:
            for i, cell, check in self.cells:
                values = distinct[i] = set(map(cell, rows))
                if len(values) > ("" in values) and not check(values - {""}):
                    return False
        except ValueError:
            return False
        if self.first_dated is None:
            return True
        days = distinct.get(self.first_dated) or set(map(self.dated[0], rows))
        # min and max commute with [:10]: every row's first dated cell lies in the period
        if "" not in days and self.first <= min(days)[:10] and max(days)[:10] <= self.last:
            return True
        if len(self.dated) == 1:
            return False
        after_first, before_last = self.first.__le__, self.last.__ge__
        in_period = [
            map(and_, map(after_first, map(_DAY, map(c, rows))), map(before_last, map(_DAY, map(c, rows))))
            for c in self.dated
        ]
        return all(map(any, zip(*in_period)))
