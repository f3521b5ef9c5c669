"""Check-in recipients: typed text resolved through the villager directory, never stored raw.

A phone or tail is kept as typed (a known mobile links its villager); a name, initials or part
of a name is looked up: one match is taken, several are offered to pick from, none is offered
to be added. Adding a villager and setting the parcel's recipient is one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from station.domain.errors import InvalidInput
from station.domain.recipients import read_recipient
from station.services.common import OperatorInfo, require_counter
from station.services.parcels import ParcelInfo, ParcelService
from station.services.villagers import VillagerInfo, VillagerService


@dataclass(frozen=True)
class Resolved:
    """Either the parcel with its recipient set, or what the counter must decide first."""

    parcel: ParcelInfo | None = None
    candidates: tuple[VillagerInfo, ...] = ()  # several matches: pick one
    add_name: str = ""  # nobody matches: offer to add (name, phone prefilled)
    add_phone: str = ""
    query: str = ""

    @property
    def offer_add(self) -> bool:
        return self.parcel is None and not self.candidates


class RecipientService:
    def __init__(self, parcels: ParcelService, villagers: VillagerService) -> None:
        self.parcels = parcels
        self.villagers = villagers

    def resolve(self, by: OperatorInfo, parcel_id: int, text: str) -> Resolved:
        require_counter(by)
        typed = read_recipient(text)
        if typed.kind == "empty":
            raise InvalidInput("parcels.recipient_required")
        if typed.kind == "phone":
            return Resolved(self.parcels.set_recipient(by, parcel_id, phone=typed.phone))
        if typed.kind == "name_phone":
            known = self.villagers.duplicates_of(typed.name, typed.phone)
            if not known:
                return Resolved(add_name=typed.name, add_phone=typed.phone, query=text)
            exact = [v for v in known if v.phone == typed.phone]
            if len(exact) == 1:
                return Resolved(self.parcels.set_recipient(by, parcel_id, villager_id=exact[0].id))
            return Resolved(candidates=tuple(known), query=typed.name)
        found = self.villagers.search(typed.name, limit=30)
        if len(found) == 1:
            return Resolved(self.parcels.set_recipient(by, parcel_id, villager_id=found[0].id))
        if found:
            return Resolved(candidates=tuple(found), query=typed.name)
        latin = typed.name.isascii()  # initials are never a name
        return Resolved(add_name="" if latin else typed.name, query=text)

    def add_and_set(self, by: OperatorInfo, parcel_id: int, *, name: str, phone: str = "") -> ParcelInfo:
        """A new villager and this parcel's recipient, in one transaction."""
        require_counter(by)
        with self.parcels.db.atomic():
            villager = self.villagers.add(by, name=name, phone=phone)
            return self.parcels.set_recipient(by, parcel_id, villager_id=villager.id)
