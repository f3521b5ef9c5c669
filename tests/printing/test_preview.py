import datetime as dt

import zxingcpp
from PIL import Image

from station.i18n.translator import Translator
from station.printing.escpos import render
from station.printing.layout import Row, Text, layout
from station.printing.preview import FULL, LOWER, UPPER, preview_lines
from station.printing.receipts import ReceiptContext, build_receipt
from tests.printing.decode import decode


def receipt():
    ctx = ReceiptContext("青山村村淘服务站", "ZJ-0317", "20261123-0007", dt.datetime(2026, 11, 23, 9, 30), "王秀英")
    body = [Row("土鸡蛋 一级 12.5 斤 × ￥9.00", "￥112.50"), Text("长长长长长长长长长长长长长长长长长长长长长长")]
    return build_receipt(Translator(), "consign_sale", ctx, body, proof="b" * 64)


def test_preview_has_the_same_text_lines_as_the_printed_bytes():
    for columns, dots in ((32, 384), (48, 576)):
        printed = decode(render(receipt(), columns=columns, width_dots=dots)).lines
        qr_at = [i for i, line in enumerate(layout(receipt(), columns)) if line.qr is not None]
        printed = [line for i, line in enumerate(printed) if i not in qr_at]  # the raster's own line feed
        shown = [row.lstrip() for row, line in preview_lines(receipt(), columns) if line is not None]
        assert shown == [line.lstrip() for line in printed]
        assert any("￥112.50" in row for row in shown) and len(shown) > 10


def test_the_on_screen_qr_reads_back():
    rows = [row for row, line in preview_lines(receipt(), 32) if line is None]
    scale = 6
    image = Image.new("L", (len(rows[0]) * scale, len(rows) * 2 * scale), 255)
    for y, row in enumerate(rows):
        for x, char in enumerate(row):
            for half, dark in ((0, char in (UPPER, FULL)), (1, char in (LOWER, FULL))):
                if dark:
                    image.paste(0, (x * scale, (2 * y + half) * scale, (x + 1) * scale, (2 * y + half + 1) * scale))
    quiet = Image.new("L", (image.width + 8 * scale, image.height + 8 * scale), 255)
    quiet.paste(image, (4 * scale, 4 * scale))
    assert [r.text for r in zxingcpp.read_barcodes(quiet)] == ["ZJ-0317/20261123-0007/bbbbbbbbbb"]
