"""Parcel check-in: scans at scanner speed, pickup codes, recipients, carriers, damage, notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import Database, IntegrityError

from station.config import ParcelConfig
from station.db import parcel_queries
from station.db.models import Villager
from station.db.parcel_models import LIVE_STATUSES, CourierBatch, Parcel, ParcelNotice, on_shelf
from station.domain.carriers import CARRIERS, CarrierHint, carrier_for_scan, detect
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound, StationError
from station.domain.phones import MOBILE, mask_name, mask_phone, normalise_phone, parse_phone, phone_tail
from station.domain.pickup_codes import PickupCode, next_seq, validate_position
from station.domain.scan import clean_scan
from station.domain.text import clean_name, clean_text
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require_counter

CHANNELS = ("phone", "sms", "wechat", "in_person")


class DuplicateScan(StationError):
    key = "parcels.duplicate_scan"


@dataclass(frozen=True)
class ParcelInfo:
    id: int
    tracking_no: str
    carrier: str
    pickup_code: str
    status: str
    recipient_name: str
    recipient_phone: str
    phone_tail: str
    villager_id: int | None
    checked_in_at: dt.datetime
    notified_at: dt.datetime | None
    notify_channel: str
    consent: bool | None
    damaged: bool
    picked_up_at: dt.datetime | None
    purchase_id: int | None

    @property
    def recipient_display(self) -> str:
        name = self.recipient_name or ""
        phone = (
            mask_phone(self.recipient_phone)
            if self.recipient_phone
            else (f"****{self.phone_tail}" if self.phone_tail else "")
        )
        return " ".join(p for p in (name, phone) if p)

    @property
    def has_recipient(self) -> bool:
        return bool(self.villager_id or self.recipient_name or self.phone_tail)

    @property
    def masked_recipient(self) -> str:
        return " ".join(
            p for p in (mask_name(self.recipient_name), f"****{self.phone_tail}" if self.phone_tail else "") if p
        )


@dataclass(frozen=True)
class CheckedIn:
    parcel: ParcelInfo
    hints: tuple[CarrierHint, ...]
    batch_count: int


@dataclass(frozen=True)
class BatchInfo:
    id: int
    shelf: int
    layer: int
    carrier: str
    courier_name: str
    scanned_count: int
    claimed_count: int | None
    mismatch_note: str
    ended: bool


def parcel_info(row: Parcel) -> ParcelInfo:
    return ParcelInfo(
        row.id,
        row.tracking_no,
        row.carrier,
        row.pickup_code,
        row.status,
        row.recipient_name,
        row.recipient_phone,
        row.phone_tail,
        row.villager_id,
        row.checked_in_at,
        row.notified_at,
        row.notify_channel,
        row.consent,
        row.damaged,
        row.picked_up_at,
        row.purchase_id,
    )


def _batch_info(row: CourierBatch) -> BatchInfo:
    return BatchInfo(
        row.id,
        row.shelf,
        row.layer,
        row.carrier,
        row.courier_name,
        row.scanned_count,
        row.claimed_count,
        row.mismatch_note,
        row.ended_at is not None,
    )


def live_parcel(parcel_id: int) -> Parcel:
    row = Parcel.get_or_none(Parcel.id == parcel_id)
    if row is None:
        raise NotFound("parcels.not_found")
    if row.status not in LIVE_STATUSES:
        raise NotAllowed("parcels.not_on_shelf", code=row.pickup_code, status=row.status)
    return row


class ParcelService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, config: ParcelConfig) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.config = config

    # -- courier batches ---------------------------------------------------------------
    def start_batch(
        self, by: OperatorInfo, *, shelf: int, layer: int, carrier: str = "", courier_name: str = ""
    ) -> BatchInfo:
        require_counter(by)
        validate_position(shelf, layer, shelves=self.config.shelves, layers=self.config.layers)
        if carrier and carrier not in CARRIERS:
            raise InvalidInput("parcels.bad_carrier", carrier=carrier)
        courier_name = clean_name(courier_name)
        with self.db.atomic():
            row = CourierBatch.create(
                started_at=self.clock.now(),
                shelf=shelf,
                layer=layer,
                carrier=carrier,
                courier_name=courier_name.strip(),
                operator=by.id,
            )
        return _batch_info(row)

    def end_batch(
        self, by: OperatorInfo, batch_id: int, *, claimed_count: int, courier_name: str = "", note: str = ""
    ) -> BatchInfo:
        """The courier handover: scanned vs claimed; a mismatch needs a note."""
        require_counter(by)
        if claimed_count < 0:
            raise InvalidInput("parcels.bad_count")
        with self.db.atomic():
            row = CourierBatch.get_or_none(CourierBatch.id == batch_id)
            if row is None:
                raise NotFound("parcels.no_batch")
            if row.ended_at is not None:
                raise NotAllowed("parcels.batch_ended")
            if claimed_count != row.scanned_count and not note.strip():
                raise InvalidInput("parcels.mismatch_needs_note", scanned=row.scanned_count, claimed=claimed_count)
            row.claimed_count, row.mismatch_note = claimed_count, note.strip()
            row.courier_name = courier_name.strip() or row.courier_name
            row.ended_at = self.clock.now()
            row.save()
            if claimed_count != row.scanned_count:
                self.audit.record(
                    "parcels.batch_mismatch",
                    by.id,
                    ref=f"batch:{row.id}",
                    scanned=row.scanned_count,
                    claimed=claimed_count,
                    note=row.mismatch_note,
                )
        return _batch_info(row)

    def open_batches(self) -> list[BatchInfo]:
        """Batches never ended (the app or the power went off mid-batch), newest first."""
        query = CourierBatch.select().where(CourierBatch.ended_at.is_null()).order_by(CourierBatch.id.desc())
        return [_batch_info(row) for row in query]

    def batch(self, batch_id: int) -> BatchInfo:
        row = CourierBatch.get_or_none(CourierBatch.id == batch_id)
        if row is None:
            raise NotFound("parcels.no_batch")
        return _batch_info(row)

    # -- check-in ----------------------------------------------------------------------
    def check_in(self, by: OperatorInfo, raw_scan: str, *, batch_id: int, carrier: str | None = None) -> CheckedIn:
        """One scan = one parcel on the batch's shelf, with a fresh pickup code."""
        require_counter(by)
        tracking_no = clean_scan(raw_scan)
        hints = tuple(detect(tracking_no))
        now = self.clock.now()
        with self.db.atomic():  # fixed SQL: this runs once per scan (see db/parcel_queries)
            batch = parcel_queries.count_scan(self.db, batch_id)
            if batch is None:
                raise NotAllowed("parcels.batch_ended")
            shelf, layer, batch_carrier, scanned = batch
            if parcel_queries.waiting_by_tracking_no(self.db, tracking_no):
                raise DuplicateScan(tracking_no=tracking_no)
            code = PickupCode(shelf, layer, self._free_seq(shelf))
            chosen = carrier or carrier_for_scan(tracking_no, batch_carrier)
            try:
                parcel_id = parcel_queries.insert_parcel(
                    self.db,
                    tracking_no=tracking_no,
                    raw_scan=raw_scan,
                    carrier=chosen,
                    carrier_overridden=bool(carrier),
                    shelf=shelf,
                    layer=layer,
                    seq=code.seq,
                    pickup_code=str(code),
                    checked_in_at=now,
                    batch_id=batch_id,
                    checked_in_by=by.id,
                )
            except IntegrityError as error:  # another process took the code or the number
                raise DuplicateScan(tracking_no=tracking_no) from error
        parcel = ParcelInfo(
            id=parcel_id,
            tracking_no=tracking_no,
            carrier=chosen,
            pickup_code=str(code),
            status="in",
            recipient_name="",
            recipient_phone="",
            phone_tail="",
            villager_id=None,
            checked_in_at=now,
            notified_at=None,
            notify_channel="",
            consent=None,
            damaged=False,
            picked_up_at=None,
            purchase_id=None,
        )
        return CheckedIn(parcel, hints, scanned)

    def _free_seq(self, shelf: int) -> int:
        """Scan order: one past the highest live seq on the shelf (one indexed read)."""
        return next_seq(
            parcel_queries.max_seq_on_shelf(self.db, shelf), lambda: parcel_queries.seqs_on_shelf(self.db, shelf)
        )

    def set_recipient(
        self, by: OperatorInfo, parcel_id: int, *, villager_id: int | None = None, name: str = "", phone: str = ""
    ) -> ParcelInfo:
        """Link a villager, or keep a name and a phone (or only its last four digits)."""
        require_counter(by)
        name = " ".join(name.split())
        cleaned = normalise_phone(phone)
        full_phone, tail = "", ""
        if cleaned:
            if len(cleaned) == 4 and cleaned.isdigit():
                tail = cleaned
            else:
                full_phone = parse_phone(phone)
                tail = phone_tail(full_phone)
        with self.db.atomic():
            row = live_parcel(parcel_id)
            villager = None
            if villager_id is not None:
                villager = Villager.get_or_none(Villager.id == villager_id)
                if villager is None:
                    raise NotFound("villagers.not_found")
            elif full_phone and MOBILE.match(full_phone):
                villager = Villager.select().where(Villager.phone == full_phone).first()
            if villager is not None:
                row.villager_id = villager.id
                row.recipient_name = villager.name
                row.recipient_phone = villager.phone
                row.phone_tail = villager.phone_tail
            else:
                if not name and not tail:
                    raise InvalidInput("parcels.recipient_required")
                row.villager = None
                row.recipient_name, row.recipient_phone, row.phone_tail = name, full_phone, tail
            row.save()
        return parcel_info(row)

    def override_carrier(self, by: OperatorInfo, parcel_id: int, carrier: str) -> ParcelInfo:
        require_counter(by)
        if carrier not in CARRIERS:
            raise InvalidInput("parcels.bad_carrier", carrier=carrier)
        with self.db.atomic():
            row = live_parcel(parcel_id)
            row.carrier, row.carrier_overridden = carrier, True
            row.save()
        return parcel_info(row)

    def mark_damaged(self, by: OperatorInfo, parcel_id: int, *, note: str, photo_path: str = "") -> ParcelInfo:
        require_counter(by)
        note = clean_text(note)
        if not note.strip():
            raise InvalidInput("parcels.damage_note_required")
        with self.db.atomic():
            row = live_parcel(parcel_id)
            row.damaged, row.damage_note, row.photo_path = True, note.strip(), photo_path.strip()
            row.save()
            self.audit.record("parcels.damaged", by.id, ref=f"parcel:{row.id}", note=row.damage_note)
        return parcel_info(row)

    # -- notification and consent ------------------------------------------------------
    def mark_notified(
        self, by: OperatorInfo, parcel_ids: Sequence[int], *, channel: str, consent: bool | None, note: str = ""
    ) -> list[ParcelInfo]:
        """Record that the villagers were told (and what they said about station storage)."""
        require_counter(by)
        if channel not in CHANNELS:
            raise InvalidInput("parcels.bad_channel", channel=channel)
        if not parcel_ids:
            raise InvalidInput("parcels.none_selected")
        if consent is False and not note.strip():
            raise InvalidInput("parcels.refusal_needs_note")
        now = self.clock.now()
        with self.db.atomic():
            rows = [live_parcel(pid) for pid in parcel_ids]
            nobody = [row.pickup_code for row in rows if not (row.villager_id or row.recipient_name or row.phone_tail)]
            if nobody:
                raise NotAllowed("handover.notify_needs_recipient", codes=", ".join(nobody), n=len(nobody))
            for row in rows:
                ParcelNotice.create(
                    parcel=row.id, at=now, channel=channel, consent=consent, note=note.strip(), operator=by.id
                )
                row.status, row.notified_at, row.notify_channel = "notified", now, channel
                if consent is not None:
                    row.consent = consent
                row.save()
        return [parcel_info(row) for row in rows]

    def notices(self, parcel_id: int) -> list[tuple[dt.datetime, str, bool | None, str]]:
        query = ParcelNotice.select().where(ParcelNotice.parcel == parcel_id).order_by(ParcelNotice.id)
        return [(n.at, n.channel, n.consent, n.note) for n in query]

    # -- lists -------------------------------------------------------------------------
    def get(self, parcel_id: int) -> ParcelInfo:
        row = Parcel.get_or_none(Parcel.id == parcel_id)
        if row is None:
            raise NotFound("parcels.not_found")
        return parcel_info(row)

    def find_live(self, tracking_no: str) -> ParcelInfo | None:
        row = Parcel.select().where((Parcel.tracking_no == clean_scan(tracking_no)) & on_shelf()).first()
        return parcel_info(row) if row else None

    def live(self, limit: int = 5000) -> list[ParcelInfo]:
        query = Parcel.select().where(on_shelf()).order_by(Parcel.checked_in_at).limit(limit)
        return [parcel_info(row) for row in query]

    def unnotified(self, limit: int = 500) -> list[ParcelInfo]:
        query = Parcel.select().where(Parcel.status == "in").order_by(Parcel.checked_in_at).limit(limit)
        return [parcel_info(row) for row in query]

    def in_batch(self, batch_id: int) -> list[ParcelInfo]:
        query = Parcel.select().where(Parcel.batch == batch_id).order_by(Parcel.id.desc())
        return [parcel_info(row) for row in query]
