"""The receipt's QR is drawn straight from qrcode's module matrix; the printer must get the very
bytes the old path (qrcode's PIL image, pasted on the paper width and inverted) gave it."""

from __future__ import annotations

import pytest
import qrcode
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from station.printing.escpos import qr_raster, render_lines
from station.printing.layout import Line
from tests.printing.decode import decode

GS = b"\x1d"
LEVELS = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def reference_qr_image(payload: str, module: int, error: str) -> Image.Image:
    """The old path, kept here as it was: qrcode's own image at `module` dots per module."""
    code = qrcode.QRCode(error_correction=LEVELS[error], box_size=module, border=4)
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("1")


def reference_raster(image: Image.Image, width_dots: int) -> bytes:
    image = image.convert("1")
    if image.width > width_dots:
        raise ValueError(f"image {image.width} dots wider than the paper ({width_dots})")
    canvas = Image.new("1", (width_dots, image.height), 1)
    canvas.paste(image, ((width_dots - image.width) // 2, 0))
    data = bytes(b ^ 0xFF for b in canvas.tobytes())
    x_bytes, height = width_dots // 8, canvas.height
    header = GS + b"v0\x00" + bytes([x_bytes & 0xFF, x_bytes >> 8, height & 0xFF, height >> 8])
    return header + data


def reference_qr(payload: str, module: int, error: str, width_dots: int) -> bytes:
    """The old `_fitted_qr` loop: the whole code made again for each smaller module size."""
    image = reference_qr_image(payload, module, error)
    while image.width > width_dots and module > 1:
        module -= 1
        image = reference_qr_image(payload, module, error)
    return reference_raster(image, width_dots)


payloads = st.one_of(
    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-/", min_size=1, max_size=80),
    st.text(max_size=200),  # any Unicode (byte mode): codes up to ~100 modules wide
    st.integers(1, 500).map(lambda n: "9" * n),  # numeric mode
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=payloads,
    module=st.integers(1, 8),
    error=st.sampled_from("LMQH"),
    width_dots=st.sampled_from([384, 576]),
)
@example(payload="ZJ-0317/20261123-0001/aaaaaaaaaa", module=4, error="M", width_dots=384)
@example(payload="x" * 180, module=8, error="H", width_dots=384)  # shrinks to a smaller module
def test_qr_bytes_are_the_old_pil_paths_bytes(payload, module, error, width_dots):
    try:
        expected = reference_qr(payload, module, error, width_dots)
    except ValueError as refused:
        with pytest.raises(ValueError) as raised:
            qr_raster(payload, module=module, error=error, width_dots=width_dots)
        assert str(raised.value) == str(refused)
        return
    assert qr_raster(payload, module=module, error=error, width_dots=width_dots) == expected


@pytest.mark.parametrize("width_dots", [384, 576])
@pytest.mark.parametrize("length", [20, 60, 100, 140, 200, 300])
def test_codes_that_need_a_smaller_module_shrink_exactly_as_before(length, width_dots):
    payload = "ZJ-0317/" + "a" * length
    expected = reference_qr(payload, 8, "H", width_dots)
    assert qr_raster(payload, module=8, error="H", width_dots=width_dots) == expected


def test_a_long_payload_shrinks_the_module_on_58mm_paper():
    payload = "ZJ-0317/20261123-0001/" + "a" * 120
    full = reference_qr_image(payload, 8, "M")
    assert full.width > 384  # the case the fitting is for
    data = qr_raster(payload, module=8, error="M", width_dots=384)
    height = data[6] | data[7] << 8
    assert height == full.height // 8 * 6  # 6 dots a module: the largest that fits 384
    assert data == reference_qr(payload, 8, "M", 384)


@pytest.mark.parametrize("width_dots", [200, 383, 390, 577])
def test_a_paper_width_that_is_not_whole_bytes_prints_the_whole_bytes_that_fit(width_dots):
    """`GS v 0` gives a row's length in bytes: the old code announced width // 8 bytes and sent
    one more per row, so a printer set to 390 dots drew the rest of the code skewed."""
    payload = "ZJ-0317/20261123-0001/aaaaaaaaaa"
    fitting = width_dots // 8 * 8
    data = qr_raster(payload, module=4, error="M", width_dots=width_dots)
    row_bytes, height = data[4] | data[5] << 8, data[6] | data[7] << 8
    assert row_bytes == fitting // 8 and len(data) == 8 + row_bytes * height
    assert data == reference_qr(payload, 4, "M", fitting)


def test_a_code_wider_than_the_paper_at_one_dot_is_refused_as_before():
    with pytest.raises(ValueError, match="wider than the paper"):
        reference_qr("9" * 300, 4, "H", 64)
    with pytest.raises(ValueError, match="wider than the paper"):
        qr_raster("9" * 300, module=4, error="H", width_dots=64)


@pytest.mark.parametrize("width_dots", [384, 576])
@pytest.mark.parametrize("error", ["L", "M", "Q", "H"])
@pytest.mark.parametrize(
    "payload", ["ZJ-0317/20261123-0001/aaaaaaaaaa", "ZJ-0317/20261123-0001/" + "b7" * 60, "青山村/取件/0001"]
)
def test_the_printed_qr_reads_back(payload, error, width_dots):
    lines = [Line("取件", align="center"), Line("", qr=payload), Line("谢谢")]
    printed = decode(render_lines(lines, width_dots=width_dots, qr_module=4, qr_error=error))
    assert len(printed.images) == 1 and printed.images[0].width == width_dots
    assert printed.qr_payloads() == [payload]


@pytest.mark.parametrize("width_dots, module", [(384, 8), (576, 12)])
def test_a_code_made_smaller_to_fit_still_reads_back(width_dots, module):
    payload = "ZJ-0317/20261123-0001/" + "a" * 120
    data = render_lines([Line("", qr=payload)], width_dots=width_dots, qr_module=module, qr_error="M")
    printed = decode(data)
    assert printed.images[0].height < reference_qr_image(payload, module, "M").height  # shrunk to fit
    assert printed.qr_payloads() == [payload]
