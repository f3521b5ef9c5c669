"""What the partner types as a parcel's recipient at check-in, read into its parts.

"13900005678" or "5678" is a phone (or its tail), "王五 13512340000" a name with a phone,
anything else a name, pinyin initials ("zay") or part of a name to look up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@dataclass(frozen=True)
class RecipientText:
    kind: str  # "phone" | "name_phone" | "name" | "empty"
    name: str = ""
    phone: str = ""


def read_recipient(text: str) -> RecipientText:
    cleaned = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not cleaned:
        return RecipientText("empty")
    digits = cleaned.replace(" ", "").replace("-", "")
    if digits.isdigit():
        return RecipientText("phone", phone=digits)
    found = _MOBILE_IN_TEXT.search(cleaned)
    if found:
        name = " ".join((cleaned[: found.start()] + " " + cleaned[found.end() :]).split())
        return RecipientText("name_phone", name=name, phone=found.group())
    return RecipientText("name", name=cleaned)
