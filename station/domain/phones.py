"""Mainland phone numbers: validation, tails and masking for display and export."""

from __future__ import annotations

import re

from station.domain.errors import InvalidInput
from station.domain.money import normalise_number_text

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
# Area code 0 + 2–3 digits (never 00…), local number 7–8 digits starting 2–9.
LANDLINE = re.compile(r"^0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}$")
TAIL = re.compile(r"^[0-9]{4}$")
_SEPARATORS = re.compile(r"[\s\-]")


def normalise_phone(text: str) -> str:
    """Full-width to ASCII, drop spaces and a +86 prefix; `138-0013-8000` → `13800138000`.

    A landline keeps one dash after its area code (`0571-88886666`).
    """
    cleaned = normalise_number_text(text or "")
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    elif cleaned.startswith("0086"):
        cleaned = cleaned[4:]
    digits = _SEPARATORS.sub("", cleaned)
    if MOBILE.match(digits) or not cleaned.startswith("0") or cleaned.count("-") != 1:
        return digits
    return cleaned


def parse_phone(text: str, *, allow_empty: bool = False) -> str:
    """An 11-digit mobile or a landline with area code; else a clear error."""
    cleaned = normalise_phone(text)
    if not cleaned and allow_empty:
        return ""
    if MOBILE.match(cleaned) or LANDLINE.match(cleaned):
        return cleaned
    if cleaned and set(cleaned) <= set("0-"):
        raise InvalidInput("validation.phone_impossible", text=text)
    raise InvalidInput("phone.invalid", text=text)


def parse_phone_tail(text: str) -> str:
    """The last four digits of a phone number, as read from a label or said at the counter."""
    cleaned = normalise_phone(text)
    if TAIL.match(cleaned):
        return cleaned
    raise InvalidInput("phone.tail_invalid", text=text)


def phone_tail(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-4:]


def mask_phone(phone: str) -> str:
    """`13812345678` → `138****5678`; a landline keeps its first and last two digits."""
    if not phone:
        return ""
    if MOBILE.match(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) <= 4:
        return "*" * len(phone)
    return f"{phone[:2]}{'*' * (len(phone) - 4)}{phone[-2:]}"


def mask_name(name: str) -> str:
    """`张三` → `张*`, `欧阳娜娜` → `欧***`; first character kept, the rest starred."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else name
