"""Hand-over at the counter: find what waits for a villager, verify, hand over, receipt."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peewee import fn

from station.config import ParcelConfig
from station.db import parcel_queries
from station.db.models import LedgerEntry, Villager
from station.db.parcel_models import LIVE_STATUSES, Parcel, on_shelf
from station.domain.errors import InvalidInput, NotAllowed, NotFound, StationError
from station.domain.money import format_fen, normalise_number_text
from station.domain.overdue import days_on_shelf
from station.domain.phones import mask_name
from station.domain.pickup_codes import PickupCode, next_seq, parse_code
from station.domain.text import clean_text
from station.printing.layout import Element, Row, Text
from station.printing.receipts import build_receipt
from station.services.common import CounterService, OperatorInfo, may, require_counter
from station.services.handover_charges import Charge, charges_due, settle
from station.services.ledger import PAYMENT_METHODS
from station.services.parcels import ParcelInfo, parcel_info

if TYPE_CHECKING:
    from station.services.purchases import PurchaseService

METHODS = ("code", "phone", "id", "override")
_TAIL = re.compile(r"^\d{4}$")
_LETTERS = re.compile(r"^[a-z]+$")


class VerificationFailed(StationError):
    key = "pickup.verification_failed"


@dataclass(frozen=True)
class HandOver:
    parcels: tuple[ParcelInfo, ...]
    job_id: int
    fee_fen: int  # everything collected (holding fees, order balances, ...)
    charges: tuple[Charge, ...] = ()


@dataclass(frozen=True)
class HandOverPlan:
    """What a hand-over of these parcels means: who gets them, and what is due first."""

    parcels: tuple[ParcelInfo, ...]
    recipients: tuple[str, ...]  # one name (or ****tail) per person
    charges: tuple[Charge, ...]

    @property
    def due_fen(self) -> int:
        return sum(c.amount_fen for c in self.charges)


def _recipient_key(row: Parcel) -> tuple:
    return ("v", row.villager_id) if row.villager_id else ("p", row.recipient_name, row.phone_tail)


def _recipient_label(row: Parcel) -> str:
    return row.recipient_name or (f"****{row.phone_tail}" if row.phone_tail else "?")


def _same_recipient(a: Parcel, b: Parcel) -> bool:
    if a.villager_id and b.villager_id:
        return a.villager_id == b.villager_id
    return bool(a.phone_tail) and a.phone_tail == b.phone_tail and a.recipient_name == b.recipient_name


class PickupService(CounterService[ParcelConfig]):
    def __init__(self, *args, purchases: PurchaseService | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.purchases = purchases  # an order linked to a parcel is settled with it

    def _live_rows(self, parcel_ids: Sequence[int]) -> list[Parcel]:
        if not parcel_ids:
            raise InvalidInput("parcels.none_selected")
        rows = []
        for pid in dict.fromkeys(parcel_ids):
            row = Parcel.get_or_none(Parcel.id == pid)
            if row is None:
                raise NotFound("parcels.not_found")
            if row.status not in LIVE_STATUSES:
                raise NotAllowed("pickup.already_handed_over", code=row.pickup_code)
            rows.append(row)
        return rows

    def _charges(self, rows: list[Parcel]) -> list[Charge]:
        return charges_due(
            rows,
            holding_fee=self.holding_fee_due,
            purchases=self.purchases,
            t=self.t,
        )

    def holding_fee_due(self, row: Parcel) -> int:
        """The holding fee this parcel still owes (less what an undone hand-over already took)."""
        return max(0, self.holding_fee_fen(row.checked_in_at) - self._holding_fee_paid(row.id))

    @staticmethod
    def _holding_fee_paid(parcel_id: int) -> int:
        """What this parcel's holding fee already brought in (a hand-over later undone), net of reversals."""
        query = LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.amount_fen), 0)).where(
            (LedgerEntry.account == "income:parcel_fee") & (LedgerEntry.ref == f"parcels:{parcel_id}")
        )
        return -query.scalar()

    def plan(self, parcel_ids: Sequence[int]) -> HandOverPlan:
        """Before asking for proof: the recipients, and the charges to collect (prefilled in the dialog)."""
        rows = self._live_rows(parcel_ids)
        people: dict[tuple, str] = {}
        for row in rows:
            people.setdefault(_recipient_key(row), _recipient_label(row))
        return HandOverPlan(tuple(parcel_info(r) for r in rows), tuple(people.values()), tuple(self._charges(rows)))

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
        paid_fen: int | None = None,
        pay_method: str = "cash",
        several_people: bool = False,
    ) -> HandOver:
        """Verify, collect what is due, hand over; one transaction with the receipt's print job.

        `paid_fen` must be the total due (see `plan`); parcels for more than one person need
        `several_people` (the counter asked twice)."""
        require_counter(by)
        if method not in METHODS:
            raise InvalidInput("pickup.bad_method", method=method)
        if pay_method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=pay_method)
        proof = normalise_number_text(proof or "").strip()
        collected_by, override_reason = clean_text(collected_by, max_len=80), clean_text(override_reason)
        with self.db.atomic():
            rows = self._live_rows(parcel_ids)
            self._verify(by, rows, method, proof, override_reason)
            if len({_recipient_key(r) for r in rows}) > 1 and not several_people:
                raise NotAllowed("handover.several_people_unconfirmed")
            charges = self._charges(rows)
            due = sum(c.amount_fen for c in charges)
            if due and paid_fen is None:
                raise NotAllowed("handover.payment_due", due_fen=due)
            if paid_fen is not None and paid_fen != due:
                raise InvalidInput("handover.amount_mismatch", paid_fen=paid_fen, due_fen=due)
            now = self.clock.now()
            for row in rows:
                row.status, row.picked_up_at, row.verified_by = "picked_up", now, method
                row.collected_by = " ".join(collected_by.split())
                row.override_reason = override_reason.strip() if method == "override" else ""
                row.handed_over_by_id = by.id
                row.save()
            proof_hash = ""
            for charge in charges:
                proof_hash = settle(by, charge, pay_method, ledger=self.ledger, purchases=self.purchases) or proof_hash
            if method == "override":
                self.audit.record(
                    "pickup.override",
                    by.id,
                    ref=",".join(f"parcel:{r.id}" for r in rows),
                    reason=override_reason.strip(),
                )
            infos = tuple(parcel_info(r) for r in rows)
            job_id = self._queue_receipt(by, infos, method, collected_by, tuple(charges), pay_method, proof_hash)
        return HandOver(infos, job_id, due, tuple(charges))

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
        charges: tuple[Charge, ...],
        pay_method: str,
        proof_hash: str,
    ) -> int:
        t = self.t
        ctx = self.printing.context(by.name)
        names = dict.fromkeys(mask_name(p.recipient_name) or "-" for p in parcels)
        body: list[Element] = [Row(t("receipt.recipient"), t("list.sep").join(names))]
        if collected_by.strip():
            body.append(Row(t("receipt.collected_by"), collected_by.strip()))
        body.append(Row(t("receipt.verified_by"), t(f"pickup.method.{method}")))
        for parcel in parcels:
            body.append(Row(parcel.pickup_code, t(f"carrier.{parcel.carrier or 'unknown'}")))
            body.append(Text(t("receipt.tracking", no=parcel.tracking_no)))
        body.append(Row(t("receipt.count"), str(len(parcels)), bold=True))
        for charge in charges:
            body.append(Row(charge.label, format_fen(charge.amount_fen)))
        due = sum(c.amount_fen for c in charges)
        if due:
            body.append(Row(t("receipt.total"), format_fen(due), bold=True))
            body.append(Row(t("receipt.paid_by"), t(f"method.{pay_method}")))
        proof = proof_hash or ",".join(p.tracking_no for p in parcels)
        receipt = build_receipt(t, "pickup", ctx, body, proof=proof, amount_fen=due if proof_hash else None)
        return self.printing.enqueue(receipt, ref=",".join(f"parcel:{p.id}" for p in parcels))

    def handed_over_today(self, text: str = "") -> list[ParcelInfo]:
        """Today's hand-overs, newest first; `text` narrows by code, name, phone or waybill tail."""
        start = dt.datetime.combine(self.clock.now().date(), dt.time())
        query = Parcel.select().where((Parcel.status == "picked_up") & (Parcel.picked_up_at >= start))
        needle = normalise_number_text(text or "").strip()
        if needle:
            query = query.where(
                Parcel.pickup_code.contains(needle)
                | Parcel.recipient_name.contains(needle)
                | (Parcel.phone_tail == needle)
                | Parcel.tracking_no.endswith(needle.upper())
            )
        return [parcel_info(r) for r in query.order_by(Parcel.picked_up_at.desc(), Parcel.id.desc()).limit(200)]

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
            if row.picked_up_at is None or row.picked_up_at.date() != self.clock.now().date():
                raise NotAllowed("pickup.undo_too_late", code=row.pickup_code)
            if row.purchase_id:
                raise NotAllowed("handover.undo_has_order", code=row.pickup_code, no=row.purchase_id)
            taken = {r.seq for r in Parcel.select(Parcel.seq).where((Parcel.shelf == row.shelf) & on_shelf())}
            if row.seq in taken:
                row.seq = next_seq(max(taken, default=None), lambda: taken)
                row.pickup_code = str(PickupCode(row.shelf, row.layer, row.seq))
            row.status = "notified" if row.notified_at else "in"
            row.picked_up_at, row.verified_by, row.handed_over_by = None, "", None
            row.save()
            self.audit.record("pickup.undo", by.id, ref=f"parcel:{row.id}", reason=reason.strip(), code=row.pickup_code)
        return parcel_info(row)
