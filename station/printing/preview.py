"""The receipt as text, exactly as the printer lays it out: the same lines and widths, and the
QR drawn with half blocks (two modules per character cell) so a phone can scan the screen."""

from __future__ import annotations

from station.printing.escpos import make_qr
from station.printing.layout import Line, Receipt, byte_width, layout

UPPER, LOWER, FULL, EMPTY = "▀", "▄", "█", " "


def qr_half_blocks(payload: str, *, error: str = "M", border: int = 2) -> list[str]:
    """Dark modules as block characters; each text row holds two module rows."""
    matrix = make_qr(payload, error=error, border=border).get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    rows = []
    for top, bottom in zip(matrix[0::2], matrix[1::2]):
        rows.append("".join(FULL if t and b else UPPER if t else LOWER if b else EMPTY for t, b in zip(top, bottom)))
    return rows


def aligned(line: Line, columns: int) -> str:
    width = columns // 2 if line.double else columns
    free = width - byte_width(line.text)
    if line.align == "center":
        return " " * (free // 2) + line.text
    if line.align == "right":
        return " " * free + line.text
    return line.text


def preview_lines(receipt: Receipt, columns: int, *, qr_error: str = "M") -> list[tuple[str, Line | None]]:
    """(text, line) pairs; QR rows come with line None."""
    shown: list[tuple[str, Line | None]] = []
    for line in layout(receipt, columns):
        if line.qr is not None:
            shown += [(row, None) for row in qr_half_blocks(line.qr, error=qr_error)]
        else:
            shown.append((aligned(line, columns), line))
    return shown
