"""What the partner types as a parcel's recipient at check-in, read into its parts.

"13900005678" or "5678" is a phone (or its tail), "王五 13512340000" a name with a phone,
anything else a name, pinyin initials ("zay") or part of a name to look up.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.domain.money import normalise_number_text
from station.domain.phones import MOBILE


@dataclass(frozen=True)
class RecipientText:
    kind: str  # "phone" | "name_phone" | "name" | "empty"
    name: str = ""
    phone: str = ""


def read_recipient(text: str) -> RecipientText:
    cleaned = " ".join(normalise_number_text(text or "").split())
    if not cleaned:
        return RecipientText("empty")
    digits = cleaned.replace(" ", "").replace("-", "")
    if digits.isdigit():
        return RecipientText("phone", phone=digits)
    words = cleaned.split()
    phone = next((w for w in words if MOBILE.match(w)), "")
    if phone:
        return RecipientText("name_phone", name=" ".join(w for w in words if w != phone), phone=phone)
    return RecipientText("name", name=cleaned)
