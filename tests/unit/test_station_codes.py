"""The station code is an identifier the county matches exports by: letters, digits, '-'."""

import pytest

from station.domain.errors import InvalidInput
from station.domain.station_codes import CODE_MAX, parse_station_code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ZJ-AJ-0317", "ZJ-AJ-0317"),
        (" C1 ", "C1"),
        ("ｚｊ－ａｊ－１", "zj-aj-1"),
        ("b001", "b001"),
        ("X" * CODE_MAX, "X" * CODE_MAX),
    ],
)
def test_codes_the_county_issues_are_taken(typed, code):
    assert parse_station_code(typed) == code


@pytest.mark.parametrize(
    "typed", ["a/../b", "站01", "-C1", "C 1", "C\n1", "C1\u200b", "X" * (CODE_MAX + 1), "C_1", "١٢٣", "ZJ.AJ"]
)
def test_anything_else_is_refused_with_an_example(typed):
    with pytest.raises(InvalidInput) as refused:
        parse_station_code(typed)
    assert refused.value.key == "setup.station_code_invalid"


def test_empty_names_the_field_that_is_missing():
    with pytest.raises(InvalidInput) as refused:
        parse_station_code("  ", required_key="county.bad_code")
    assert refused.value.key == "county.bad_code"
