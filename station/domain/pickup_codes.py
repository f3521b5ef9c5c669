"""Pickup codes `<shelf>-<layer>-<seq>` (e.g. `4-2-0329`): seq unique on the shelf while live.

Sequences follow the scan order (one past the highest live number on the shelf), so the codes
on a shelf follow the physical stack; past 9999 the lowest free number is used. Villagers who
say "尾号 6312" are found by the waybill's tail (its own index), not by the code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass

from station.domain.errors import InvalidInput, StationError

MAX_SEQ = 9999
_CODE = re.compile(r"^(\d{1,2})-(\d)-(\d{4})$")


@dataclass(frozen=True)
class PickupCode:
    shelf: int
    layer: int
    seq: int

    def __str__(self) -> str:
        return f"{self.shelf}-{self.layer}-{self.seq:04d}"


class ShelfFull(StationError):
    key = "parcels.shelf_full"


def next_seq(highest: int | None, taken: Callable[[], Collection[int]]) -> int:
    """Scan order: one past the shelf's highest live seq; at the end, the lowest free (`taken` is read lazily)."""
    if highest is None:
        return 1
    if highest < MAX_SEQ:
        return highest + 1
    in_use = taken()
    for seq in range(1, MAX_SEQ + 1):
        if seq not in in_use:
            return seq
    raise ShelfFull()


def parse_code(text: str) -> PickupCode:
    """Read a code as typed: full-width digits, dashes, dots or spaces as separators."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    cleaned = re.sub(r"[\s.．—－_]+", "-", cleaned)
    match = _CODE.match(cleaned)
    if not match:
        raise InvalidInput("parcels.code_invalid", text=text)
    shelf, layer, seq = (int(g) for g in match.groups())
    return PickupCode(shelf, layer, seq)


def validate_position(shelf: int, layer: int, *, shelves: int, layers: int) -> None:
    if not 1 <= shelf <= shelves:
        raise InvalidInput("parcels.bad_shelf", shelf=shelf, shelves=shelves)
    if not 1 <= layer <= layers:
        raise InvalidInput("parcels.bad_layer", layer=layer, layers=layers)
