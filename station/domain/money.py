"""Money is integer fen (分) everywhere; this module parses and formats it.

One rounding function, `round_half_up`, is used wherever a fraction of a fen appears.
"""

from __future__ import annotations

import re
import unicodedata

from station.domain.errors import InvalidInput

FEN_PER_YUAN = 100
MAX_FEN = 100_000_000_00  # ¥100,000,000.00: nothing at a village counter is larger

_CURRENCY_MARKS = ("¥", "￥", "元", "RMB", "CNY", "rmb", "cny")  # input token
_AMOUNT = re.compile(r"^(?P<int>\d+)(?:\.(?P<frac>\d*))?$|^\.(?P<only_frac>\d+)$")


def round_half_up(numerator: int, denominator: int) -> int:
    """Divide two integers and round half away from zero: the project's one rounding rule."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def normalise_number_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII; drop spaces and thousands separators."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("。", ".").replace("，", ",")
    return re.sub(r"[\s,]", "", text)


def parse_yuan(text: str, *, allow_zero: bool = True, allow_negative: bool = False) -> int:
    """Parse what a person types as an amount in yuan ("12.5", "￥12", "１２．５０元") into fen."""
    cleaned = normalise_number_text(text or "")
    for mark in _CURRENCY_MARKS:
        cleaned = cleaned.replace(unicodedata.normalize("NFKC", mark), "")
    if not cleaned:
        raise InvalidInput("money.empty", text=text)
    negative = cleaned.startswith("-")
    if negative or cleaned.startswith("+"):
        cleaned = cleaned[1:]
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise InvalidInput("money.not_a_number", text=text)
    whole = match.group("int") or "0"
    frac = match.group("frac") if match.group("int") is not None else match.group("only_frac")
    frac = frac or ""
    if len(frac) > 2:
        raise InvalidInput("money.too_many_decimals", text=text)
    if len(whole) > 12:
        raise InvalidInput("money.too_large", text=text)
    fen = int(whole) * FEN_PER_YUAN + int(frac.ljust(2, "0"))
    if fen > MAX_FEN:
        raise InvalidInput("money.too_large", text=text)
    if negative and fen:
        if not allow_negative:
            raise InvalidInput("money.negative", text=text)
        fen = -fen
    if fen == 0 and not allow_zero:
        raise InvalidInput("money.zero", text=text)
    return fen


def format_fen(fen: int, *, symbol: str = "¥") -> str:
    """Format fen as `¥1,234.50` (negative as `-¥0.50`)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{symbol}{yuan:,}.{cents:02d}"


def fen_to_yuan_text(fen: int) -> str:
    """Plain `1234.50` for files and inputs (no symbol, no separators)."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan}.{cents:02d}"
