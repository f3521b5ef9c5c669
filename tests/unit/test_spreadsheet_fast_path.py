"""`neutralise` judges most cells on their first character alone: the same answer as the full
check for every first character, whatever follows it."""

from station.domain.spreadsheet import _SAFE_START, _looks_like_formula, neutralise

FOLLOWERS = ["", "1", "=1", " ", "\u0301", "\u0338", "\u20e5", "\uff1d", "x'", "\u3000=", "-1", "\t"]


def test_a_safe_first_character_is_never_a_formula_start():
    for first in _SAFE_START:
        for rest in FOLLOWERS:
            assert not _looks_like_formula(first + rest), repr(first + rest)


def test_a_formula_after_a_safe_first_character_is_left_as_text():
    assert neutralise("a=1") == "a=1" and neutralise("=1") == "'=1" and neutralise("\uff1d1") == "'\uff1d1"
