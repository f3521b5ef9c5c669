"""Printer lines → ESC/POS bytes: GB18030 text, GS ! double size, GS v 0 raster QR."""

from __future__ import annotations

from typing import TYPE_CHECKING

from station.printing.layout import ENCODING, Line, Receipt, layout

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
CHINESE_MODE = FS + b"&"  # select Kanji (GB) character mode on Chinese printers
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
SIZE_NORMAL, SIZE_DOUBLE = GS + b"!\x00", GS + b"!\x11"
FEED_AND_CUT = ESC + b"d\x04" + GS + b"V\x01"

if TYPE_CHECKING:
    from PIL import Image


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
    code.make(fit=True)
    return code


def qr_image(payload: str, *, module: int = 4, error: str = "M") -> Image.Image:
    code = make_qr(payload, error=error, box_size=module, border=4)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("1")


def raster(image: Image.Image, width_dots: int) -> bytes:
    """`GS v 0`: the image centred on the paper width, 1 bit per dot, MSB first."""
    from PIL import Image

    image = image.convert("1")
    if image.width > width_dots:
        raise ValueError(f"image {image.width} dots wider than the paper ({width_dots})")
    canvas = Image.new("1", (width_dots, image.height), 1)
    canvas.paste(image, ((width_dots - image.width) // 2, 0))
    # In mode "1" a set bit is white; the printer burns set bits, so invert.
    data = bytes(b ^ 0xFF for b in canvas.tobytes())
    x_bytes, height = width_dots // 8, canvas.height
    header = GS + b"v0\x00" + bytes([x_bytes & 0xFF, x_bytes >> 8, height & 0xFF, height >> 8])
    return header + data


def _fitted_qr(payload: str, module: int, error: str, width_dots: int) -> Image.Image:
    """The QR at `module` dots per module, or smaller until it fits the paper."""
    image = qr_image(payload, module=module, error=error)
    while image.width > width_dots and module > 1:
        module -= 1
        image = qr_image(payload, module=module, error=error)
    return image


def render_lines(
    lines: list[Line], *, width_dots: int, qr_module: int = 4, qr_error: str = "M", cut: bool = True
) -> bytes:
    out = bytearray(INIT + CHINESE_MODE)
    for line in lines:
        if line.qr is not None:
            out += ALIGN["center"] + raster(_fitted_qr(line.qr, qr_module, qr_error, width_dots), width_dots)
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
