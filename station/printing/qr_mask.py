"""qrcode's own choice of mask, computed on whole rows.

qrcode's `QRCode.make` draws the code eight times (once per mask, in its "test" form: format
and version bits left light) and scores each drawing with `util.lost_point`, cell by cell; then
draws the winner a ninth time. That is most of a receipt's rendering time. Here the code's layout
is read once (which cells are data, in qrcode's placement order), each mask's drawing is a list
of row integers, and the four penalty rules count runs, 2×2 blocks and finder-like patterns on
those rows and their columns as text. The scores, and so the chosen mask, are qrcode's
(tests/printing/test_qr_mask.py compares them for every mask over many payloads); the final
drawing is still qrcode's own `makeImpl`.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

RUNS = r"0{5,}|1{5,}"  # rule 1: five or more alike in a row or column
# Rule 3: 1:1:3:1:1 with four light on one side. Neither pattern can overlap itself, so
# str.count finds every occurrence.
FINDER_LIKE = ("10111010000", "00001011101")

# The cells each of qrcode's eight masks (`util.mask_func`) flips: every mask repeats every 12
# rows and every 6 columns, so rows 0–11 × columns 0–5 say it all (a test checks them).
MASK_TILES = (
    "101010 010101 101010 010101 101010 010101 101010 010101 101010 010101 101010 010101",  # 0
    "111111 000000 111111 000000 111111 000000 111111 000000 111111 000000 111111 000000",  # 1
    "100100 100100 100100 100100 100100 100100 100100 100100 100100 100100 100100 100100",  # 2
    "100100 001001 010010 100100 001001 010010 100100 001001 010010 100100 001001 010010",  # 3
    "111000 111000 000111 000111 111000 111000 000111 000111 111000 111000 000111 000111",  # 4
    "111111 100000 100100 101010 100100 100000 111111 100000 100100 101010 100100 100000",  # 5
    "111111 111000 110110 101010 101101 100011 111111 111000 110110 101010 101101 100011",  # 6
    "101010 000111 100011 010101 111000 011100 101010 000111 100011 010101 111000 011100",  # 7
)


def make_fitted(code: Any) -> None:
    """What `code.make(fit=True)` does, with the mask search done here."""
    from qrcode import util

    code.best_fit(start=code.version)
    if code.mask_pattern is not None:
        code.makeImpl(False, code.mask_pattern)
        return
    code.data_cache = util.create_data(code.version, code.error_correction, code.data_list)
    code.makeImpl(False, best_mask_pattern(code))


def best_mask_pattern(code: Any) -> int:
    """The mask `code.best_mask_pattern()` returns (the first of the lowest scores)."""
    count = code.version * 4 + 17
    fixed, cells, data = _layout(code, count)
    best, best_score = 0, 0
    for pattern in range(8):
        rows = [f | (d ^ (m & c)) for f, c, d, m in zip(fixed, cells, data, _mask_rows(pattern, count))]
        score = lost_point(rows, count)
        if pattern == 0 or score < best_score:
            best, best_score = pattern, score
    return best


def _layout(code: Any, count: int) -> tuple[list[int], list[int], list[int]]:
    """Per row, as integers (column 0 the highest bit): the dark modules of the test drawing's
    fixed patterns, the data cells, and the data bits before masking, placed as qrcode's
    `map_data` places them."""
    code.modules_count = count
    code.modules = [[None] * count for _ in range(count)]
    code.setup_position_probe_pattern(0, 0)
    code.setup_position_probe_pattern(count - 7, 0)
    code.setup_position_probe_pattern(0, count - 7)
    code.setup_position_adjust_pattern()
    code.setup_timing_pattern()
    code.setup_type_info(True, 0)  # in the test drawing these bits are light whatever the mask
    if code.version >= 7:
        code.setup_type_number(True)
    modules = code.modules
    fixed = [int("".join(["1" if on else "0" for on in row]), 2) for row in modules]
    cells, data = [0] * count, [0] * count
    payload = code.data_cache
    bits = len(payload) * 8
    index, row, step = 0, count - 1, -1
    for col in range(count - 1, 0, -2):
        if col <= 6:
            col -= 1
        while True:
            for c in (col, col - 1):
                if modules[row][c] is None:
                    bit = 1 << (count - 1 - c)
                    cells[row] |= bit
                    if index < bits and (payload[index >> 3] >> (7 - (index & 7))) & 1:
                        data[row] |= bit
                    index += 1
            row += step
            if row < 0 or row >= count:
                row -= step
                step = -step
                break
    return fixed, cells, data


def _mask_rows(pattern: int, count: int) -> list[int]:
    """Row integers of the cells mask `pattern` flips, `count` columns wide."""
    tiles = (count + 5) // 6
    period = [int((six * tiles)[:count], 2) for six in MASK_TILES[pattern].split()]
    return [period[r % 12] for r in range(count)]


def lost_point(rows: list[int], count: int) -> int:
    """`util.lost_point` of the drawing whose rows these are."""
    lines = [format(row, f"0{count}b") for row in rows]
    text = ",".join(lines) + "," + ",".join(["".join(column) for column in zip(*lines)])
    runs = re.findall(RUNS, text)
    score = sum(len(run) - 2 for run in runs)  # rule 1: 3 for five, one more for each further
    pair_mask = (1 << (count - 1)) - 1
    full = (1 << count) - 1
    blocks = 0
    for upper, lower in pairwise(rows):
        alike = ~(upper ^ lower) & full  # rule 2: 2×2 blocks of one colour
        blocks += (alike & (alike >> 1) & ~(upper ^ (upper >> 1)) & pair_mask).bit_count()
    score += 3 * blocks
    score += 40 * sum(text.count(pattern) for pattern in FINDER_LIKE)
    dark = text.count("1") // 2  # each module is in the text twice, in its row and its column
    percent = float(dark) / (count**2)  # rule 4, as util computes it
    return score + int(abs(percent * 100 - 50) / 5) * 10
