"""Calendar periods as people type them: the one Period type and the one parser for every place
that needs a month, a day or a range (reports, exports, utilities, the CLI and the screens)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from station.domain.errors import InvalidInput

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Whole days from `start` up to, not including, `end`."""

    start: dt.date
    end: dt.date  # exclusive

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_at(self) -> dt.datetime:
        return dt.datetime.combine(self.end, dt.time())

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days)]

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == _next_month(self.start)

    @property
    def label(self) -> str:
        """ "2026-11" for a calendar month, "2026-11-23" for one day, else "FROM..TO"."""
        if self.is_month:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return str(self.start) if self.last == self.start else f"{self.start}..{self.last}"


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_of(day: dt.date) -> Period:
    first = day.replace(day=1)
    return Period(first, _next_month(first))


def previous_month(today: dt.date) -> Period:
    """The calendar month before the one `today` is in (what the county asks for)."""
    return month_of(today.replace(day=1) - dt.timedelta(days=1))


def parse_month(text: str) -> Period:
    """ "2026-11" → the calendar month (years 2000–2100)."""
    match = _MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise InvalidInput("utility.bad_period", text=text)
    return month_of(dt.date(int(match.group(1)), int(match.group(2)), 1))


def parse_period(text: str, today: dt.date) -> Period:
    """day | week | month (ending today), YYYY-MM, YYYY-MM-DD, or FROM..TO (inclusive)."""
    text = (text or "month").strip()
    relative = {"day": 1, "week": 7, "month": 30}
    if text in relative:
        return Period(today - dt.timedelta(days=relative[text] - 1), today + dt.timedelta(days=1))
    if _MONTH.match(text):
        try:
            return parse_month(text)
        except InvalidInput:
            raise InvalidInput("report.bad_period", text=text) from None
    try:
        if ".." in text:
            first, last = (dt.date.fromisoformat(part.strip()) for part in text.split("..", 1))
        else:
            first = last = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("report.bad_period", text=text) from None
    if last < first or (last - first).days > MAX_RANGE_DAYS or not 2000 <= first.year <= last.year <= 2100:
        raise InvalidInput("report.bad_period", text=text)
    return Period(first, last + dt.timedelta(days=1))


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
