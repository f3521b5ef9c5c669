"""What the purchase services hand back (orders, money moved, statement lines) and the two
account helpers both use: a villager's ledger account and what was paid on an order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from station.db.models import LedgerEntry
from station.domain.orders import ItemLine


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
