"""Assisted purchases: orders for villagers, deposits and payments, hand-over, returns, balances.

A villager's account is the ledger account `villager:<id>`: negative means the station holds
their money (deposit, credit), positive means they owe the station (a receivable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from peewee import Database, fn

from station.db.models import LedgerEntry, Villager
from station.db.parcel_models import Parcel, on_shelf
from station.db.purchase_models import Purchase, PurchaseEvent, PurchaseItem
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.money import format_fen
from station.domain.orders import OPEN, PLATFORMS, ItemLine, check_transition, order_total_fen
from station.domain.text import clean_text
from station.i18n.translator import Translator
from station.printing.layout import Row
from station.printing.queue import PrintService
from station.printing.receipts import build_receipt
from station.services.common import OperatorInfo, may, require_counter
from station.services.couriers import uncollected
from station.services.dashboard import Tile
from station.services.ledger import PAYMENT_METHODS, LedgerService, Line


@dataclass(frozen=True)
class OrderInfo:
    id: int
    villager_id: int
    villager_name: str
    platform: str
    external_order_no: str
    tracking_no: str
    status: str
    items: tuple[ItemLine, ...]
    items_fen: int
    shipping_fen: int
    service_fee_fen: int
    total_fen: int
    paid_fen: int
    created_at: dt.datetime

    @property
    def owed_fen(self) -> int:
        return self.total_fen - self.paid_fen


@dataclass(frozen=True)
class MoneyMoved:
    order: OrderInfo
    job_id: int | None


@dataclass(frozen=True)
class StatementLine:
    at: dt.datetime
    ref: str
    kind: str
    amount_fen: int  # on the villager's account: + owes more, − paid / credited
    balance_fen: int

    @property
    def order_no(self) -> int | None:
        """The order this entry is about; None for money not tied to one (a refund of a credit)."""
        kind, _, number = self.ref.partition(":")
        return int(number) if kind == "purchase" and number.isdigit() else None


def normal_tracking(text: str) -> str:
    """A tracking number as couriers print it: no spaces, upper case."""
    return "".join((text or "").split()).upper()


def account(villager_id: int) -> str:
    return f"villager:{villager_id}"


def paid_on(purchase_id: int) -> int:
    """Deposits and payments for this order, less refunds of them."""
    return -(
        LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.amount_fen), 0))
        .where(
            (LedgerEntry.ref == f"purchase:{purchase_id}")
            & LedgerEntry.kind.in_(("purchase.payment", "purchase.refund"))
            & LedgerEntry.account.startswith("villager:")
        )
        .scalar()
    )


class PurchaseService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        ledger: LedgerService,
        printing: PrintService,
        t: Translator,
        service_fee_fen: int,
        holding_fee_due: Callable[[Parcel], int] | None = None,
    ) -> None:
        self.db = db
        # What a parcel of the order still owes for its shelf time (the parcel desk's rule).
        self.holding_fee_due = holding_fee_due
        self.clock = clock
        self.ledger = ledger
        self.printing = printing
        self.t = t
        self.service_fee_fen = service_fee_fen

    def info(self, row: Purchase) -> OrderInfo:
        items = tuple(
            ItemLine(i.description, i.qty, i.unit_price_fen)
            for i in PurchaseItem.select().where(PurchaseItem.purchase == row.id).order_by(PurchaseItem.id)
        )
        return OrderInfo(
            row.id,
            row.villager_id,
            row.villager.name,
            row.platform,
            row.external_order_no,
            row.tracking_no,
            row.status,
            items,
            row.items_fen,
            row.shipping_fen,
            row.service_fee_fen,
            row.total_fen,
            paid_on(row.id),
            row.created_at,
        )

    def _row(self, purchase_id: int) -> Purchase:
        row = Purchase.get_or_none(Purchase.id == purchase_id)
        if row is None:
            raise NotFound("purchase.not_found")
        return row

    def _event(self, row: Purchase, by: OperatorInfo, target: str, note: str = "") -> None:
        check_transition(row.status, target)
        PurchaseEvent.create(
            purchase=row.id,
            at=self.clock.now(),
            operator=by.id,
            from_status=row.status,
            to_status=target,
            note=note.strip(),
        )
        row.status = target
        row.save()

    # -- creating and moving orders ----------------------------------------------------
    def create(
        self,
        by: OperatorInfo,
        *,
        villager_id: int,
        platform: str,
        items: Sequence[ItemLine],
        shipping_fen: int = 0,
        service_fee_fen: int | None = None,
        deposit_fen: int = 0,
        method: str = "cash",
        note: str = "",
    ) -> MoneyMoved:
        require_counter(by)
        note = clean_text(note)
        if platform not in PLATFORMS:
            raise InvalidInput("purchase.bad_platform", platform=platform)
        if not items:
            raise InvalidInput("purchase.no_items")
        fee = self.service_fee_fen if service_fee_fen is None else service_fee_fen
        if shipping_fen < 0 or fee < 0 or deposit_fen < 0:
            raise InvalidInput("money.negative", text="")
        items_fen = sum(item.amount_fen for item in items)
        with self.db.atomic():
            if Villager.get_or_none(Villager.id == villager_id) is None:
                raise NotFound("villagers.not_found")
            row = Purchase.create(
                villager=villager_id,
                platform=platform,
                items_fen=items_fen,
                shipping_fen=shipping_fen,
                service_fee_fen=fee,
                total_fen=order_total_fen(list(items), shipping_fen, fee),
                note=note.strip(),
                created_at=self.clock.now(),
                operator=by.id,
            )
            for item in items:
                PurchaseItem.create(
                    purchase=row.id, description=item.description, qty=item.qty, unit_price_fen=item.unit_price_fen
                )
            PurchaseEvent.create(purchase=row.id, at=self.clock.now(), operator=by.id, to_status="draft")
            job_id = self._pay(by, row, deposit_fen, method) if deposit_fen else None
        return MoneyMoved(self.info(row), job_id)

    def place(self, by: OperatorInfo, purchase_id: int, external_order_no: str = "") -> OrderInfo:
        require_counter(by)
        with self.db.atomic():
            row = self._row(purchase_id)
            if external_order_no.strip():
                row.external_order_no = external_order_no.strip()
            self._event(row, by, "placed", row.external_order_no)
        return self.info(row)

    def set_order_no(self, by: OperatorInfo, purchase_id: int, external_order_no: str) -> OrderInfo:
        require_counter(by)
        if not external_order_no.strip():
            raise InvalidInput("purchase.order_no_required")
        with self.db.atomic():
            row = self._row(purchase_id)
            row.external_order_no = external_order_no.strip()
            row.save()
        return self.info(row)

    def ship(self, by: OperatorInfo, purchase_id: int, tracking_no: str = "") -> OrderInfo:
        """Shipped; a tracking number typed here is kept, and a blank one keeps the one on file."""
        require_counter(by)
        with self.db.atomic():
            row = self._row(purchase_id)
            row.tracking_no = normal_tracking(tracking_no) or row.tracking_no
            self._event(row, by, "shipped", row.tracking_no)
        return self.info(row)

    def set_refs(self, by: OperatorInfo, purchase_id: int, external_order_no: str, tracking_no: str) -> OrderInfo:
        """Add or correct the platform's order number and the tracking number at any time
        after the order exists; the change is an event on the order (its status unchanged)."""
        require_counter(by)
        order_no, tracking = " ".join((external_order_no or "").split()), normal_tracking(tracking_no)
        with self.db.atomic():
            row = self._row(purchase_id)
            if (order_no, tracking) == (row.external_order_no, row.tracking_no):
                return self.info(row)
            PurchaseEvent.create(
                purchase=row.id,
                at=self.clock.now(),
                operator=by.id,
                from_status=row.status,
                to_status=row.status,
                note=f"{row.external_order_no or '-'} / {row.tracking_no or '-'} → "
                f"{order_no or '-'} / {tracking or '-'}",
            )
            row.external_order_no, row.tracking_no = order_no, tracking
            row.save()
        return self.info(row)

    def link_parcel(self, by: OperatorInfo, purchase_id: int, parcel_id: int) -> OrderInfo:
        """A parcel checked in at the desk is this order: the order has arrived."""
        require_counter(by)
        with self.db.atomic():
            row = self._row(purchase_id)
            parcel = Parcel.get_or_none(Parcel.id == parcel_id)
            if parcel is None:
                raise NotFound("parcels.not_found")
            parcel.purchase_id = row.id
            parcel.save()
            self._event(row, by, "arrived", parcel.pickup_code)
        return self.info(row)

    def candidates_for(self, tracking_no: str, villager_id: int | None) -> list[OrderInfo]:
        """Open orders a newly checked-in parcel may belong to (same tracking no. or villager)."""
        condition = Purchase.tracking_no == tracking_no if tracking_no else None
        if villager_id is not None:
            by_villager = Purchase.villager == villager_id
            condition = by_villager if condition is None else (condition | by_villager)
        if condition is None:
            return []
        query = Purchase.select().where(condition & Purchase.status.in_(("placed", "shipped")))
        return [self.info(row) for row in query.order_by(Purchase.id)]

    # -- money -------------------------------------------------------------------------
    def _post_payment(self, by: OperatorInfo, row: Purchase, amount_fen: int, method: str) -> str:
        """The payment posting alone (no receipt); its hash."""
        if method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=method)
        if amount_fen <= 0:
            raise InvalidInput("money.zero")
        posting = self.ledger.post(
            "purchase.payment",
            f"purchase:{row.id}",
            [Line(method, amount_fen, method), Line(account(row.villager_id), -amount_fen)],
            operator_id=by.id,
        )
        return posting.last_hash

    def _pay(self, by: OperatorInfo, row: Purchase, amount_fen: int, method: str) -> int:
        proof = self._post_payment(by, row, amount_fen, method)
        return self._receipt(by, row, "purchase_payment", amount_fen, method, proof)

    def pay(self, by: OperatorInfo, purchase_id: int, amount_fen: int, method: str) -> MoneyMoved:
        require_counter(by)
        with self.db.atomic():
            row = self._row(purchase_id)
            if row.status in ("cancelled", "returned"):
                raise NotAllowed("purchase.closed", status_key=f"purchase.status.{row.status}")
            job_id = self._pay(by, row, amount_fen, method)
        return MoneyMoved(self.info(row), job_id)

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
            parcel.handed_over_by = by.id
            parcel.save()
        return posting.last_hash

    def due_at_hand_over(self, purchase_ids: Sequence[int]) -> list[tuple[OrderInfo, int]]:
        """What each order still needs paid to be handed over now (credit on the account counts)."""
        found, running = [], {}
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

    def _receipt(self, by: OperatorInfo, row: Purchase, kind: str, amount_fen: int, method: str, proof: str) -> int:
        t = self.t
        body = [
            Row(t("purchase.order"), f"#{row.id} {t('platform.' + row.platform)}"),
            Row(t("receipt.recipient"), row.villager.name),
        ]
        for item in PurchaseItem.select().where(PurchaseItem.purchase == row.id):
            body.append(Row(f"{item.description} ×{item.qty}", format_fen(item.qty * item.unit_price_fen)))
        body += [
            Row(t("purchase.shipping"), format_fen(row.shipping_fen)),
            Row(t("purchase.service_fee"), format_fen(row.service_fee_fen)),
            Row(t("receipt.total"), format_fen(row.total_fen), bold=True),
            Row(t(f"purchase.receipt_amount.{kind}"), format_fen(amount_fen), bold=True),
            Row(t("receipt.paid_by"), t(f"method.{method}")),
            Row(t("purchase.paid_so_far"), format_fen(paid_on(row.id))),
        ]
        receipt = build_receipt(t, kind, self.printing.context(by.name), body, proof=proof, amount_fen=amount_fen)
        return self.printing.enqueue(receipt, ref=f"purchase:{row.id}")

    # -- reading -----------------------------------------------------------------------
    def get(self, purchase_id: int) -> OrderInfo:
        return self.info(self._row(purchase_id))

    def events(self, purchase_id: int) -> list[tuple[dt.datetime, str, str, str, str]]:
        query = PurchaseEvent.select().where(PurchaseEvent.purchase == purchase_id).order_by(PurchaseEvent.id)
        return [(e.at, e.operator.name, e.from_status, e.to_status, e.note) for e in query]

    def orders(
        self,
        *,
        status: str | None = None,
        villager_id: int | None = None,
        platform: str | None = None,
        open_only: bool = False,
        limit: int = 300,
    ) -> list[OrderInfo]:
        query = Purchase.select().order_by(Purchase.id.desc()).limit(limit)
        if status:
            query = query.where(Purchase.status == status)
        if open_only:
            query = query.where(Purchase.status.in_(OPEN))
        if villager_id:
            query = query.where(Purchase.villager == villager_id)
        if platform:
            query = query.where(Purchase.platform == platform)
        return [self.info(row) for row in query]

    def statement(self, villager_id: int) -> list[StatementLine]:
        lines, balance = [], 0
        query = LedgerEntry.select().where(LedgerEntry.account == account(villager_id)).order_by(LedgerEntry.id)
        for entry in query:
            balance += entry.amount_fen
            lines.append(StatementLine(entry.at, entry.ref, entry.kind, entry.amount_fen, balance))
        return lines

    def balance(self, villager_id: int) -> int:
        return self.ledger.balance(account(villager_id))


def purchases_tile(purchases: PurchaseService) -> Tile:
    counts = {status: Purchase.select().where(Purchase.status == status).count() for status in OPEN}
    balances = purchases.ledger.balances("villager:").values()
    held = -sum(b for b in balances if b < 0)
    receivable = sum(b for b in balances if b > 0)
    rows = [(f"purchase.status.{status}", str(n), status == "arrived" and n > 0) for status, n in counts.items()]
    rows += [
        ("tile.deposits_held", format_fen(held), False),
        ("tile.receivables", format_fen(receivable), receivable > 0),
    ]
    return Tile("tile.purchases", tuple(rows), opens="purchases.arrived")
