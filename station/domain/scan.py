"""Clean what a barcode scanner (or a person) typed into a tracking number."""

from __future__ import annotations

import re
import unicodedata

from station.domain.errors import InvalidInput

_TRACKING = re.compile(r"^[A-Z0-9]{6,30}$")
_DROP = re.compile(r"[\s\-_]")


def clean_scan(raw: str) -> str:
    """Strip control characters and spaces, full-width → half-width, uppercase; validate shape."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _DROP.sub("", text).upper()
    if not text:
        raise InvalidInput("parcels.scan_empty")
    if not _TRACKING.match(text):
        raise InvalidInput("parcels.scan_invalid", text=text[:40])
    return text
