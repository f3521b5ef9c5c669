"""The receipt document model and its layout into printer lines.

Widths are counted in printer bytes (GB18030: ASCII 1, hanzi 2), not terminal cells, so what
fits on the screen preview fits on the paper. The same lines feed the ESC/POS renderer and
the on-screen preview.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from station.domain.errors import InvalidInput

Align = Literal["left", "center", "right"]
ENCODING = "gb18030"


@dataclass(frozen=True)
class Text:
    text: str
    align: Align = "left"
    bold: bool = False
    double: bool = False


@dataclass(frozen=True)
class Row:
    """A key–value row: the value right-aligned (amounts line up)."""

    left: str
    right: str
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Qr:
    payload: str


@dataclass(frozen=True)
class Blank:
    pass


@dataclass(frozen=True)
class Receipt:
    kind: str
    receipt_no: str
    elements: tuple = field(default_factory=tuple)

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind,
                "receipt_no": self.receipt_no,
                "elements": [{"type": type(e).__name__, **asdict(e)} for e in self.elements],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Receipt:
        data = json.loads(text)
        kinds = {k.__name__: k for k in (Text, Row, Rule, Qr, Blank)}
        elements = tuple(kinds[e.pop("type")](**e) for e in data["elements"])
        return cls(data["kind"], data["receipt_no"], elements)


@dataclass(frozen=True)
class Line:
    """One printed line: text already fitted to the width."""

    text: str
    align: Align = "left"
    bold: bool = False
    double: bool = False
    qr: str | None = None  # a QR code instead of text


# Characters GB printer fonts lack, and what they print instead (the half-width yen sign is a
# 4-byte GB18030 sequence; the full-width one is in GB2312).
SUBSTITUTES = str.maketrans({"¥": "￥"})


def printable(text: str) -> str:
    return text.translate(SUBSTITUTES)


def char_width(char: str) -> int:
    """Printer columns of one character; refuses what a GB printer font cannot print."""
    if char in "\n\r\t":
        raise InvalidInput("print.unprintable", char=repr(char))
    try:
        encoded = char.encode(ENCODING)
    except UnicodeEncodeError:
        raise InvalidInput("print.unprintable", char=char) from None
    if len(encoded) > 2 or (len(encoded) == 1 and not 0x20 <= encoded[0] < 0x7F):
        raise InvalidInput("print.unprintable", char=char)  # 4-byte GB18030: not in printer fonts
    return len(encoded)


def byte_width(text: str) -> int:
    return sum(char_width(c) for c in text)


def check_printable(receipt: Receipt) -> None:
    """Refuse a receipt with any character the printer cannot print, before printing."""
    for element in receipt.elements:
        for value in asdict(element).values():
            if isinstance(value, str) and not isinstance(element, Qr):
                byte_width(printable(value))


def wrap(text: str, width: int) -> list[str]:
    """Break text into pieces no wider than `width` printer bytes (never split a hanzi)."""
    lines, current, used = [], "", 0
    for char in text:
        w = char_width(char)
        if used + w > width:
            lines.append(current)
            current, used = "", 0
        current += char
        used += w
    lines.append(current)
    return lines


def pad(left: str, right: str, width: int) -> str:
    return left + " " * (width - byte_width(left) - byte_width(right)) + right


def layout(receipt: Receipt, width: int) -> list[Line]:
    """Fit every element to `width` printer bytes."""
    receipt = Receipt(
        receipt.kind,
        receipt.receipt_no,
        tuple(
            type(e)(**{k: printable(v) if isinstance(v, str) else v for k, v in asdict(e).items()})
            if not isinstance(e, Qr)
            else e
            for e in receipt.elements
        ),
    )
    check_printable(receipt)
    lines: list[Line] = []
    for element in receipt.elements:
        if isinstance(element, Text):
            usable = width // 2 if element.double else width
            for piece in wrap(element.text, usable):
                lines.append(Line(piece, element.align, element.bold, element.double))
        elif isinstance(element, Row):
            lines.extend(Line(t, bold=element.bold) for t in _row(element.left, element.right, width))
        elif isinstance(element, Rule):
            lines.append(Line(element.char * width))
        elif isinstance(element, Qr):
            lines.append(Line("", "center", qr=element.payload))
        elif isinstance(element, Blank):
            lines.append(Line(""))
    return lines


def _row(left: str, right: str, width: int) -> list[str]:
    right_w = byte_width(right)
    if byte_width(left) + 1 + right_w <= width:
        return [pad(left, right, width)]
    # The label wraps; the value goes right-aligned on the last line (or its own line).
    pieces = wrap(left, width)
    last = pieces[-1]
    if byte_width(last) + 1 + right_w <= width:
        return pieces[:-1] + [pad(last, right, width)]
    return pieces + [pad("", right, width)]
