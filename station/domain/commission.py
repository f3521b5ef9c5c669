"""Consignment arithmetic: quantities in 1/1000 units, prices in fen per unit, rates in bp."""

from __future__ import annotations

from station.domain.errors import InvalidInput
from station.domain.money import round_half_up
from station.domain.tariffs import parse_scaled

UNITS = ("jin", "kg", "piece", "box", "carton", "jar", "bag")
BP_PER_PERCENT = 100


def sale_amount_fen(qty_milli: int, unit_price_fen: int) -> int:
    return round_half_up(qty_milli * unit_price_fen, 1000)


def commission_fen(amount_fen: int, rate_bp: int) -> int:
    return round_half_up(amount_fen * rate_bp, 10000)


def parse_percent_bp(text: str) -> int:
    """ "8" or "8.5" (percent) → 800 / 850 basis points; 0–100 %."""
    bp = parse_scaled(text, 2, "consign.bad_rate", example="8.5", units="percent")
    if not 0 <= bp <= 100 * BP_PER_PERCENT:
        raise InvalidInput("consign.bad_rate", text=text)
    return bp


def markdown_price_fen(unit_price_fen: int, markdown_bp: int) -> int:
    return unit_price_fen - round_half_up(unit_price_fen * markdown_bp, 10000)
