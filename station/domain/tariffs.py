"""Village tariffs and the site-agreement cap: never more than 3 % above the village rate.

Exact integers throughout: usage in 1/1000 units, unit rates in 1/10000 yuan, money in fen.
One rounding (half up) at the end of the tier sum; the cap is rounded down to the fen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from station.domain.errors import InvalidInput
from station.domain.money import parse_decimal, round_half_up

MILLI = 1000  # usage units
RATE_SCALE = 10000  # 1/10000 yuan
FEN_DIVISOR = MILLI * RATE_SCALE // 100  # usage_milli × rate_1e4 / FEN_DIVISOR = fen
CAP_PERCENT = 103
CATEGORIES = ("electricity", "water", "garbage")


def parse_scaled(text: str, decimals: int, key: str, *, example: str = "2.5", units: str = "") -> int:
    """ "0.4883" → 4883 at 4 decimals; refuses more decimals, signs, commas and junk."""
    return parse_decimal(text, decimals, key=key, example=example, units=units)


def parse_rate(text: str) -> int:
    return parse_scaled(text, 4, "tariff.bad_rate", example="0.4883")


def parse_quantity(text: str) -> int:
    """A meter reading or usage, to 1/1000 of a unit."""
    return parse_scaled(text, 3, "utility.bad_reading", example="1234.5")


def format_scaled(value: int, decimals: int) -> str:
    whole, frac = divmod(value, 10**decimals)
    text = f"{whole}.{frac:0{decimals}d}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class Tier:
    upper_milli: int | None  # None: no upper bound (the last tier)
    rate_1e4: int


@dataclass(frozen=True)
class TierLine:
    """One line of the bill's explanation: this much usage in this tier at this rate."""

    lower_milli: int
    upper_milli: int | None
    usage_milli: int
    rate_1e4: int
    amount_1e5: int  # exact, in 1/100000 yuan (fen × 1000)


@dataclass(frozen=True)
class CapResult:
    lines: tuple[TierLine, ...]
    fixed_fee_fen: int
    village_fen: int
    cap_fen: int
    billed_fen: int
    payable_fen: int
    excess_fen: int

    @property
    def over_cap(self) -> bool:
        return self.excess_fen > 0


def validate_tiers(tiers: Sequence[Tier], fixed_fee_fen: int) -> None:
    if fixed_fee_fen < 0:
        raise InvalidInput("tariff.negative")
    if not tiers and fixed_fee_fen == 0:
        raise InvalidInput("tariff.empty")
    previous = 0
    for i, tier in enumerate(tiers):
        if tier.rate_1e4 < 0:
            raise InvalidInput("tariff.negative")
        last = i == len(tiers) - 1
        if tier.upper_milli is None:
            if not last:
                raise InvalidInput("tariff.open_tier_not_last")
        elif tier.upper_milli <= previous:
            raise InvalidInput("tariff.tiers_not_increasing")
        else:
            previous = tier.upper_milli
    if tiers and tiers[-1].upper_milli is not None:
        raise InvalidInput("tariff.last_tier_open")


def tier_lines(usage_milli: int, tiers: Sequence[Tier]) -> tuple[TierLine, ...]:
    lines, lower = [], 0
    for tier in tiers:
        if usage_milli <= lower:
            break
        top = usage_milli if tier.upper_milli is None else min(usage_milli, tier.upper_milli)
        used = top - lower
        lines.append(TierLine(lower, tier.upper_milli, used, tier.rate_1e4, used * tier.rate_1e4 // 100))
        if tier.upper_milli is None:
            break
        lower = tier.upper_milli
    return tuple(lines)


def village_amount_fen(usage_milli: int, tiers: Sequence[Tier], fixed_fee_fen: int) -> tuple[tuple[TierLine, ...], int]:
    """The same usage on the village tariff: tiers applied exactly, rounded once to the fen."""
    if usage_milli < 0:
        raise InvalidInput("utility.negative_usage")
    lines = tier_lines(usage_milli, tiers)
    exact = sum(line.usage_milli * line.rate_1e4 for line in lines)
    return lines, round_half_up(exact, FEN_DIVISOR) + fixed_fee_fen


def cap_fen(village_fen: int) -> int:
    """floor(village × 103 / 100): the most the station may be charged."""
    return village_fen * CAP_PERCENT // 100


def apply_cap(usage_milli: int, tiers: Sequence[Tier], fixed_fee_fen: int, billed_fen: int) -> CapResult:
    if billed_fen < 0:
        raise InvalidInput("utility.negative_bill")
    lines, village = village_amount_fen(usage_milli, tiers, fixed_fee_fen)
    cap = cap_fen(village)
    payable = min(billed_fen, cap)
    return CapResult(lines, fixed_fee_fen, village, cap, billed_fen, payable, billed_fen - payable)


def parse_tiers_text(text: str) -> tuple[Tier, ...]:
    """ "240:0.4883, 400:0.5383, :0.7883" → tiers (upper bound : yuan per unit; last one open)."""
    tiers = []
    for part in re.split(r"[,，;；\s]+", normalise_number_text_keep_separators(text)):
        if not part:
            continue
        upper, sep, rate = part.partition(":")
        if not sep:
            raise InvalidInput("tariff.bad_tiers", text=part)
        tiers.append(Tier(parse_quantity(upper) if upper else None, parse_rate(rate)))
    return tuple(tiers)


def normalise_number_text_keep_separators(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").replace("：", ":")


def tiers_text(tiers: Sequence[Tier]) -> str:
    return ", ".join(
        f"{'' if t.upper_milli is None else format_scaled(t.upper_milli, 3)}:{format_scaled(t.rate_1e4, 4)}"
        for t in tiers
    )


def exact_yuan_text(amount_1e5: int) -> str:
    """An exact tier amount (1/100000 yuan) before rounding, e.g. 117.192."""
    return format_scaled(amount_1e5, 5)
