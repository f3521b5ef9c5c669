"""Courier rate cards: freight by weight band and zone, delivery-fee accrual."""

from __future__ import annotations

import datetime as dt

import pytest

from station.domain.errors import InvalidInput
from station.domain.rate_cards import (
    Band,
    RateCard,
    Zone,
    card_on,
    chargeable_weight_g,
    commission_fen,
    fee_lines,
    freight,
    parse_bp,
    parse_weight_kg,
    validate_card,
)

PROVINCIAL = Zone("local", ("浙江",), (Band(3000, 500, 0), Band(None, 800, 200)))
OUTSIDE = Zone("outside", ("江苏", "上海", "安徽"), (Band(None, 1000, 500),))
REMOTE = Zone("remote", ("新疆", "西藏"), (Band(5000, 2000, 1500), Band(20000, 2500, 1200)))


def card(**changes) -> RateCard:
    values = dict(
        courier="ZTO",
        effective_from=dt.date(2026, 1, 1),
        fee_basis="handed_over",
        delivery_fee_fen=50,
        commission_bp=1000,
        first_weight_g=1000,
        unit_g=1000,
        zones=(PROVINCIAL, OUTSIDE, REMOTE),
        version=1,
    )
    values.update(changes)
    return RateCard(**values)


@pytest.mark.parametrize(
    ("province", "weight_g", "zone", "chargeable_g", "freight_fen"),
    [
        # local: a flat ¥5 band up to 3 kg, then ¥8 first kg + ¥2 each extra kg
        ("浙江", 10, "local", 1000, 500),
        ("浙江", 1000, "local", 1000, 500),
        ("浙江", 1010, "local", 2000, 500),  # rounded up to 2 kg, still in the flat band
        ("浙江", 3000, "local", 3000, 500),  # the band's upper edge belongs to it
        ("浙江", 3010, "local", 4000, 800 + 3 * 200),  # over the edge: next band
        ("浙江省", 12000, "local", 12000, 800 + 11 * 200),  # "浙江省" matches "浙江"
        # outside: one open band
        ("江苏", 1000, "outside", 1000, 1000),
        ("上海", 1001, "outside", 2000, 1500),
        ("安徽", 2500, "outside", 3000, 2000),
        # remote: two bounded bands
        ("新疆", 5000, "remote", 5000, 2000 + 4 * 1500),
        ("新疆", 5001, "remote", 6000, 2500 + 5 * 1200),
        ("西藏", 20000, "remote", 20000, 2500 + 19 * 1200),
    ],
)
def test_freight_by_weight_band_and_zone(province, weight_g, zone, chargeable_g, freight_fen):
    quote = freight(card(), province, weight_g)
    assert (quote.zone, quote.chargeable_g, quote.freight_fen) == (zone, chargeable_g, freight_fen)


def test_past_the_last_bounded_band_is_refused():
    with pytest.raises(InvalidInput) as error:
        freight(card(), "西藏", 20001)
    assert error.value.key == "couriers.too_heavy"


def test_a_half_kilo_unit_rounds_to_half_kilos():
    half = card(unit_g=500, zones=(Zone("all", ("浙江",), (Band(None, 600, 100),)),))
    assert chargeable_weight_g(1010, 500) == 1500
    assert freight(half, "浙江", 1010).freight_fen == 600 + 1 * 100
    assert freight(half, "浙江", 1600).freight_fen == 600 + 2 * 100


def test_a_province_not_on_the_card_is_refused():
    with pytest.raises(InvalidInput) as error:
        freight(card(), "广东", 1000)
    assert error.value.key == "couriers.province_not_on_card"


@pytest.mark.parametrize(
    ("text", "grams"), [("1", 1000), ("0.01", 10), ("1.25", 1250), ("１．５", 1500), ("12.3", 12300)]
)
def test_weights_are_typed_to_ten_grams(text, grams):
    assert parse_weight_kg(text) == grams


@pytest.mark.parametrize("text", ["0", "1.255", "-1", "abc", "", "1001"])
def test_bad_weights_are_refused(text):
    with pytest.raises(InvalidInput):
        parse_weight_kg(text)


def test_commission_rounds_once_half_up():
    assert commission_fen(1250, 1000) == 125
    assert commission_fen(1005, 50) == 5  # 5.025 fen → 5
    assert commission_fen(1010, 50) == 5  # 5.05 fen: a twentieth of a fen rounds down
    assert commission_fen(1100, 50) == 6  # 5.5 → 6
    assert parse_bp("7.5") == 750


@pytest.mark.parametrize(
    ("broken", "key"),
    [
        (dict(fee_basis="delivered"), "couriers.bad_fee_basis"),
        (dict(delivery_fee_fen=-1), "couriers.negative"),
        (dict(zones=(PROVINCIAL, Zone("again", ("浙江",), (Band(None, 1, 1),)))), "couriers.province_twice"),
        (dict(zones=(Zone("z", ("浙江",), (Band(None, 1, 1), Band(5000, 1, 1))),)), "couriers.open_band_not_last"),
        (dict(zones=(Zone("z", ("浙江",), (Band(5000, 1, 1), Band(3000, 1, 1))),)), "couriers.bands_not_increasing"),
        (dict(zones=(Zone("z", ("浙江",), ()),)), "couriers.zone_without_bands"),
        (dict(zones=(Zone("z", (), (Band(None, 1, 1),)),)), "couriers.zone_without_provinces"),
    ],
)
def test_a_broken_card_is_refused(broken, key):
    with pytest.raises(InvalidInput) as error:
        validate_card(card(**broken))
    assert error.value.key == key


def test_the_card_in_force_on_a_day():
    first, second = card(version=1), card(version=2, effective_from=dt.date(2026, 11, 15), delivery_fee_fen=60)
    assert card_on([first, second], dt.date(2025, 12, 31)) is None
    assert card_on([first, second], dt.date(2026, 11, 14)) is first
    assert card_on([first, second], dt.date(2026, 11, 15)) is second


def test_fees_accrue_per_day_at_the_card_in_force():
    first = card(version=1)
    second = card(version=2, effective_from=dt.date(2026, 11, 15), delivery_fee_fen=60)
    counts = [(dt.date(2026, 11, 14), 10), (dt.date(2026, 11, 15), 7), (dt.date(2025, 12, 1), 3)]
    lines = fee_lines(counts, [first, second], "handed_over")
    assert [(line.day.day, line.parcels, line.fee_fen, line.amount_fen) for line in lines] == [
        (14, 10, 50, 500),
        (15, 7, 60, 420),
    ]
    assert fee_lines(counts, [first, second], "checked_in") == []  # the contract pays per hand-over
