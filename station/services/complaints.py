"""The complaints register (投诉处理登记表): record, handle step by step, close with an outcome."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database

from station.db.consignment_models import ConsignmentLot
from station.db.oversight_models import Complaint, ComplaintStep
from station.db.parcel_models import Parcel
from station.db.purchase_models import Purchase, PurchaseItem
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.text import clean_text
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require_counter
from station.services.dashboard import Tile

CATEGORIES = ("parcel_lost", "parcel_damaged", "wrong_item", "refund", "attitude", "other")
CHANNELS = ("in_person", "phone", "wechat", "county")
LINK_KINDS = ("parcel", "purchase", "lot")
RECENT_LINKS = 15  # per kind, newest first


@dataclass(frozen=True)
class Link:
    """What a complaint is about: kind (parcel | purchase | lot), its id, and how it is shown."""

    kind: str
    id: int
    text: str

    @property
    def value(self) -> str:
        return f"{self.kind}:{self.id}"


def parse_link(value: str) -> tuple[str, int] | None:
    """ "purchase:12" → ("purchase", 12); "" → None."""
    if not value:
        return None
    kind, _, number = value.partition(":")
    if kind not in LINK_KINDS or not number.isdigit():
        raise InvalidInput("complaint.bad_link", link=value)
    return kind, int(number)


def link_text(kind: str, row) -> str:
    if kind == "parcel":
        return f"{row.pickup_code} {row.tracking_no}"
    if kind == "purchase":
        items = PurchaseItem.select().where(PurchaseItem.purchase == row.id).order_by(PurchaseItem.id)
        return f"#{row.id} " + " ".join(item.description for item in items)[:30]
    return f"{row.lot_no} {row.product}"


MODELS = {"parcel": Parcel, "purchase": Purchase, "lot": ConsignmentLot}
COLUMNS = {"parcel": "parcel_id", "purchase": "purchase_id", "lot": "lot_id"}


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
    link: Link | None
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
            row.villager.name if row.villager else "",
            row.channel,
            row.category,
            row.text,
            row.status,
            row.parcel_id,
            row.purchase_id,
            self.link_of(row),
            row.opened_at,
            row.closed_at,
            row.outcome,
            steps,
        )

    def link_of(self, row: Complaint) -> Link | None:
        for kind in LINK_KINDS:
            linked_id = getattr(row, COLUMNS[kind])
            if linked_id:
                linked = MODELS[kind].get_or_none(MODELS[kind].id == linked_id)
                return Link(kind, linked_id, link_text(kind, linked) if linked else f"#{linked_id}")
        return None

    def link_candidates(self, villager_id: int) -> list[Link]:
        """The villager's recent parcels, orders and consigned lots, to pick what it is about."""
        found = []
        for kind, owner in (
            ("parcel", Parcel.villager),
            ("purchase", Purchase.villager),
            ("lot", ConsignmentLot.consignor),
        ):
            model = MODELS[kind]
            query = model.select().where(owner == villager_id).order_by(model.id.desc()).limit(RECENT_LINKS)
            found += [Link(kind, row.id, link_text(kind, row)) for row in query]
        return found

    def about(self, kind: str, record_id: int) -> list[ComplaintInfo]:
        """The other direction: complaints about this parcel, order or lot."""
        if kind not in LINK_KINDS:
            raise InvalidInput("complaint.bad_link", link=kind)
        column = getattr(Complaint, COLUMNS[kind])
        return [self.info(row) for row in Complaint.select().where(column == record_id).order_by(Complaint.id)]

    def about_many(self, kind: str, record_ids: list[int]) -> dict[int, list[ComplaintInfo]]:
        """Complaints about each of these parcels or lots (for a list's marks), by record id."""
        if kind not in LINK_KINDS:
            raise InvalidInput("complaint.bad_link", link=kind)
        column = getattr(Complaint, COLUMNS[kind])
        found: dict[int, list[ComplaintInfo]] = {}
        if not record_ids:
            return found
        for row in Complaint.select().where(column.in_(record_ids)).order_by(Complaint.id):
            found.setdefault(getattr(row, COLUMNS[kind]), []).append(self.info(row))
        return found

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
        link: str = "",
    ) -> ComplaintInfo:
        """`link` is "parcel:ID", "purchase:ID" or "lot:ID" (what the complaint is about)."""
        require_counter(by)
        linked = parse_link(link)
        ids = {"parcel_id": parcel_id, "purchase_id": purchase_id, "lot_id": None}
        if linked is not None:
            kind, record_id = linked
            if MODELS[kind].get_or_none(MODELS[kind].id == record_id) is None:
                raise NotFound("complaint.link_not_found", link=link)
            ids[COLUMNS[kind]] = record_id
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
                **ids,
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
            row.status, row.outcome, row.closed_at = "closed", outcome.strip(), self.clock.now()
            row.handled_by_id = by.id
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
