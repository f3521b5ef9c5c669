"""Calendar months and dates as people type them: one parser for every place that needs one."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

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
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput("error.bad_date", text=text) from None


def optional_date(text: str) -> dt.date | None:
    return parse_date(text) if (text or "").strip() else None


_DAYS = re.compile(r"(\d{1,4})\s*(?:\u5929|\u65e5|d|day|days)?", re.IGNORECASE)  # tian / ri: "day" in Chinese


def parse_shelf_life(text: str, today: dt.date) -> dt.date | None:
    """A best-before date typed as a date ("2026-12-13") or as days from today ("20", "20 天")."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if not cleaned:
        return None
    days = _DAYS.fullmatch(cleaned)
    if days:
        if int(days.group(1)) == 0:
            raise InvalidInput("error.bad_shelf_life", text=text)
        return today + dt.timedelta(days=int(days.group(1)))
    try:
        return dt.date.fromisoformat(cleaned.replace("/", "-"))
    except ValueError:
        raise InvalidInput("error.bad_shelf_life", text=text) from None
