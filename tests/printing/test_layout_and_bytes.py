import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.i18n.translator import Translator
from station.printing.escpos import render
from station.printing.layout import Receipt, Row, Text, byte_width, layout, replaced_characters, wrap
from station.printing.receipts import ReceiptContext, build_receipt, qr_payload, with_reprint_banner
from tests.printing.decode import decode

CTX = ReceiptContext("青山村村淘服务站", "ZJ-0317", "20261123-0001", dt.datetime(2026, 11, 23, 9, 30), "王秀英")


def sample(t=None):
    t = t or Translator()
    body = [
        Text("取件 3 件"),
        Row("电饭煲（拼多多，美的 MB-FB40，4 升，家用多功能）", "¥159.00"),
        Row("服务费", "¥2.00"),
        Row("合计", "¥161.00", bold=True),
    ]
    return build_receipt(t, "pickup", CTX, body, proof="a" * 64)


@pytest.mark.parametrize("columns, dots", [(32, 384), (48, 576)])
def test_bytes_decode_back_to_the_same_lines_within_the_width(columns, dots):
    receipt = sample()
    data = render(receipt, columns=columns, width_dots=dots)
    printed = decode(data)
    expected = [line.text for line in layout(receipt, columns)]
    assert printed.lines == expected
    for raw, line in zip(printed.raw_lines, printed.lines):
        limit = columns // 2 if line in printed.double_lines else columns
        assert len(raw) <= limit, line
    assert "合计" in printed.text and "￥161.00" in printed.text
    assert any(line.endswith("￥161.00") and len(raw) == columns for raw, line in zip(printed.raw_lines, printed.lines))
    assert printed.cut


def test_the_qr_is_a_raster_image_that_reads_back():
    receipt = sample()
    printed = decode(render(receipt, columns=32, width_dots=384))
    assert len(printed.images) == 1 and printed.images[0].width == 384
    assert printed.qr_payloads() == ["ZJ-0317/20261123-0001/aaaaaaaaaa"]


def test_station_name_is_printed_double_size():
    printed = decode(render(sample(), columns=32, width_dots=384))
    assert "青山村村淘服务站" in printed.double_lines


def test_long_names_wrap_and_amounts_stay_right_aligned():
    lines = [line.text for line in layout(sample(), 32)]
    i = next(i for i, line in enumerate(lines) if line.startswith("电饭煲"))
    assert byte_width(lines[i]) <= 32
    value_line = next(line for line in lines[i:] if "￥159.00" in line)
    assert value_line.endswith("￥159.00") and byte_width(value_line) == 32


def test_unprintable_characters_print_as_a_visible_replacement():
    receipt = Receipt("x", "1", (Text("鸡蛋 🥚"), Row("收件人", "王𪚥"), Row("取件", "𠮷田")))
    printed = decode(render(receipt, columns=32, width_dots=384))
    assert "鸡蛋 □" in printed.lines
    assert any(line.endswith("王[zhe]") for line in printed.lines)
    assert any(line.endswith("□田") for line in printed.lines)
    assert replaced_characters(receipt) == "🥚𪚥𠮷"


def test_full_width_punctuation_survives():
    receipt = Receipt("x", "1", (Text("（备注：已电话确认！）"),))
    assert decode(render(receipt, columns=32, width_dots=384)).lines[0] == "（备注：已电话确认！）"


def test_reprint_says_so_at_top_and_bottom():
    t = Translator()
    printed = decode(render(with_reprint_banner(t, sample(t)), columns=32, width_dots=384))
    assert printed.lines[0] == "重印 / REPRINT" and printed.lines[-1] == "重印 / REPRINT"


def test_qr_payload_is_short_ascii():
    payload = qr_payload("ZJ-0317", "20261123-0001", "anything")
    assert payload.isascii() and len(payload) < 40


@given(st.text(alphabet=st.sampled_from("ab1 鸡蛋土（）￥."), max_size=80), st.integers(4, 48))
def test_wrap_never_overflows_or_loses_text(text, width):
    pieces = wrap(text, width)
    assert "".join(pieces) == text
    assert all(byte_width(p) <= width for p in pieces)
