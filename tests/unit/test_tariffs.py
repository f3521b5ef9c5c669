import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.errors import InvalidInput
from station.domain.tariffs import (
    Tier,
    apply_cap,
    cap_fen,
    parse_quantity,
    parse_rate,
    validate_tiers,
    village_amount_fen,
)

KWH = 1000
SCENARIO = (Tier(240 * KWH, 4883), Tier(400 * KWH, 5383), Tier(None, 7883))


def test_the_scenario_bill():
    result = apply_cap(477 * KWH, SCENARIO, 0, 28000)
    assert (result.village_fen, result.cap_fen, result.payable_fen, result.excess_fen) == (26402, 27194, 27194, 806)
    assert [line.usage_milli for line in result.lines] == [240 * KWH, 160 * KWH, 77 * KWH]
    assert result.over_cap


@pytest.mark.parametrize(
    "usage_kwh, village_fen",
    [
        (0, 0),
        (1, 49),  # 0.4883 → 0.49
        (240, 11719),  # 117.192 → 117.19: the whole first tier
        (241, 11773),  # 117.192 + 0.5383 = 117.7303
        (400, 20332),  # 117.192 + 86.128 = 203.32
        (401, 20411),  # + 0.7883 = 204.1083
    ],
)
def test_tier_boundaries(usage_kwh, village_fen):
    assert village_amount_fen(usage_kwh * KWH, SCENARIO, 0)[1] == village_fen


def test_rounding_happens_once_at_the_end():
    tiers = (Tier(1 * KWH, 50), Tier(None, 50))  # 0.0050 yuan per unit: half a fen each
    assert village_amount_fen(2 * KWH, tiers, 0)[1] == 1  # 0.005 + 0.005 = 0.01, not 0.01 + 0.01


def test_exactly_at_cap_and_one_fen_over():
    village = village_amount_fen(477 * KWH, SCENARIO, 0)[1]
    cap = cap_fen(village)
    at = apply_cap(477 * KWH, SCENARIO, 0, cap)
    assert at.payable_fen == cap and at.excess_fen == 0 and not at.over_cap
    over = apply_cap(477 * KWH, SCENARIO, 0, cap + 1)
    assert over.payable_fen == cap and over.excess_fen == 1


def test_zero_usage_with_a_fixed_fee():
    result = apply_cap(0, (), 800, 900)
    assert (result.village_fen, result.cap_fen, result.payable_fen, result.excess_fen) == (800, 824, 824, 76)


def test_cap_rounds_down():
    assert cap_fen(26402) == 27194  # 27194.06
    assert cap_fen(100) == 103
    assert cap_fen(99) == 101  # 101.97


@given(
    usage=st.integers(0, 10**9),
    billed=st.integers(0, 10**9),
    rates=st.lists(st.integers(0, 100000), min_size=1, max_size=4),
    fixed=st.integers(0, 10**5),
)
def test_payable_never_exceeds_the_cap_and_adds_up(usage, billed, rates, fixed):
    tiers = (*tuple(Tier((i + 1) * 100 * KWH, r) for i, r in enumerate(rates[:-1])), Tier(None, rates[-1]))
    result = apply_cap(usage, tiers, fixed, billed)
    assert result.payable_fen <= result.cap_fen
    assert result.payable_fen + result.excess_fen == billed
    assert result.cap_fen * 100 <= result.village_fen * 103 < (result.cap_fen + 1) * 100
    assert all(isinstance(v, int) for v in (result.village_fen, result.cap_fen, result.payable_fen))


@pytest.mark.parametrize(
    "tiers, fixed, key",
    [
        ((Tier(400, 1), Tier(240, 1), Tier(None, 1)), 0, "tariff.tiers_not_increasing"),
        ((Tier(None, 1), Tier(240, 1)), 0, "tariff.open_tier_not_last"),
        ((Tier(240, -1), Tier(None, 1)), 0, "tariff.negative"),
        ((Tier(240, 1),), 0, "tariff.last_tier_open"),
        ((), 0, "tariff.empty"),
        ((), -1, "tariff.negative"),
    ],
)
def test_bad_tariffs_are_refused(tiers, fixed, key):
    with pytest.raises(InvalidInput) as caught:
        validate_tiers(tiers, fixed)
    assert caught.value.key == key


def test_rates_and_readings_parse_exactly():
    assert parse_rate("0.4883") == 4883
    assert parse_rate("０．６０８９") == 6089
    assert parse_quantity("18234") == 18234000
    assert parse_quantity("12.5") == 12500
    for bad in ("0.60886875", "-1", "abc", "1.2.3"):
        with pytest.raises(InvalidInput):
            parse_rate(bad)
