"""Receipts rendered to ESC/POS bytes per second: station's renderer (qrcode's mask found on
whole rows, the QR's `GS v 0` rows written straight from its module matrix) against qrcode's
own path — `make(fit=True)` and its PIL `make_image`, pasted on the paper width and inverted by
Pillow — for the same receipts, in the same run.

    python benchmarks/run.py --only receipt
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

DAY = dt.datetime(2026, 11, 23, 9, 0)
PAPERS = ((32, 384), (48, 576))  # 58 mm and 80 mm


def receipts(count: int) -> list:
    """`count` pickup and sale receipts, each with its own number and QR payload."""
    from station.i18n.translator import Translator
    from station.printing.layout import Row
    from station.printing.receipts import ReceiptContext, build_receipt

    t = Translator()
    made = []
    for n in range(count):
        ctx = ReceiptContext("青山村村淘服务站", "ZJ-0317", f"20261123-{n + 1:04d}", DAY, "王秀英")
        rows = [Row(f"3-2-{n * 7 + k:04d}", "中通") for k in range(1 + n % 5)]
        if n % 2:  # a money receipt: CODE/NO/AMOUNT_FEN/HASH24
            made.append(build_receipt(t, "consign_sale", ctx, rows, proof=f"{n:064x}", amount_fen=1000 + n * 37))
        else:
            made.append(build_receipt(t, "pickup", ctx, rows, proof=f"parcel-{n}"))
    return made


def qrcode_image(payload: str, module: int, error: str):
    """qrcode's own path: `make(fit=True)` (its eight-drawing mask search) and `make_image`."""
    import qrcode

    level = getattr(qrcode.constants, f"ERROR_CORRECT_{error}")
    code = qrcode.QRCode(error_correction=level, box_size=module, border=4)
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("1")


def pil_raster(image, width_dots: int) -> bytes:
    """The old `GS v 0` path: the image pasted on the paper width and inverted by Pillow."""
    from PIL import Image

    from station.printing.escpos import GS

    canvas = Image.new("1", (width_dots, image.height), 1)
    canvas.paste(image, ((width_dots - image.width) // 2, 0))
    x_bytes = width_dots // 8
    header = GS + b"v0\x00" + bytes([x_bytes & 0xFF, x_bytes >> 8, image.height & 0xFF, image.height >> 8])
    return header + canvas.tobytes().translate(bytes(range(255, -1, -1)))


def pil_render(receipt, *, columns: int, width_dots: int, qr_module: int = 4, qr_error: str = "M") -> bytes:
    """The baseline: the same receipt with its QR drawn by qrcode's PIL image factory, made
    again at each smaller module size until it fits, then pasted and inverted by Pillow."""
    from station.printing.escpos import (
        ALIGN,
        BOLD_OFF,
        BOLD_ON,
        CHINESE_MODE,
        FEED_AND_CUT,
        INIT,
        SIZE_DOUBLE,
        SIZE_NORMAL,
    )
    from station.printing.layout import ENCODING, layout

    out = bytearray(INIT + CHINESE_MODE)
    for line in layout(receipt, columns):
        if line.qr is not None:
            module = qr_module
            image = qrcode_image(line.qr, module, qr_error)
            while image.width > width_dots and module > 1:
                module -= 1
                image = qrcode_image(line.qr, module, qr_error)
            out += ALIGN["center"] + pil_raster(image, width_dots) + b"\n"
            continue
        out += ALIGN[line.align] + (BOLD_ON if line.bold else BOLD_OFF) + (SIZE_DOUBLE if line.double else SIZE_NORMAL)
        out += line.text.encode(ENCODING) + b"\n"
    return bytes(out + ALIGN["left"] + BOLD_OFF + SIZE_NORMAL + FEED_AND_CUT)


def bench_receipt(count: int = 40, rounds: int = 3) -> dict:
    """Each round renders every receipt on both papers, ours and the baseline back to back."""
    from station.printing.escpos import render

    made = receipts(count)
    for receipt in made[:2]:  # the same bytes, or the comparison means nothing
        for columns, dots in PAPERS:
            assert render(receipt, columns=columns, width_dots=dots) == pil_render(
                receipt, columns=columns, width_dots=dots
            )
    ours: list[float] = []
    base: list[float] = []
    for _ in range(rounds):
        for receipt in made:
            for columns, dots in PAPERS:
                started = time.perf_counter()
                render(receipt, columns=columns, width_dots=dots)
                middle = time.perf_counter()
                pil_render(receipt, columns=columns, width_dots=dots)
                ours.append(middle - started)
                base.append(time.perf_counter() - middle)
    return {
        "receipts": len(ours),
        "per_s": len(ours) / sum(ours),
        "baseline_per_s": len(base) / sum(base),
        "ratio": sum(base) / sum(ours),
        "median_ms": statistics.median(ours) * 1000,
        "baseline_median_ms": statistics.median(base) * 1000,
        "goal_ms": 10,
    }
