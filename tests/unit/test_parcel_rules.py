import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from station.domain.carriers import best_guess, detect
from station.domain.errors import InvalidInput
from station.domain.overdue import bucket
from station.domain.pickup_codes import MAX_SEQ, PickupCode, ShelfFull, next_seq, parse_code
from station.domain.scan import clean_scan


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("SF1234567890123\r\n", "SF1234567890123"),
        ("  yt 1234 5678 90123 ", "YT1234567890123"),
        ("ＳＦ１２３４５６７８９０１２３", "SF1234567890123"),  # full-width from an IME
        ("\x1b]775123456789012\x07", "]775123456789012"),
        ("7512-3456-7890-12", "75123456789012"),
    ],
)
def test_scan_cleaning(raw, clean):
    if clean.startswith("]"):
        with pytest.raises(InvalidInput):
            clean_scan(raw)
    else:
        assert clean_scan(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "12345", "A" * 31, "SF12345!678", "快递单号123456"])
def test_bad_scans(raw):
    with pytest.raises(InvalidInput):
        clean_scan(raw)


@pytest.mark.parametrize(
    "number, carrier, rule",
    [
        ("SF1234567890123", "SF", "sf.15"),
        ("YT1234567890123", "YTO", "yto.15"),
        ("75123456789012", "ZTO", "zto.14"),
        ("773123456789012", "STO", "sto.15"),
        ("312345678901234", "YD", "yd.15"),
        ("JT1234567890123", "JT", "jt.15"),
        ("1123456789012", "EMS", "ems.13"),
        ("EA123456789CN", "EMS", "ems.s10"),
        ("JDX123456789012", "JD", "jd.15"),
        ("DPK123456789012", "DBL", "dbl.15"),
    ],
)
def test_carrier_hints(number, carrier, rule):
    hints = detect(number)
    assert hints[0].carrier == carrier and hints[0].rule_id == rule
    assert best_guess(number) == carrier


@pytest.mark.parametrize("number", ["123456789012", "ABCDEFGH", "999999"])
def test_ambiguous_or_unknown_numbers_are_not_guessed(number):
    assert best_guess(number) == ""


def test_12_digits_give_several_candidates():
    assert {h.carrier for h in detect("123456789012")} >= {"SF", "ZTO"}


def test_seq_follows_the_scan_order_then_the_lowest_free():
    assert next_seq(None, set) == 1
    assert next_seq(329, lambda: pytest.fail("not read while there is room above")) == 330
    assert next_seq(MAX_SEQ, lambda: {MAX_SEQ, 1, 2}) == 3
    with pytest.raises(ShelfFull):
        next_seq(MAX_SEQ, lambda: set(range(1, MAX_SEQ + 1)))


def test_codes_parse_as_typed():
    assert parse_code("4-2-0329") == PickupCode(4, 2, 329)
    assert parse_code("４－２－０３２９") == PickupCode(4, 2, 329)
    assert parse_code("37 1 6312") == PickupCode(37, 1, 6312)
    assert str(PickupCode(4, 2, 7)) == "4-2-0007"
    for bad in ("4-2", "4-2-329", "abc", "4-22-0329"):
        with pytest.raises(InvalidInput):
            parse_code(bad)


@pytest.mark.parametrize("days, level", [(0, 0), (2, 0), (3, 1), (6, 1), (7, 2), (14, 2), (15, 3), (90, 3)])
def test_overdue_buckets(days, level):
    assert bucket(days, [3, 7, 15]) == level


class ShelfMachine(RuleBasedStateMachine):
    """Any sequence of check-ins and pickups/returns: no two live parcels share a code."""

    def __init__(self):
        super().__init__()
        self.live: dict[str, tuple[int, int]] = {}  # tracking → (shelf, seq)

    @rule(shelf=st.integers(1, 3), tail=st.integers(0, 30), n=st.integers(0, 10**6))
    def check_in(self, shelf, tail, n):
        tracking = f"SF{n:09d}{tail:04d}"
        if tracking in self.live:
            return
        taken = {seq for s, seq in self.live.values() if s == shelf}
        self.live[tracking] = (shelf, next_seq(max(taken, default=None), lambda: taken))

    @precondition(lambda self: self.live)
    @rule(data=st.data())
    def pick_up_or_return(self, data):
        tracking = data.draw(st.sampled_from(sorted(self.live)))
        del self.live[tracking]

    @invariant()
    def codes_are_unique(self):
        assert len(set(self.live.values())) == len(self.live)


TestShelf = ShelfMachine.TestCase
TestShelf.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
