"""The complaints register (投诉处理登记表): record, handle step by step, close with an outcome."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database

from station.db.oversight_models import Complaint, ComplaintStep
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.text import clean_text
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require_counter
from station.services.dashboard import Tile

CATEGORIES = ("parcel_lost", "parcel_damaged", "wrong_item", "refund", "attitude", "other")
CHANNELS = ("in_person", "phone", "wechat", "county")


@dataclass(frozen=True)
class ComplaintInfo:
    id: int
    villager_name: str
    channel: str
    category: str
    text: str
    status: str
    parcel_id: int | None
    purchase_id: int | None
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    outcome: str
    steps: tuple[tuple[dt.datetime, str, str], ...]

    @property
    def hours_to_resolve(self) -> float | None:
        if self.closed_at is None:
            return None
        return round((self.closed_at - self.opened_at).total_seconds() / 3600, 1)


class ComplaintService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit

    def info(self, row: Complaint) -> ComplaintInfo:
        steps = tuple(
            (s.at, s.operator.name, s.note)
            for s in ComplaintStep.select().where(ComplaintStep.complaint == row.id).order_by(ComplaintStep.id)
        )
        return ComplaintInfo(
            row.id,
            row.villager.name if row.villager_id else "",
            row.channel,
            row.category,
            row.text,
            row.status,
            row.parcel_id,
            row.purchase_id,
            row.opened_at,
            row.closed_at,
            row.outcome,
            steps,
        )

    def register(
        self,
        by: OperatorInfo,
        *,
        channel: str,
        category: str,
        text: str,
        villager_id: int | None = None,
        parcel_id: int | None = None,
        purchase_id: int | None = None,
    ) -> ComplaintInfo:
        require_counter(by)
        if channel not in CHANNELS:
            raise InvalidInput("complaint.bad_channel", channel=channel)
        if category not in CATEGORIES:
            raise InvalidInput("complaint.bad_category", category=category)
        text = clean_text(text, required_key="complaint.text_required")
        with self.db.atomic():
            row = Complaint.create(
                villager=villager_id,
                channel=channel,
                category=category,
                text=text.strip(),
                parcel_id=parcel_id,
                purchase_id=purchase_id,
                opened_at=self.clock.now(),
                opened_by=by.id,
            )
            self.audit.record("complaint.registered", by.id, ref=f"complaint:{row.id}", category=category)
        return self.info(row)

    def add_step(self, by: OperatorInfo, complaint_id: int, note: str) -> ComplaintInfo:
        require_counter(by)
        if not note.strip():
            raise InvalidInput("complaint.text_required")
        with self.db.atomic():
            row = self._open(complaint_id)
            ComplaintStep.create(complaint=row.id, at=self.clock.now(), operator=by.id, note=note.strip())
        return self.info(row)

    def close(self, by: OperatorInfo, complaint_id: int, outcome: str) -> ComplaintInfo:
        require_counter(by)
        if not outcome.strip():
            raise InvalidInput("complaint.outcome_required")
        with self.db.atomic():
            row = self._open(complaint_id)
            row.status, row.outcome, row.closed_at, row.handled_by = "closed", outcome.strip(), self.clock.now(), by.id
            row.save()
            self.audit.record("complaint.closed", by.id, ref=f"complaint:{row.id}")
        return self.info(row)

    def _open(self, complaint_id: int) -> Complaint:
        row = Complaint.get_or_none(Complaint.id == complaint_id)
        if row is None:
            raise NotFound("complaint.not_found")
        if row.status != "open":
            raise NotAllowed("complaint.closed")
        return row

    def list(self, *, open_only: bool = False, limit: int = 300) -> list[ComplaintInfo]:
        query = Complaint.select().order_by(Complaint.id.desc()).limit(limit)
        if open_only:
            query = query.where(Complaint.status == "open")
        return [self.info(row) for row in query]

    def tile(self) -> Tile:
        count = Complaint.select().where(Complaint.status == "open").count()
        return Tile("tile.complaints", (("tile.complaints_open", str(count), count > 0),))
