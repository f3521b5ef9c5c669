"""Assisted purchases: orders for villagers, deposits and payments, balances (hand-over and
returns: `purchase_handover.py`, a base class of `PurchaseService`).

A villager's account is the ledger account `villager:<id>`: negative means the station holds
their money (deposit, credit), positive means they owe the station (a receivable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from peewee import Database

from station.db.models import LedgerEntry, Villager
from station.db.parcel_models import Parcel
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
from station.services.common import OperatorInfo, require_counter
from station.services.dashboard import Tile
from station.services.ledger import PAYMENT_METHODS, LedgerService, Line
from station.services.purchase_handover import PurchaseHandOver
from station.services.purchase_info import MoneyMoved, OrderInfo, StatementLine, account, normal_tracking, paid_on

__all__ = ["MoneyMoved", "OrderInfo", "PurchaseService", "StatementLine", "account", "normal_tracking", "paid_on"]


class PurchaseService(PurchaseHandOver):
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
