"""The villager directory: add, edit, and search as you type (name, pinyin initials, phone)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import Case, Database, Node

from station.db.consignment_models import ConsignmentLot
from station.db.models import Villager
from station.domain.clock import Clock
from station.domain.errors import NotFound, StationError
from station.domain.money import normalise_number_text
from station.domain.phones import mask_name, mask_phone, parse_phone, phone_tail
from station.domain.text import clean_name, clean_text
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require_counter

_ASCII_LETTERS = re.compile(r"^[a-z]+$")
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class VillagerInfo:
    id: int
    name: str
    phone: str
    village_group: str
    note: str
    initials: str

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


class PossibleDuplicate(StationError):
    """Someone with this phone or name is already in the directory."""

    key = "villagers.possible_duplicate"


def initials_of(name: str) -> str:
    """Pinyin first letters: 张三 → zs; letters and digits in the name are kept as they are."""
    # Imported here: pypinyin loads a large phrase dictionary (~0.25 s) that start-up never needs.
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER)  # other characters come through as they are
    return "".join(letters).lower().replace(" ", "")


def _info(row: Villager) -> VillagerInfo:
    return VillagerInfo(row.id, row.name, row.phone, row.village_group, row.note, row.initials)


class VillagerService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit

    def _clean(self, name: str, phone: str) -> tuple[str, str]:
        name = clean_name(name, required_key="villagers.name_required")
        return name, parse_phone(phone, allow_empty=True)

    def duplicates_of(self, name: str, phone: str, *, except_id: int | None = None) -> list[VillagerInfo]:
        condition = Villager.name == name
        if phone:
            condition |= Villager.phone == phone
        query = Villager.select().where(condition)
        if except_id is not None:
            query = query.where(Villager.id != except_id)
        return [_info(row) for row in query.limit(5)]

    def add(
        self,
        by: OperatorInfo,
        *,
        name: str,
        phone: str = "",
        village_group: str = "",
        note: str = "",
        allow_duplicate: bool = False,
    ) -> VillagerInfo:
        require_counter(by)
        name, phone = self._clean(name, phone)
        village_group, note = clean_name(village_group), clean_text(note)
        with self.db.atomic():
            duplicates = self.duplicates_of(name, phone)
            if duplicates and not allow_duplicate:
                raise PossibleDuplicate(names="、".join(d.name for d in duplicates))
            now = self.clock.now()
            row = Villager.create(
                name=name,
                initials=initials_of(name),
                phone=phone,
                phone_tail=phone_tail(phone),
                village_group=village_group,
                note=note,
                created_at=now,
                updated_at=now,
            )
            self.audit.record("villager.added", by.id, ref=f"villager:{row.id}")
        return _info(row)

    def update(
        self,
        by: OperatorInfo,
        villager_id: int,
        *,
        name: str,
        phone: str = "",
        village_group: str = "",
        note: str = "",
        allow_duplicate: bool = False,
    ) -> VillagerInfo:
        require_counter(by)
        name, phone = self._clean(name, phone)
        village_group, note = clean_name(village_group), clean_text(note)
        with self.db.atomic():
            row = Villager.get_or_none(Villager.id == villager_id)
            if row is None:
                raise NotFound("villagers.not_found")
            duplicates = self.duplicates_of(name, phone, except_id=villager_id)
            if duplicates and not allow_duplicate:
                raise PossibleDuplicate(names="、".join(d.name for d in duplicates))
            row.name, row.initials = name, initials_of(name)
            row.phone, row.phone_tail = phone, phone_tail(phone)
            row.village_group, row.note = village_group, note
            row.updated_at = self.clock.now()
            row.save()
            self.audit.record("villager.updated", by.id, ref=f"villager:{row.id}")
        return _info(row)

    def get(self, villager_id: int) -> VillagerInfo:
        row = Villager.get_or_none(Villager.id == villager_id)
        if row is None:
            raise NotFound("villagers.not_found")
        return _info(row)

    def count(self) -> int:
        return Villager.select().count()

    def search(self, text: str, *, limit: int = 50, consignors_first: bool = False) -> list[VillagerInfo]:
        """Search by name part, pinyin initials prefix (`zs` → 张三) or phone digits.

        `consignors_first`: villagers who have consigned goods come before the others."""
        query_text = normalise_number_text(text or "").lower()
        query = Villager.select()
        order: list[Node]
        if not query_text:
            order = [Villager.updated_at.desc()]
        elif _DIGITS.match(query_text):
            if len(query_text) == 4:
                condition = Villager.phone_tail == query_text
            else:
                condition = Villager.phone.contains(query_text)
            query, order = query.where(condition), [Villager.name]
        elif _ASCII_LETTERS.match(query_text):
            # A range on the indexed column: LIKE 'zs%' would not use the index.
            upper = query_text[:-1] + chr(ord(query_text[-1]) + 1)
            query = query.where((Villager.initials >= query_text) & (Villager.initials < upper))
            order = [Villager.initials, Villager.name]
        else:
            query, order = query.where(Villager.name.contains(query_text)), [Villager.name]
        if consignors_first:
            consignors = ConsignmentLot.select(ConsignmentLot.consignor)
            order = [Case(None, [(Villager.id.in_(consignors), 0)], 1), *order]
        query = query.order_by(*order)
        return [_info(row) for row in query.limit(limit)]
