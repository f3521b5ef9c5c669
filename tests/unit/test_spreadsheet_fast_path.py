"""`neutralise` judges most cells on their first character alone: the same answer as the full
check for every first character, whatever follows it."""

from station.domain.spreadsheet import _IDEOGRAPHS, _SAFE_START, SAFE_FIRST, _looks_like_formula, neutralise

FOLLOWERS = ["", "1", "=1", " ", "\u0301", "\u0338", "\u20e5", "\uff1d", "x'", "\u3000=", "-1", "\t"]
IDEOGRAPHS = [chr(c) for c in range(_IDEOGRAPHS[0], _IDEOGRAPHS[1] + 1)]


def test_a_safe_first_character_is_never_a_formula_start():
    for first in sorted(SAFE_FIRST - {""}):
        for rest in FOLLOWERS:
            assert not _looks_like_formula(first + rest), repr(first + rest)


def test_an_ideograph_first_is_never_a_formula_start():
    for first in IDEOGRAPHS:
        for rest in ("", "=1", "\u0338", "\uff1d"):
            assert not _looks_like_formula(first + rest), repr(first + rest)


def test_the_fast_path_gives_the_full_checks_answer_around_its_edges():
    edges = ["\u4dff", "\u4e00", "\u9fff", "\ua000", "\uff1d", "\u3000", " ", "\u00a0", "'", "=", ""]
    for first in edges:
        for rest in FOLLOWERS:
            value = first + rest
            expected = "'" + value if value and _looks_like_formula(value) else value
            assert neutralise(value) == expected, repr(value)


def test_a_formula_after_a_safe_first_character_is_left_as_text():
    assert neutralise("a=1") == "a=1" and neutralise("=1") == "'=1" and neutralise("\uff1d1") == "'\uff1d1"
    assert neutralise("王=1") == "王=1" and SAFE_FIRST == _SAFE_START | {""}
