"""The station code the county office issues (e.g. ZJ-AJ-0317): it names the station in every
export, the county's enrolment and its reports, so it is an identifier, not free text."""

from __future__ import annotations

import re
import unicodedata

from station.domain.errors import InvalidInput

CODE_MAX = 24
_CODE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9-]{{0,{CODE_MAX - 1}}}", re.ASCII)


def parse_station_code(text: str | None, *, required_key: str = "setup.station_code_required") -> str:
    """Letters, digits and '-' as the county wrote them (case kept: the county matches exports
    by code); full-width characters typed with a Chinese IME are accepted as their ASCII."""
    code = unicodedata.normalize("NFKC", text or "").strip()
    if not code:
        raise InvalidInput(required_key)
    if not _CODE.fullmatch(code):
        raise InvalidInput("setup.station_code_invalid", text=(text or "")[:40], max=CODE_MAX)
    return code
