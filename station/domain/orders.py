"""Assisted purchases (代购): the order lifecycle and order lines."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from station.domain.errors import InvalidInput, NotAllowed
from station.domain.money import parse_yuan

PLATFORMS = ("taobao", "tmall", "pdd", "jd", "other")
OPEN = ("draft", "placed", "shipped", "arrived")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("placed", "cancelled"),
    "placed": ("shipped", "arrived", "cancelled"),
    "shipped": ("arrived", "cancelled"),
    "arrived": ("handed_over", "cancelled"),
    "handed_over": ("return_requested", "exchange_requested"),
    "return_requested": ("returned", "handed_over"),
    "exchange_requested": ("exchanged", "handed_over"),
    "cancelled": (),
    "returned": (),
    "exchanged": (),
}
STATUSES = tuple(TRANSITIONS)


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, ()):
        raise NotAllowed(
            "purchase.bad_transition", from_key=f"purchase.status.{current}", to_key=f"purchase.status.{target}"
        )


@dataclass(frozen=True)
class ItemLine:
    description: str
    qty: int
    unit_price_fen: int

    @property
    def amount_fen(self) -> int:
        return self.qty * self.unit_price_fen


def validate_item(description: str, qty: int, unit_price_fen: int) -> ItemLine:
    description = " ".join((description or "").split())
    if not description:
        raise InvalidInput("purchase.item_description")
    if qty <= 0:
        raise InvalidInput("purchase.item_qty", qty=qty)
    if unit_price_fen < 0:
        raise InvalidInput("money.negative", text=str(unit_price_fen))
    return ItemLine(description, qty, unit_price_fen)


def parse_items(text: str) -> list[ItemLine]:
    """ "电饭煲*1*159; 大米*2*10.5" (description * quantity * unit price in yuan), one item per part."""
    items = []
    normalised = unicodedata.normalize("NFKC", text or "").replace("×", "*").replace("x*", "*")
    for part in re.split(r"[;\n]+", normalised):
        if not part.strip():
            continue
        pieces = [p.strip() for p in part.split("*")]
        if len(pieces) != 3:
            raise InvalidInput("purchase.item_format", text=part.strip())
        description, qty_text, price_text = pieces
        if not re.fullmatch(r"-?\d+", qty_text):
            raise InvalidInput("purchase.item_qty", qty=qty_text)
        items.append(validate_item(description, int(qty_text), parse_yuan(price_text)))
    if not items:
        raise InvalidInput("purchase.no_items")
    return items


def order_total_fen(items: list[ItemLine], shipping_fen: int, service_fee_fen: int) -> int:
    """What the villager pays for an order: the items, shipping and the service fee."""
    return sum(item.amount_fen for item in items) + shipping_fen + service_fee_fen
