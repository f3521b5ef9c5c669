"""寄件: a villager sends a parcel; freight from the courier's rate card; receipt with a QR;
the courier's tracking number added later; hand-over to the courier in a counted batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from station.db.courier_models import Shipment, ShipmentBatch
from station.db.models import Villager
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.money import format_fen
from station.domain.phones import mask_name, mask_phone, parse_phone
from station.domain.rate_cards import FreightQuote, RateCard, commission_fen, freight, normalise_courier
from station.domain.scan import clean_scan
from station.domain.tariffs import format_scaled
from station.printing.layout import Element, Row, Text
from station.printing.receipts import build_receipt
from station.services.common import CounterService, OperatorInfo, require_counter
from station.services.couriers import account
from station.services.ledger import PAYMENT_METHODS, Line
from station.services.rate_cards import RateCardService

MAX_TEXT = 200


@dataclass(frozen=True)
class ShipmentInfo:
    id: int
    shipment_no: str
    created_at: dt.datetime
    sender_name: str
    receiver_name: str
    receiver_phone: str
    receiver_address: str
    province: str
    zone: str
    weight_g: int
    chargeable_g: int
    contents: str
    courier: str
    quoted_fen: int
    freight_fen: int
    override_reason: str
    commission_fen: int
    method: str
    tracking_no: str
    status: str


@dataclass(frozen=True)
class Sent:
    shipment: ShipmentInfo
    job_id: int


@dataclass(frozen=True)
class BatchHandedOver:
    batch_id: int
    courier: str
    count: int
    claimed_count: int
    job_id: int


def shipment_info(row: Shipment) -> ShipmentInfo:
    return ShipmentInfo(
        row.id,
        row.shipment_no,
        row.created_at,
        row.sender.name,
        row.receiver_name,
        row.receiver_phone,
        row.receiver_address,
        row.province,
        row.zone,
        row.weight_g,
        row.chargeable_g,
        row.contents,
        row.courier,
        row.quoted_fen,
        row.freight_fen,
        row.override_reason,
        row.commission_fen,
        row.method,
        row.tracking_no,
        row.status,
    )


def _text(value: str, key: str) -> str:
    cleaned = " ".join((value or "").split())
    if not cleaned or len(cleaned) > MAX_TEXT:
        raise InvalidInput(key, text=value)
    return cleaned


class SendingService(CounterService[None]):
    def __init__(self, *args, rate_cards: RateCardService, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rate_cards = rate_cards

    def quote(self, courier: str, province: str, weight_g: int) -> tuple[FreightQuote, RateCard]:
        card = self.rate_cards.card_for(courier, self.clock.now().date())
        return freight(card, province, weight_g), card

    def send(
        self,
        by: OperatorInfo,
        *,
        sender_id: int,
        receiver_name: str,
        receiver_phone: str,
        receiver_address: str,
        province: str,
        weight_g: int,
        contents: str,
        courier: str,
        method: str,
        freight_fen: int | None = None,
        override_reason: str = "",
    ) -> Sent:
        """Record the parcel and take the freight; its receipt is queued in the same transaction."""
        require_counter(by)
        courier = normalise_courier(courier)
        if method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=method)
        receiver_name = _text(receiver_name, "sending.receiver_required")
        phone = parse_phone(receiver_phone)
        address = _text(receiver_address, "sending.address_required")
        contents = _text(contents, "sending.contents_required")
        quote, card = self.quote(courier, province, weight_g)
        charged = quote.freight_fen if freight_fen is None else freight_fen
        reason = " ".join((override_reason or "").split())
        if charged != quote.freight_fen and not reason:
            raise InvalidInput("sending.override_needs_reason", quoted_fen=quote.freight_fen)
        if charged < 0:
            raise InvalidInput("couriers.negative")
        commission = commission_fen(charged, card.commission_bp)
        with self.db.atomic():
            sender = Villager.get_or_none(Villager.id == sender_id)
            if sender is None:
                raise NotFound("villagers.not_found")
            now = self.clock.now()
            prefix = f"J{now:%Y%m%d}-"
            count = Shipment.select().where(Shipment.shipment_no.startswith(prefix)).count()
            row = Shipment(
                shipment_no=f"{prefix}{count + 1:03d}",
                created_at=now,
                operator=by.id,
                sender=sender,
                receiver_name=receiver_name,
                receiver_phone=phone,
                receiver_address=address,
                province=quote.province,
                zone=quote.zone,
                weight_g=weight_g,
                chargeable_g=quote.chargeable_g,
                contents=contents,
                courier=courier,
                card_version=card.version,
                quoted_fen=quote.freight_fen,
                freight_fen=charged,
                override_reason=reason if charged != quote.freight_fen else "",
                commission_bp=card.commission_bp,
                commission_fen=commission,
                method=method,
                ledger_txn=0,
            )
            row.save()
            posting = self.ledger.post(
                "sending.freight",
                f"shipment:{row.id}",
                [
                    Line(method, charged, method),
                    Line(account(courier), -(charged - commission), memo=row.shipment_no),
                    Line("income:sending_commission", -commission),
                ],
                operator_id=by.id,
            )
            row.ledger_txn = posting.txn
            row.save()
            if row.override_reason:
                self.audit.record(
                    "sending.freight_override",
                    by.id,
                    ref=f"shipment:{row.id}",
                    quoted_fen=quote.freight_fen,
                    charged_fen=charged,
                    reason=reason,
                )
            info = shipment_info(row)
            job_id = self._receipt(by, info, posting.last_hash)
        return Sent(info, job_id)

    def _receipt(self, by: OperatorInfo, s: ShipmentInfo, proof: str) -> int:
        t = self.t
        body = [
            Row(t("sending.no"), s.shipment_no, bold=True),
            Row(t("sending.sender"), mask_name(s.sender_name)),
            Row(t("sending.receiver"), f"{mask_name(s.receiver_name)} {mask_phone(s.receiver_phone)}"),
            Row(t("sending.province"), s.province),
            Row(t("couriers.courier"), t(f"carrier.{s.courier}")),
            Row(
                t("sending.weight"),
                t("sending.weight_value", kg=format_scaled(s.weight_g, 3), charged=format_scaled(s.chargeable_g, 3)),
            ),
            Text(t("sending.contents_line", contents=s.contents)),
            Row(t("sending.freight"), format_fen(s.freight_fen), bold=True),
            Row(t("sending.method"), t(f"method.{s.method}")),
        ]
        if s.override_reason:
            body.append(Text(t("sending.override_line", quoted_fen=s.quoted_fen, reason=s.override_reason)))
        receipt = build_receipt(t, "shipment", self.printing.context(by.name), body, proof=proof)
        return self.printing.enqueue(receipt, ref=f"shipment:{s.id}")

    def set_tracking(self, by: OperatorInfo, shipment_id: int, tracking_no: str) -> ShipmentInfo:
        """The courier's waybill number, once the courier's label is printed."""
        require_counter(by)
        number = clean_scan(tracking_no)
        if not number or len(number) > 40:
            raise InvalidInput("sending.bad_tracking", text=tracking_no)
        with self.db.atomic():
            row = Shipment.get_or_none(Shipment.id == shipment_id)
            if row is None:
                raise NotFound("sending.not_found")
            row.tracking_no = number
            row.save()
            self.audit.record("sending.tracking", by.id, ref=f"shipment:{row.id}", tracking_no=number)
        return shipment_info(row)

    def shipments(self, *, status: str | None = "waiting", courier: str | None = None) -> list[ShipmentInfo]:
        query = Shipment.select(Shipment, Villager).join(Villager).order_by(Shipment.id.desc())
        if status:
            query = query.where(Shipment.status == status)
        if courier:
            query = query.where(Shipment.courier == normalise_courier(courier))
        return [shipment_info(row) for row in query.limit(500)]

    def hand_over_batch(
        self,
        by: OperatorInfo,
        courier: str,
        shipment_ids: Sequence[int],
        *,
        claimed_count: int,
        courier_name: str = "",
        note: str = "",
    ) -> BatchHandedOver:
        """Give the waiting parcels to the courier: the count he confirms must match or be explained."""
        require_counter(by)
        courier = normalise_courier(courier)
        ids = list(dict.fromkeys(shipment_ids))
        if not ids:
            raise InvalidInput("parcels.none_selected")
        if claimed_count < 0:
            raise InvalidInput("sending.bad_count", text=str(claimed_count))
        if claimed_count != len(ids) and not note.strip():
            raise InvalidInput("sending.count_mismatch", n=len(ids), claimed=claimed_count)
        with self.db.atomic():
            rows = list(Shipment.select().where(Shipment.id.in_(ids)))
            if len(rows) != len(ids):
                raise NotFound("sending.not_found")
            for row in rows:
                if row.courier != courier:
                    raise InvalidInput("sending.other_courier", no=row.shipment_no, courier=row.courier)
                if row.status != "waiting":
                    raise NotAllowed("sending.already_handed_over", no=row.shipment_no)
            batch = ShipmentBatch.create(
                courier=courier,
                created_at=self.clock.now(),
                operator=by.id,
                count=len(rows),
                claimed_count=claimed_count,
                courier_name=" ".join(courier_name.split()),
                note=note.strip(),
            )
            Shipment.update(status="handed_over", batch=batch.id).where(Shipment.id.in_(ids)).execute()
            self.audit.record(
                "sending.batch", by.id, ref=f"shipment_batch:{batch.id}", n=len(rows), claimed=claimed_count
            )
            t = self.t
            body: list[Element] = [Row(t("couriers.courier"), t(f"carrier.{courier}"))]
            for row in sorted(rows, key=lambda r: r.id):
                body.append(Row(row.shipment_no, row.tracking_no or "-"))
            body += [
                Row(t("sending.batch_count"), str(len(rows)), bold=True),
                Row(t("sending.batch_claimed"), str(claimed_count)),
            ]
            if note.strip():
                body.append(Text(note.strip()))
            receipt = build_receipt(
                t,
                "shipment_batch",
                self.printing.context(by.name),
                body,
                proof=",".join(r.shipment_no for r in rows),
                signature=True,
            )
            job_id = self.printing.enqueue(receipt, ref=f"shipment_batch:{batch.id}")
        return BatchHandedOver(batch.id, courier, len(rows), claimed_count, job_id)
