"""Hand-over at the counter: find what waits for a villager, verify, hand over, receipt."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from station.config import ParcelConfig
from station.db import parcel_queries
from station.db.models import Villager
from station.db.parcel_models import LIVE_STATUSES, Parcel, on_shelf
from station.domain.errors import InvalidInput, NotAllowed, NotFound, StationError
from station.domain.money import format_fen, normalise_number_text
from station.domain.overdue import days_on_shelf
from station.domain.phones import mask_name
from station.domain.pickup_codes import PickupCode, allocate_seq, parse_code
from station.domain.scan import clean_scan
from station.printing.layout import Row, Text
from station.printing.receipts import build_receipt
from station.services.common import CounterService, OperatorInfo, may, require_counter
from station.services.ledger import PAYMENT_METHODS, Line
from station.services.parcels import ParcelInfo, parcel_info

METHODS = ("code", "phone", "id", "override")
_TAIL = re.compile(r"^\d{4}$")
_LETTERS = re.compile(r"^[a-z]+$")


class VerificationFailed(StationError):
    key = "pickup.verification_failed"


@dataclass(frozen=True)
class HandOver:
    parcels: tuple[ParcelInfo, ...]
    job_id: int
    fee_fen: int


def _same_recipient(a: Parcel, b: Parcel) -> bool:
    if a.villager_id and b.villager_id:
        return a.villager_id == b.villager_id
    return bool(a.phone_tail) and a.phone_tail == b.phone_tail and a.recipient_name == b.recipient_name


class PickupService(CounterService[ParcelConfig]):
    def find_waiting(self, text: str) -> list[ParcelInfo]:
        """By pickup code, phone tail, tracking number (or its last 4), or villager name/initials.

        A code brings every parcel waiting for the same person, to hand over together.
        """
        query_text = normalise_number_text(text or "").strip()
        if not query_text:
            return []
        try:
            code = parse_code(query_text)
        except InvalidInput:
            code = None
        # The look-ups a counter makes all day run as fixed SQL (db/parcel_queries).
        if code is not None:
            return [ParcelInfo(*row) for row in parcel_queries.waiting_by_code(self.db, str(code))]
        if _TAIL.match(query_text):
            return [ParcelInfo(*row) for row in parcel_queries.waiting_by_tail(self.db, query_text)]
        if re.match(r"^[A-Za-z0-9]{6,30}$", query_text) and any(c.isdigit() for c in query_text):
            return [ParcelInfo(*row) for row in parcel_queries.waiting_by_tracking_no(self.db, query_text.upper())]
        lowered = query_text.lower()
        if _LETTERS.match(lowered):
            upper = lowered[:-1] + chr(ord(lowered[-1]) + 1)
            villagers = Villager.select(Villager.id).where((Villager.initials >= lowered) & (Villager.initials < upper))
        else:
            villagers = Villager.select(Villager.id).where(Villager.name.contains(query_text))
        rows = list(
            Parcel.select().where(
                on_shelf() & (Parcel.villager.in_(villagers) | Parcel.recipient_name.contains(query_text))
            )
        )
        rows.sort(key=lambda r: (r.recipient_name, r.phone_tail, r.pickup_code))
        return [parcel_info(r) for r in rows]

    def holding_fee_fen(self, checked_in_at: dt.datetime) -> int:
        after = self.config.holding_fee_after_days
        if not after or not self.config.holding_fee_per_day_fen:
            return 0
        extra_days = days_on_shelf(checked_in_at, self.clock.now()) - after
        return max(0, extra_days) * self.config.holding_fee_per_day_fen

    def hand_over(
        self,
        by: OperatorInfo,
        parcel_ids: Sequence[int],
        *,
        method: str,
        proof: str = "",
        collected_by: str = "",
        override_reason: str = "",
        fee_method: str = "cash",
    ) -> HandOver:
        """Verify and hand over; the pickup receipt's print job is written in the same transaction."""
        require_counter(by)
        if method not in METHODS:
            raise InvalidInput("pickup.bad_method", method=method)
        if not parcel_ids:
            raise InvalidInput("parcels.none_selected")
        if fee_method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=fee_method)
        proof = normalise_number_text(proof or "").strip()
        with self.db.atomic():
            rows = []
            for pid in dict.fromkeys(parcel_ids):
                row = Parcel.get_or_none(Parcel.id == pid)
                if row is None:
                    raise NotFound("parcels.not_found")
                if row.status not in LIVE_STATUSES:
                    raise NotAllowed("pickup.already_handed_over", code=row.pickup_code)
                rows.append(row)
            self._verify(by, rows, method, proof, override_reason)
            now = self.clock.now()
            fee = sum(self.holding_fee_fen(r.checked_in_at) for r in rows)
            for row in rows:
                row.status, row.picked_up_at, row.verified_by = "picked_up", now, method
                row.collected_by = " ".join(collected_by.split())
                row.override_reason = override_reason.strip() if method == "override" else ""
                row.handed_over_by = by.id
                row.save()
            proof_hash = ""
            if fee:
                posting = self.ledger.post(
                    "parcel.holding_fee",
                    f"parcels:{rows[0].id}",
                    [Line(fee_method, fee, fee_method), Line("income:parcel_fee", -fee)],
                    operator_id=by.id,
                )
                proof_hash = posting.last_hash
            if method == "override":
                self.audit.record(
                    "pickup.override",
                    by.id,
                    ref=",".join(f"parcel:{r.id}" for r in rows),
                    reason=override_reason.strip(),
                )
            infos = tuple(parcel_info(r) for r in rows)
            job_id = self._queue_receipt(by, infos, method, collected_by, fee, proof_hash)
        return HandOver(infos, job_id, fee)

    def _verify(self, by: OperatorInfo, rows: list[Parcel], method: str, proof: str, reason: str) -> None:
        first = rows[0]
        if method == "code":
            try:
                code = str(parse_code(proof))
            except InvalidInput:
                raise VerificationFailed() from None
            anchor = next((r for r in rows if r.pickup_code == code), None)
            if anchor is None or not all(_same_recipient(anchor, r) or r is anchor for r in rows):
                raise VerificationFailed()
        elif method == "phone":
            if not _TAIL.match(proof) or not all(r.phone_tail == proof for r in rows):
                raise VerificationFailed()
        elif method == "id":
            if not proof:
                raise InvalidInput("pickup.id_note_required")
            if not all(_same_recipient(first, r) for r in rows):
                raise VerificationFailed()
        elif method == "override":
            if not may(by, "counter.override"):
                raise NotAllowed("pickup.override_partner_only")
            if not reason.strip():
                raise InvalidInput("pickup.override_needs_reason")

    def _queue_receipt(
        self,
        by: OperatorInfo,
        parcels: tuple[ParcelInfo, ...],
        method: str,
        collected_by: str,
        fee: int,
        proof_hash: str,
    ) -> int:
        t = self.t
        ctx = self.printing.context(by.name)
        body = [Row(t("receipt.recipient"), mask_name(parcels[0].recipient_name) or "-")]
        if collected_by.strip():
            body.append(Row(t("receipt.collected_by"), collected_by.strip()))
        body.append(Row(t("receipt.verified_by"), t(f"pickup.method.{method}")))
        for parcel in parcels:
            body.append(Row(parcel.pickup_code, t(f"carrier.{parcel.carrier or 'unknown'}")))
            body.append(Text(t("receipt.tracking", no=parcel.tracking_no)))
        body.append(Row(t("receipt.count"), str(len(parcels)), bold=True))
        if fee:
            body.append(Row(t("receipt.holding_fee"), format_fen(fee)))
        proof = proof_hash or ",".join(p.tracking_no for p in parcels)
        receipt = build_receipt(t, "pickup", ctx, body, proof=proof)
        return self.printing.enqueue(receipt, ref=",".join(f"parcel:{p.id}" for p in parcels))

    def handed_over_today(self, tracking_no: str) -> ParcelInfo:
        start = dt.datetime.combine(self.clock.now().date(), dt.time())
        row = (
            Parcel.select()
            .where(
                (Parcel.tracking_no == clean_scan(tracking_no))
                & (Parcel.status == "picked_up")
                & (Parcel.picked_up_at >= start)
            )
            .first()
        )
        if row is None:
            raise NotFound("pickup.not_handed_over_today")
        return parcel_info(row)

    def undo_hand_over(self, by: OperatorInfo, parcel_id: int, reason: str) -> ParcelInfo:
        """Put a parcel handed over today back on the shelf (a new code if its own was reused)."""
        require_counter(by)
        if not reason.strip():
            raise InvalidInput("pickup.undo_needs_reason")
        with self.db.atomic():
            row = Parcel.get_or_none(Parcel.id == parcel_id)
            if row is None:
                raise NotFound("parcels.not_found")
            if row.status != "picked_up":
                raise NotAllowed("pickup.not_handed_over", code=row.pickup_code)
            if row.picked_up_at.date() != self.clock.now().date():
                raise NotAllowed("pickup.undo_too_late", code=row.pickup_code)
            taken = {r.seq for r in Parcel.select(Parcel.seq).where((Parcel.shelf == row.shelf) & on_shelf())}
            if row.seq in taken:
                row.seq = allocate_seq(row.tracking_no, taken)
                row.pickup_code = str(PickupCode(row.shelf, row.layer, row.seq))
            row.status = "notified" if row.notified_at else "in"
            row.picked_up_at, row.verified_by, row.handed_over_by = None, "", None
            row.save()
            self.audit.record("pickup.undo", by.id, ref=f"parcel:{row.id}", reason=reason.strip(), code=row.pickup_code)
        return parcel_info(row)
