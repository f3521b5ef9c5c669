"""Spreadsheet-safe cells: neutralise formula injection reversibly (numbers stay numbers).

One function for every CSV and XLSX the station writes (the county export, reports, return
lists): a text cell that a spreadsheet could read as a formula gets a leading `'`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DANGEROUS = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\n", "'")


def _looks_like_formula(value: str) -> bool:
    # Full-width ＝＋－＠ become = + - @ under NFKC, and Excel strips leading spaces before
    # it reads a formula: judge the first character that counts, as typed and under NFKC
    # (which composes "=" and U+0338 into "≠", yet a spreadsheet still reads the "="), after
    # spaces of any kind and number (not only those within the first 8 characters).
    if _NUMBER.match(value):
        return False
    for text in (value, value.lstrip()):
        if text[:1] in _DANGEROUS:
            return True
        if unicodedata.normalize("NFKC", text[:8]).lstrip(" \u3000\u00a0")[:1] in _DANGEROUS:
            return True
    return False


# A first character that is printable ASCII, not a space and not dangerous is the first
# character that counts whatever follows (NFKC composes nothing into = + - @ | % '), so most
# cells are judged on it alone.
_SAFE_START = frozenset(map(chr, range(0x21, 0x7F))) - set(_DANGEROUS)
# So is a CJK unified ideograph (a name, a product, a village): NFKC leaves it as it is.
_IDEOGRAPHS = (0x4E00, 0x9FFF)  # code points, first and last
IDEOGRAPH_FIRST, IDEOGRAPH_LAST = chr(_IDEOGRAPHS[0]), chr(_IDEOGRAPHS[1])  # for a writer's own glance
# Cells starting with one of these (or empty) are what `neutralise` returns unchanged at a glance:
# a writer of many cells looks here before calling it.
SAFE_FIRST = _SAFE_START | {""}


def neutralise(value: str) -> str:
    """A text cell starting (after spaces) with = + - @ | % ' or a control character gets a
    leading ' so a spreadsheet shows it as text."""
    if value:
        first = value[0]
        if (
            first not in _SAFE_START
            and not _IDEOGRAPHS[0] <= ord(first) <= _IDEOGRAPHS[1]
            and _looks_like_formula(value)
        ):
            return "'" + value
    return value


def restore(value: str) -> str:
    """The exact inverse of `neutralise`."""
    if len(value) > 1 and value[0] == "'" and neutralise(value[1:]) == value:
        return value[1:]
    return value


def safe_cell(value: Any) -> Any:
    """Any cell value: text neutralised, numbers, dates and None unchanged."""
    return neutralise(value) if isinstance(value, str) else value
