"""Courier rate cards: the delivery fee a station earns per parcel, and freight for sending.

A card is one version of a courier's contract, effective from a date (like a village tariff).
Freight is priced by destination zone (a group of provinces) and weight band: within a band,
a first-weight price (首重) plus a price per extra weight unit (续重), with the weight rounded up
to the card's unit. Exact integers: weights in grams, money in fen, commission in basis points.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from station.domain.errors import InvalidInput
from station.domain.money import round_half_up
from station.domain.tariffs import parse_scaled

FEE_BASES = ("handed_over", "checked_in")  # what the contract pays the delivery fee for
GRAMS_PER_KG = 1000
WEIGHT_STEP_G = 10  # weights are typed to 10 g
MAX_WEIGHT_G = 1_000_000  # one tonne: nothing sent from a village counter weighs more
BP = 10_000


@dataclass(frozen=True)
class Band:
    """Weights up to `upto_g` (None: no upper bound): first weight price + per extra unit."""

    upto_g: int | None
    first_fen: int
    extra_fen: int


@dataclass(frozen=True)
class Zone:
    name: str
    provinces: tuple[str, ...]
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class RateCard:
    courier: str
    effective_from: dt.date
    fee_basis: str
    delivery_fee_fen: int  # 派费 the courier pays the station per parcel
    commission_bp: int  # the station's share of the freight it collects for sending
    first_weight_g: int
    unit_g: int
    zones: tuple[Zone, ...]
    source_note: str = ""
    version: int = 0


@dataclass(frozen=True)
class FreightQuote:
    zone: str
    province: str
    weight_g: int
    chargeable_g: int
    band: Band
    extra_units: int
    freight_fen: int


@dataclass(frozen=True)
class FeeLine:
    """The delivery fees of one day: so many parcels at the card's fee."""

    day: dt.date
    parcels: int
    fee_fen: int
    card_version: int

    @property
    def amount_fen(self) -> int:
        return self.parcels * self.fee_fen


def normalise_courier(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def normalise_province(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def parse_weight_kg(text: str) -> int:
    """ "1.25" kg → 1250 g; to 10 g (two decimals), more than zero."""
    grams = parse_scaled(text, 2, "couriers.bad_weight") * WEIGHT_STEP_G
    if grams <= 0 or grams > MAX_WEIGHT_G:
        raise InvalidInput("couriers.bad_weight", text=text)
    return grams


def parse_kg(text: str) -> int:
    """A weight on a card (band limit, first weight, unit): kg to 3 decimals → grams."""
    grams = parse_scaled(text, 3, "couriers.bad_card_weight")
    if grams <= 0:
        raise InvalidInput("couriers.bad_card_weight", text=text)
    return grams


def parse_bp(text: str) -> int:
    """A percentage with up to two decimals ("8", "7.5") → basis points."""
    value = parse_scaled(text, 2, "couriers.bad_percent")
    if value > BP:
        raise InvalidInput("couriers.bad_percent", text=text)
    return value


def validate_card(card: RateCard) -> None:
    if not card.courier:
        raise InvalidInput("couriers.no_courier")
    if card.fee_basis not in FEE_BASES:
        raise InvalidInput("couriers.bad_fee_basis", basis=card.fee_basis)
    if card.delivery_fee_fen < 0:
        raise InvalidInput("couriers.negative")
    if not 0 <= card.commission_bp <= BP:
        raise InvalidInput("couriers.bad_percent", text=str(card.commission_bp))
    if card.first_weight_g <= 0 or card.unit_g <= 0:
        raise InvalidInput("couriers.bad_card_weight", text=str(min(card.first_weight_g, card.unit_g)))
    seen: set[str] = set()
    names: set[str] = set()
    for zone in card.zones:
        if not zone.name or zone.name in names:
            raise InvalidInput("couriers.bad_zone", zone=zone.name)
        names.add(zone.name)
        if not zone.provinces:
            raise InvalidInput("couriers.zone_without_provinces", zone=zone.name)
        for province in zone.provinces:
            if province in seen:
                raise InvalidInput("couriers.province_twice", province=province)
            seen.add(province)
        _validate_bands(zone)


def _validate_bands(zone: Zone) -> None:
    if not zone.bands:
        raise InvalidInput("couriers.zone_without_bands", zone=zone.name)
    previous = 0
    for i, band in enumerate(zone.bands):
        if band.first_fen < 0 or band.extra_fen < 0:
            raise InvalidInput("couriers.negative")
        if band.upto_g is None:
            if i != len(zone.bands) - 1:
                raise InvalidInput("couriers.open_band_not_last", zone=zone.name)
        elif band.upto_g <= previous:
            raise InvalidInput("couriers.bands_not_increasing", zone=zone.name)
        else:
            previous = band.upto_g


def chargeable_weight_g(weight_g: int, unit_g: int) -> int:
    """Rounded up to the card's unit (a 1.01 kg parcel is charged as 2 kg at a 1 kg unit)."""
    return -(-weight_g // unit_g) * unit_g


def zone_for(card: RateCard, province: str) -> tuple[Zone, str]:
    """The zone of a destination; "浙江省" matches a card that lists "浙江"."""
    wanted = normalise_province(province)
    if not wanted:
        raise InvalidInput("couriers.province_required")
    for zone in card.zones:
        for listed in zone.provinces:
            if wanted == listed or (len(listed) >= 2 and wanted.startswith(listed)):
                return zone, listed
    raise InvalidInput("couriers.province_not_on_card", province=province, courier=card.courier)


def freight(card: RateCard, province: str, weight_g: int) -> FreightQuote:
    """The freight for sending `weight_g` grams to `province` on this card."""
    if weight_g <= 0 or weight_g > MAX_WEIGHT_G:
        raise InvalidInput("couriers.bad_weight", text=str(weight_g))
    zone, listed = zone_for(card, province)
    chargeable = chargeable_weight_g(weight_g, card.unit_g)
    band = next((b for b in zone.bands if b.upto_g is None or chargeable <= b.upto_g), None)
    if band is None:
        raise InvalidInput("couriers.too_heavy", weight=chargeable, courier=card.courier)
    over = max(0, chargeable - card.first_weight_g)
    extra_units = -(-over // card.unit_g)
    total = band.first_fen + extra_units * band.extra_fen
    return FreightQuote(zone.name, listed, weight_g, chargeable, band, extra_units, total)


def commission_fen(freight_fen: int, commission_bp: int) -> int:
    """The station's share of freight it collected: rounded once, half up."""
    return round_half_up(freight_fen * commission_bp, BP)


def card_on(cards: Sequence[RateCard], day: dt.date) -> RateCard | None:
    """The version in force on `day`: the latest effective_from on or before it."""
    found = None
    for card in cards:
        if card.effective_from <= day and (found is None or card.effective_from > found.effective_from):
            found = card
    return found


def fee_lines(counts: Iterable[tuple[dt.date, int]], cards: Sequence[RateCard], basis: str) -> list[FeeLine]:
    """Delivery fees per day: each day's parcels at the card in force that day.

    Only days under a card that pays on `basis` earn (a card paying per check-in ignores
    hand-overs and the reverse); days before the first card earn nothing.
    """
    lines = []
    for day, parcels in sorted(counts):
        card = card_on(cards, day)
        if card is None or card.fee_basis != basis or parcels <= 0:
            continue
        lines.append(FeeLine(day, parcels, card.delivery_fee_fen, card.version))
    return lines
