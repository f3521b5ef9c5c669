"""Names and free text typed at the counter: no control characters, bounded length."""

from __future__ import annotations

import unicodedata

from station.domain.errors import InvalidInput

NAME_MAX = 40
NOTE_MAX = 500
_INVISIBLE = ("Cc", "Cf", "Cs", "Co")  # controls, zero-width/format, surrogates, private use


def _check_invisible(text: str) -> None:
    for ch in text:
        if unicodedata.category(ch) in _INVISIBLE:
            raise InvalidInput("validation.control_char", code=f"U+{ord(ch):04X}")


def clean_text(text: str | None, *, max_len: int = NOTE_MAX, required_key: str | None = None) -> str:
    """Tabs and line breaks become spaces, runs of spaces one; other control characters
    (NUL, ESC, zero-width space …) are refused with a message; at most `max_len` characters."""
    cleaned = " ".join(unicodedata.normalize("NFC", text or "").split())
    _check_invisible(cleaned)
    if not cleaned and required_key:
        raise InvalidInput(required_key)
    if len(cleaned) > max_len:
        raise InvalidInput("error.too_long", max=max_len)
    return cleaned


def clean_name(text: str | None, *, required_key: str | None = None, max_len: int = NAME_MAX) -> str:
    """A person's, product's or station's name: one line, at most 40 characters."""
    return clean_text(text, max_len=max_len, required_key=required_key)


def parse_count(text: str | None) -> int:
    """A count typed at the counter (parcels handed over, pieces claimed): digits only, 0 or more."""
    cleaned = (text or "").strip()
    if not cleaned.isascii() or not cleaned.isdigit():
        raise InvalidInput("count.not_a_number", text=text or "")
    return int(cleaned)
