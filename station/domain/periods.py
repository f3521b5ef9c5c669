"""Calendar months and dates as people type them: one parser for every place that needs one."""

from __future__ import annotations

import datetime as dt
import re

from station.domain.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> tuple[str, dt.date, dt.date]:
    """ "2026-11" → ("2026-11", 2026-11-01, 2026-12-01): label, first day, first day after."""
    match = _MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise InvalidInput("utility.bad_period", text=text)
    year, month = int(match.group(1)), int(match.group(2))
    return match.group(0), dt.date(year, month, 1), dt.date(year + (month == 12), month % 12 + 1, 1)


def parse_date(text: str) -> dt.date:
    """A date as typed; years outside 1900–2199 (9999-12-31) are refused, not overflowed."""
    try:
        day = dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput("error.bad_date", text=text) from None
    if not 1900 <= day.year <= 2199:
        raise InvalidInput("error.bad_date", text=text)
    return day


def optional_date(text: str) -> dt.date | None:
    return parse_date(text) if (text or "").strip() else None
