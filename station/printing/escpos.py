"""Printer lines → ESC/POS bytes: GB18030 text, GS ! double size, GS v 0 raster QR."""

from __future__ import annotations

from station.printing.layout import ENCODING, Line, Receipt, layout
from station.printing.qr_mask import make_fitted

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CHINESE_MODE = FS + b"&"  # select Kanji (GB) character mode on Chinese printers
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
SIZE_NORMAL, SIZE_DOUBLE = GS + b"!\x00", GS + b"!\x11"
FEED_AND_CUT = ESC + b"d\x04" + GS + b"V\x01"


def make_qr(payload: str, *, error: str = "M", **options):
    """A fitted qrcode.QRCode. qrcode and Pillow load on the first QR, not at start-up."""
    import qrcode

    levels = {
        "L": qrcode.constants.ERROR_CORRECT_L,
        "M": qrcode.constants.ERROR_CORRECT_M,
        "Q": qrcode.constants.ERROR_CORRECT_Q,
        "H": qrcode.constants.ERROR_CORRECT_H,
    }
    code = qrcode.QRCode(error_correction=levels[error], **options)
    code.add_data(payload)
    make_fitted(code)  # = code.make(fit=True), qrcode's own mask found on whole rows
    return code


def _whole_bytes(width_dots: int) -> int:
    """The raster's width: the whole bytes of dots that fit the paper. `GS v 0` counts a row in
    bytes, so a paper of 390 dots prints 384 (a row of 49 bytes would run past the head)."""
    return width_dots // 8 * 8


def _raster_header(width_dots: int, height: int) -> bytes:
    x_bytes = width_dots // 8
    return GS + b"v0\x00" + bytes([x_bytes & 0xFF, x_bytes >> 8, height & 0xFF, height >> 8])


def qr_raster(payload: str, *, module: int, error: str, width_dots: int) -> bytes:
    """The QR as `GS v 0` bytes, drawn straight from its module matrix (no image): the same bytes
    as qrcode's own Pillow image centred and inverted (tests/printing/test_qr_raster.py), at
    `module` dots per module, or the largest smaller size that fits the paper (down to 1). The
    code is made once, with qrcode's own best mask."""
    width_dots = _whole_bytes(width_dots)
    matrix = make_qr(payload, error=error, box_size=module, border=4).get_matrix()
    count = len(matrix)
    module = max(1, min(module, width_dots // count))
    size = count * module
    if size > width_dots:
        raise ValueError(f"image {size} dots wider than the paper ({width_dots})")
    row_bytes = width_dots // 8
    left = (width_dots - size) // 2
    # Dark modules are set bits; blank paper around the code is clear.
    margin_left, margin_right = "0" * left, "0" * (width_dots - left - size)
    dark, light = "1" * module, "0" * module
    rows = []
    for modules in matrix:
        bits = margin_left + "".join([dark if on else light for on in modules]) + margin_right
        rows.append(int(bits, 2).to_bytes(row_bytes, "big") * module)
    return _raster_header(width_dots, size) + b"".join(rows)


def render_lines(
    lines: list[Line], *, width_dots: int, qr_module: int = 4, qr_error: str = "M", cut: bool = True
) -> bytes:
    out = bytearray(INIT + CHINESE_MODE)
    for line in lines:
        if line.qr is not None:
            out += ALIGN["center"] + qr_raster(line.qr, module=qr_module, error=qr_error, width_dots=width_dots)
            out += b"\n"
            continue
        out += ALIGN[line.align]
        out += BOLD_ON if line.bold else BOLD_OFF
        out += SIZE_DOUBLE if line.double else SIZE_NORMAL
        out += line.text.encode(ENCODING) + b"\n"
    out += ALIGN["left"] + BOLD_OFF + SIZE_NORMAL
    if cut:
        out += FEED_AND_CUT
    return bytes(out)


def render(receipt: Receipt, *, columns: int, width_dots: int, qr_module: int = 4, qr_error: str = "M") -> bytes:
    return render_lines(layout(receipt, columns), width_dots=width_dots, qr_module=qr_module, qr_error=qr_error)
