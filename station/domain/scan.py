"""Clean what a barcode scanner (or a person) typed into a tracking number."""

from __future__ import annotations

import re
import unicodedata

from station.domain.errors import InvalidInput

_TRACKING = re.compile(r"^[A-Z0-9]{6,30}$")
_DROP = re.compile(r"[ \-_]")
_SCANNER_ENDS = "\r\n\t \u3000"  # what scanners append (CR, LF, TAB) and stray spaces


def clean_scan(raw: str) -> str:
    """Strip a scanner's trailing CR/LF/TAB, full-width → half-width, uppercase; validate shape.

    A control character *inside* the number (NUL, ETX, ESC, a zero-width space…) is refused,
    not silently removed: removing it could turn one tracking number into another.
    """
    text = unicodedata.normalize("NFKC", (raw or "").strip(_SCANNER_ENDS))
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            raise InvalidInput("validation.scan_control", code=f"U+{ord(ch):04X}")
    text = _DROP.sub("", text).upper()
    if not text:
        raise InvalidInput("parcels.scan_empty")
    if not _TRACKING.match(text):
        raise InvalidInput("parcels.scan_invalid", text=text[:40])
    return text
