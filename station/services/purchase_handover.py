"""Assisted purchases after arrival: hand-over (with what is still owed), cancellation,
returns and exchanges, refunds of a villager's credit. Part of `PurchaseService` (a base
class of it), kept apart so each module stays readable; one transaction per public method."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from peewee import Database

from station.db.parcel_models import Parcel, on_shelf
from station.db.purchase_models import Purchase
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed
from station.domain.money import format_fen
from station.domain.orders import OPEN, check_transition
from station.services.common import OperatorInfo, may, require_counter
from station.services.couriers import uncollected
from station.services.ledger import PAYMENT_METHODS, LedgerService, Line
from station.services.purchase_info import MoneyMoved, OrderInfo, account, paid_on


class PurchaseHandOver:
    """Hand-over and returns; `PurchaseService` supplies the collaborators and the helpers."""

    db: Database
    clock: Clock
    ledger: LedgerService
    holding_fee_due: Callable[[Parcel], int] | None

    if TYPE_CHECKING:  # defined by PurchaseService

        def info(self, row: Purchase) -> OrderInfo: ...
        def _row(self, purchase_id: int) -> Purchase: ...
        def _event(self, row: Purchase, by: OperatorInfo, target: str, note: str = "") -> None: ...
        def _post_payment(self, by: OperatorInfo, row: Purchase, amount_fen: int, method: str) -> str: ...
        def _receipt(
            self, by: OperatorInfo, row: Purchase, kind: str, amount_fen: int, method: str, proof: str
        ) -> int: ...

    def hand_over(
        self, by: OperatorInfo, purchase_id: int, *, payment_fen: int = 0, method: str = "cash"
    ) -> MoneyMoved:
        """Charge the order to the villager's account; still owed needs the partner (a receivable).

        Its parcels still on the shelf leave with it (the villager has the goods)."""
        require_counter(by)
        with self.db.atomic():
            row = self._row(purchase_id)
            posting_hash = self._hand_over_row(by, row, payment_fen, method)
            job_id = self._receipt(by, row, "purchase_handover", row.total_fen, method, posting_hash)
        return MoneyMoved(self.info(row), job_id)

    def _hand_over_row(self, by: OperatorInfo, row: Purchase, payment_fen: int, method: str) -> str:
        """Inside the caller's transaction: pay, charge, move the order and its parcels; the last hash."""
        check_transition(row.status, "handed_over")
        if payment_fen:
            self._post_payment(by, row, payment_fen, method)
        # The account decides: deposits on this order and credit from earlier ones both count.
        owed = self.ledger.balance(account(row.villager_id)) + row.total_fen
        if owed > 0 and not may(by, "counter.override"):
            raise NotAllowed("purchase.owed_needs_partner", owed_fen=owed)
        posting = self.ledger.post(
            "purchase.charge",
            f"purchase:{row.id}",
            [
                Line(account(row.villager_id), row.total_fen),
                Line("purchase:goods", -(row.items_fen + row.shipping_fen)),
                Line("income:purchase_service", -row.service_fee_fen),
            ],
            operator_id=by.id,
        )
        self._event(row, by, "handed_over", format_fen(owed) if owed > 0 else "")
        now = self.clock.now()
        on_its_shelf = list(Parcel.select().where((Parcel.purchase_id == row.id) & on_shelf()))
        due = uncollected([parcel.id for parcel in on_its_shelf])
        if due:  # 到付 is collected by the parcel hand-over (F2), which takes the money with it
            raise NotAllowed("couriers.collect_in_f2", code=due[0].pickup_code, amount_fen=due[0].amount_fen)
        for parcel in on_its_shelf:  # so is a holding fee: the goods never leave with it owed
            fee = self.holding_fee_due(parcel) if self.holding_fee_due else 0
            if fee:
                raise NotAllowed("handover.fee_in_f2", code=parcel.pickup_code, amount_fen=fee)
        for parcel in on_its_shelf:
            parcel.status, parcel.picked_up_at, parcel.verified_by = "picked_up", now, "order"
            parcel.handed_over_by_id = by.id
            parcel.save()
        return posting.last_hash

    def due_at_hand_over(self, purchase_ids: Sequence[int]) -> list[tuple[OrderInfo, int]]:
        """What each order still needs paid to be handed over now (credit on the account counts)."""
        found: list[tuple[OrderInfo, int]] = []
        running: dict[int, int] = {}
        for purchase_id in dict.fromkeys(purchase_ids):
            row = self._row(purchase_id)
            if row.status not in OPEN:
                continue  # handed over, returned or cancelled: nothing to collect
            if row.status != "arrived":
                raise NotAllowed("handover.order_not_arrived", no=row.id, status_key=f"purchase.status.{row.status}")
            before = running.get(row.villager_id, self.ledger.balance(account(row.villager_id)))
            running[row.villager_id] = before + row.total_fen
            due = max(0, before + row.total_fen) - max(0, before)
            found.append((self.info(row), due))
        return found

    def settle_at_hand_over(self, by: OperatorInfo, purchase_id: int, amount_fen: int, method: str) -> str:
        """Inside the parcel hand-over's transaction: collect, hand the order over; no receipt of its own."""
        require_counter(by)
        return self._hand_over_row(by, self._row(purchase_id), amount_fen, method)

    def cancel(self, by: OperatorInfo, purchase_id: int, reason: str, *, refund_method: str = "cash") -> MoneyMoved:
        """Cancel before hand-over; whatever was paid on the order is refunded."""
        require_counter(by)
        if not reason.strip():
            raise InvalidInput("purchase.reason_required")
        with self.db.atomic():
            row = self._row(purchase_id)
            self._event(row, by, "cancelled", reason)
            paid = paid_on(row.id)
            job_id = self._refund(by, row, paid, refund_method) if paid > 0 else None
        return MoneyMoved(self.info(row), job_id)

    def request(self, by: OperatorInfo, purchase_id: int, kind: str, reason: str) -> OrderInfo:
        """After hand-over: a return or an exchange is asked for."""
        require_counter(by)
        if kind not in ("return_requested", "exchange_requested"):
            raise InvalidInput("purchase.bad_request")
        if not reason.strip():
            raise InvalidInput("purchase.reason_required")
        with self.db.atomic():
            row = self._row(purchase_id)
            self._event(row, by, kind, reason)
        return self.info(row)

    def complete_return(
        self, by: OperatorInfo, purchase_id: int, *, refund_fen: int, method: str = "cash"
    ) -> MoneyMoved:
        """The platform took the goods back: credit goods and shipping, refund up to the credit."""
        require_counter(by)
        with self.db.atomic():
            row = self._row(purchase_id)
            self._event(row, by, "returned", format_fen(refund_fen))
            self.ledger.post(
                "purchase.return",
                f"purchase:{row.id}",
                [
                    Line(account(row.villager_id), -(row.items_fen + row.shipping_fen)),
                    Line("purchase:goods", row.items_fen + row.shipping_fen),
                ],
                operator_id=by.id,
            )
            job_id = self._refund(by, row, refund_fen, method) if refund_fen else None
        return MoneyMoved(self.info(row), job_id)

    def complete_exchange(self, by: OperatorInfo, purchase_id: int, note: str = "") -> OrderInfo:
        require_counter(by)
        with self.db.atomic():
            row = self._row(purchase_id)
            self._event(row, by, "exchanged", note)
        return self.info(row)

    def refund_credit(self, by: OperatorInfo, villager_id: int, amount_fen: int, method: str = "cash") -> int:
        """Give a villager's credit back in cash (not more than the credit)."""
        require_counter(by)
        with self.db.atomic():
            credit = -self.ledger.balance(account(villager_id))
            if amount_fen <= 0 or amount_fen > credit:
                raise InvalidInput("purchase.refund_too_large", amount_fen=amount_fen, limit_fen=max(credit, 0))
            posting = self.ledger.post(
                "purchase.refund",
                f"villager:{villager_id}",
                [Line(account(villager_id), amount_fen), Line(method, -amount_fen, method)],
                operator_id=by.id,
            )
        return posting.txn

    def _refund(self, by: OperatorInfo, row: Purchase, amount_fen: int, method: str) -> int:
        if method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=method)
        credit = -self.ledger.balance(account(row.villager_id))
        if amount_fen <= 0 or amount_fen > credit:
            raise InvalidInput("purchase.refund_too_large", amount_fen=amount_fen, limit_fen=max(credit, 0))
        posting = self.ledger.post(
            "purchase.refund",
            f"purchase:{row.id}",
            [Line(account(row.villager_id), amount_fen), Line(method, -amount_fen, method)],
            operator_id=by.id,
        )
        return self._receipt(by, row, "purchase_refund", amount_fen, method, posting.last_hash)
