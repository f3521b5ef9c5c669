"""Text a spreadsheet would run as a formula gets its leading ' however it is dressed: an "="
a combining mark composes with under NFKC, spaces of any kind and any number before the sign."""

import pytest

from station.domain.spreadsheet import neutralise, restore

FORMULAS = [
    "=\u0338cmd|' /C calc'!A0",  # NFKC reads "≠cmd…"; the spreadsheet reads "=cmd…"
    "+\u0338SUM(1)",
    " " * 8 + "=1+1",  # Excel skips leading spaces, however many
    " " * 40 + "@SUM(A1)",
    "\u3000" * 9 + "-1+1",
    "\u2003" * 10 + "+1",  # em spaces
    "\u00a0" * 12 + '=HYPERLINK("x")',
    "\x0b=1+1",  # a vertical tab pasted from a label, then a formula
    " \x0c@A1",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_behind_a_combining_mark_or_many_spaces_is_neutralised_and_restored(value):
    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", ["-5", "-1.50", "12", "a=1", "王=1", "≠1", " " * 9 + "x", "\u0338=1", ""])
def test_numbers_and_plain_text_are_left_as_they_are(value):
    assert neutralise(value) == value
    assert restore(value) == value
