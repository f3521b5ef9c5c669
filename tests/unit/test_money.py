import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.errors import InvalidInput
from station.domain.money import MAX_FEN, fen_to_yuan_text, format_fen, parse_yuan, round_half_up


@pytest.mark.parametrize(
    "text, fen",
    [
        ("12.5", 1250),
        ("12.50", 1250),
        ("12.50元", 1250),
        ("￥12", 1200),
        ("¥ 12", 1200),
        ("１２．５０", 1250),  # full-width digits and point
        ("0.01", 1),
        (".5", 50),
        ("7.", 700),
        ("  3  ", 300),
        ("0", 0),
    ],
)
def test_parses_what_people_type(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text, key",
    [
        ("", "money.empty"),
        ("元", "money.empty"),
        ("12.3.4", "money.not_a_number"),
        ("¥abc", "money.not_a_number"),
        ("-5", "money.negative"),
        ("1.234", "money.too_many_decimals"),
        ("1e5", "money.not_a_number"),
        ("9999999999999", "money.too_large"),
        ("100000000.01", "money.too_large"),
        ("nan", "money.not_a_number"),
    ],
)
def test_refuses_bad_amounts_with_a_key(text, key):
    with pytest.raises(InvalidInput) as caught:
        parse_yuan(text)
    assert caught.value.key == key


def test_zero_can_be_refused():
    with pytest.raises(InvalidInput) as caught:
        parse_yuan("0.00", allow_zero=False)
    assert caught.value.key == "money.zero"


def test_negative_allowed_when_asked():
    assert parse_yuan("-0.50", allow_negative=True) == -50


@pytest.mark.parametrize(
    "fen, text", [(0, "¥0.00"), (5, "¥0.05"), (1250, "¥12.50"), (123456789, "¥1,234,567.89"), (-50, "-¥0.50")]
)
def test_formats_fen(fen, text):
    assert format_fen(fen) == text


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_format_then_parse_round_trips(fen):
    assert parse_yuan(format_fen(fen).replace(",", "")) == fen  # shown with separators, typed without
    assert parse_yuan(fen_to_yuan_text(fen)) == fen


@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=1, max_value=10**6))
def test_round_half_up_matches_decimal(numerator, denominator):
    from decimal import ROUND_HALF_UP, Decimal

    expected = int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert round_half_up(numerator, denominator) == expected


def test_round_half_up_at_the_half():
    assert round_half_up(5, 10) == 1
    assert round_half_up(4, 10) == 0
    assert round_half_up(-5, 10) == -1
