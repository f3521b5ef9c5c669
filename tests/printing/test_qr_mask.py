"""The mask search on whole rows must choose qrcode's own mask: every mask's score is
util.lost_point's, and the finished code is the one `QRCode.make(fit=True)` makes."""

from __future__ import annotations

import pytest
import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st
from qrcode import util

from station.printing.escpos import make_qr
from station.printing.qr_mask import _layout, _mask_rows, best_mask_pattern, lost_point

LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}
payloads = st.one_of(
    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-/", min_size=1, max_size=120),
    st.text(max_size=250),  # byte mode, up to version 10+ (version bits from version 7)
    st.integers(1, 400).map(lambda n: "7" * n),  # numeric mode
)


def qrcode_made(payload: str, error: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=LEVELS[error], border=4)
    code.add_data(payload)
    code.make(fit=True)
    return code


@settings(max_examples=150, deadline=None)
@given(payload=payloads, error=st.sampled_from("LMQH"))
def test_the_code_is_the_one_qrcode_makes(payload, error):
    ours = make_qr(payload, error=error, border=4)
    theirs = qrcode_made(payload, error)
    assert ours.version == theirs.version
    assert ours.get_matrix() == theirs.get_matrix()


@settings(max_examples=60, deadline=None)
@given(payload=payloads, error=st.sampled_from("LMQH"))
def test_every_masks_drawing_and_score_are_qrcodes(payload, error):
    code = qrcode.QRCode(error_correction=LEVELS[error])
    code.add_data(payload)
    code.best_fit()
    code.data_cache = util.create_data(code.version, code.error_correction, code.data_list)
    count = code.version * 4 + 17
    fixed, cells, data = _layout(code, count)
    scores = []
    for pattern in range(8):
        rows = [f | (d ^ (m & c)) for f, c, d, m in zip(fixed, cells, data, _mask_rows(pattern, count))]
        code.makeImpl(True, pattern)  # qrcode's own test drawing for this mask
        assert rows == [int("".join("1" if on else "0" for on in row), 2) for row in code.modules]
        scores.append(util.lost_point(code.modules))
        assert lost_point(rows, count) == scores[-1]
    assert best_mask_pattern(code) == scores.index(min(scores)) == code.best_mask_pattern()


@pytest.mark.parametrize("version", [1, 6, 7, 20, 40])  # sizes either side of the version bits
def test_each_version_chooses_qrcodes_mask(version):
    code = qrcode.QRCode(version=version, error_correction=LEVELS["L"])
    code.add_data("ZJ-0317/" + "9" * (version * 8))
    code.best_fit(start=version)
    code.data_cache = util.create_data(code.version, code.error_correction, code.data_list)
    assert best_mask_pattern(code) == code.best_mask_pattern()


def test_a_fixed_mask_is_kept():
    code = make_qr("ZJ-0317/20261123-0001/aaaaaaaaaa", mask_pattern=5)
    theirs = qrcode.QRCode(error_correction=LEVELS["M"], mask_pattern=5)
    theirs.add_data("ZJ-0317/20261123-0001/aaaaaaaaaa")
    theirs.make(fit=True)
    assert code.modules == theirs.modules


@pytest.mark.parametrize("pattern", range(8))
def test_the_mask_tiles_are_qrcodes_masks_over_the_largest_code(pattern):
    flips = util.mask_func(pattern)
    count = 177  # version 40
    expected = [int("".join("1" if flips(r, c) else "0" for c in range(count)), 2) for r in range(count)]
    assert _mask_rows(pattern, count) == expected
