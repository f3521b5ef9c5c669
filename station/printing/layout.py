"""The receipt document model and its layout into printer lines.

Widths are counted in printer bytes (GB18030: ASCII 1, hanzi 2), not terminal cells, so what
fits on the screen preview fits on the paper. The same lines feed the ESC/POS renderer and
the on-screen preview.
"""

from __future__ import annotations

import json
import unicodedata
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


Element = Text | Row | Rule | Qr | Blank  # what a receipt is made of, top to bottom


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
BOX = "\u25a1"  # □: what prints in place of a character the printer's font lacks


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


def _fits(char: str) -> bool:
    try:
        char_width(char)
    except InvalidInput:
        return False
    return True


def _replacement(char: str) -> str:
    """A rare hanzi (生僻字) prints as its pinyin in brackets, anything else as □."""
    category = unicodedata.category(char)
    if char in "\n\r\t":
        return " "
    if category in ("Mn", "Me", "Cf", "Cc"):  # emoji variation selectors, joiners, controls
        return ""
    if category == "Lo":
        # Imported here: pypinyin's dictionary is only needed for such a rare character.
        from pypinyin import Style, lazy_pinyin

        spoken = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
        if spoken and spoken[0] and spoken[0].isascii():
            return f"[{spoken[0]}]"
    return BOX


def printable(text: str) -> str:
    """The text as the printer can print it: unprintable characters replaced, never refused."""
    text = text.translate(SUBSTITUTES)
    if all(_fits(c) for c in text):
        return text
    return "".join(c if _fits(c) else _replacement(c) for c in text)


def replaced_characters(receipt: Receipt) -> str:
    """The distinct characters of a receipt that print as a replacement (for the status line)."""
    seen: dict[str, None] = {}
    for element in receipt.elements:
        if isinstance(element, Qr):
            continue
        for value in asdict(element).values():
            if isinstance(value, str):
                for char in value.translate(SUBSTITUTES):
                    if not _fits(char) and unicodedata.category(char) not in ("Mn", "Me", "Cf"):
                        seen[char] = None
    return "".join(seen)


def byte_width(text: str) -> int:
    return sum(char_width(c) for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Break text into pieces no wider than `width` printer bytes (never split a hanzi)."""
    width = max(width, 2)
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
    lines: list[Line] = []
    for element in receipt.elements:
        if isinstance(element, Text):
            usable = width // 2 if element.double else width
            for piece in wrap(element.text, usable):
                lines.append(Line(piece, element.align, element.bold, element.double))
        elif isinstance(element, Row):
            lines.extend(Line(t, bold=element.bold) for t in _row(element.left, element.right, width))
        elif isinstance(element, Rule):
            char = element.char or "-"
            lines.append(Line(char * (width // byte_width(char))))
        elif isinstance(element, Qr):
            lines.append(Line("", "center", qr=element.payload))
        elif isinstance(element, Blank):
            lines.append(Line(""))
    return lines


def _row(left: str, right: str, width: int) -> list[str]:
    right_w = byte_width(right)
    if byte_width(left) + 1 + right_w <= width:
        return [pad(left, right, width)]
    if right_w > width:
        # A long value (a product name, a collected-by note) wraps too; its last piece is
        # right-aligned under the others. No line is ever wider than the paper.
        values = wrap(right, width)
        return [*wrap(left, width), *values[:-1], pad("", values[-1], width)]
    # The label wraps; the value goes right-aligned on the last line (or its own line).
    pieces = wrap(left, width)
    last = pieces[-1]
    if byte_width(last) + 1 + right_w <= width:
        return [*pieces[:-1], pad(last, right, width)]
    return [*pieces, pad("", right, width)]
