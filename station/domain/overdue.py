"""Overdue buckets by whole days on the shelf: [3, 7, 15] → 3–7, 7–15, 15+ days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def days_on_shelf(checked_in_at: dt.datetime, now: dt.datetime) -> int:
    return (now.date() - checked_in_at.date()).days


def bucket(days: int, thresholds: Sequence[int]) -> int:
    """0 = not overdue; 1, 2, 3 = the buckets from the thresholds."""
    level = 0
    for i, threshold in enumerate(thresholds, start=1):
        if days >= threshold:
            level = i
    return level
