"""Spreadsheet-safe cells: neutralise formula injection reversibly (numbers stay numbers)."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralise(value: str) -> str:
    """A text cell starting with = + - @ (or ') gets a leading ' so Excel shows it as text."""
    if value and value[0] in _DANGEROUS and not _NUMBER.match(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in _DANGEROUS:
        return value[1:]
    return value
