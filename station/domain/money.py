"""Money is integer fen (分) everywhere; this module parses and formats it.

One rounding function, `round_half_up`, is used wherever a fraction of a fen appears.
"""

from __future__ import annotations

import re
import unicodedata

from station.domain.errors import InvalidInput

FEN_PER_YUAN = 100
MAX_FEN = 100_000_000_00  # ¥100,000,000.00: nothing at a village counter is larger

_PREFIXES = ("¥", "RMB", "CNY")  # after NFKC (￥ → ¥); matched case-insensitively
_SUFFIXES = ("元",)  # input token
_UNIT_CHARS = "¥元"  # input token
_AMOUNT = re.compile(r"^(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]*))?$|^\.(?P<only_frac>[0-9]+)$")
_FULL_WIDTH_DIGITS = "０１２３４５６７８９"


def round_half_up(numerator: int, denominator: int) -> int:
    """Divide two integers and round half away from zero: the project's one rounding rule."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def normalise_number_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII; drop spaces (for look-ups, not for amounts).

    Lone surrogates (undecodable bytes from a terminal) are dropped: they cannot be stored."""
    text = unicodedata.normalize("NFKC", text.encode("utf-8", "ignore").decode("utf-8"))
    text = text.replace("。", ".").replace("，", ",")
    return re.sub(r"[\s,]", "", text)


def _foreign_digit(text: str) -> bool:
    """A digit from another script (Arabic-Indic ٣, Devanagari ३, superscript ², circled ①…)."""
    return any(
        (unicodedata.digit(ch, None) is not None or unicodedata.numeric(ch, None) is not None)
        and not ("0" <= ch <= "9" or ch in _FULL_WIDTH_DIGITS)
        and not unicodedata.category(ch).startswith("Lo")  # 五 is a hanzi, refused as "not a number"
        for ch in text
    )


def parse_decimal(
    text: str,
    decimals: int,
    *,
    key: str,
    example: str,
    units: str = "",
    allow_negative: bool = False,
    empty_key: str | None = None,
    decimals_key: str | None = None,
    large_key: str | None = None,
    negative_key: str | None = None,
) -> int:
    """The one parser for typed numbers: money (units="money"), percent ("percent"), quantities.

    Returns the value scaled by 10**decimals. Full-width digits and point are accepted, and the
    units' marks only at the ends (¥/￥ before or 元 after money, % after a percent). A comma, a
    space inside the number, a second unit or a digit from another script is refused with an
    example of the right form, never read as another number.
    """
    raw = text or ""
    if _foreign_digit(raw):
        raise InvalidInput("validation.number_foreign_digit", text=raw, example=example)
    cleaned = unicodedata.normalize("NFKC", raw).replace("。", ".").strip()
    if units == "money":
        upper = cleaned.upper()
        for prefix in _PREFIXES:
            if upper.startswith(prefix):
                cleaned = cleaned[len(prefix) :].lstrip()
                break
        for suffix in _SUFFIXES:
            if cleaned.endswith(suffix):
                cleaned = cleaned[: -len(suffix)].rstrip()
                break
        if any(ch in _UNIT_CHARS for ch in cleaned) or "RMB" in cleaned.upper():
            raise InvalidInput("validation.number_unit", text=raw, example=example)
    elif units == "percent" and cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    if not cleaned:
        raise InvalidInput(empty_key or key, text=raw)
    negative = cleaned.startswith("-")
    if negative or cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if "," in cleaned:
        raise InvalidInput("validation.number_comma", text=raw, example=example)
    if re.search(r"[0-9.]\s+[0-9.]", cleaned):
        raise InvalidInput("validation.number_space", text=raw, example=example)
    match = _AMOUNT.match(cleaned)
    if match is None:
        raise InvalidInput(key, text=raw, example=example)
    whole = match.group("int") or "0"
    frac = (match.group("frac") if match.group("int") is not None else match.group("only_frac")) or ""
    if len(frac) > decimals:
        raise InvalidInput(decimals_key or key, text=raw, example=example)
    if len(whole) > 12:
        raise InvalidInput(large_key or key, text=raw, example=example)
    value = int(whole) * 10**decimals + int(frac.ljust(decimals, "0") or 0)
    if negative and value:
        if not allow_negative:
            raise InvalidInput(negative_key or key, text=raw, example=example)
        value = -value
    return value


def parse_yuan(text: str, *, allow_zero: bool = True, allow_negative: bool = False) -> int:
    """Parse what a person types as an amount in yuan ("12.5", "￥12", "１２．５０元") into fen."""
    fen = parse_decimal(
        text,
        2,
        key="money.not_a_number",
        example="12.50",
        units="money",
        allow_negative=allow_negative,
        empty_key="money.empty",
        decimals_key="money.too_many_decimals",
        large_key="money.too_large",
        negative_key="money.negative",
    )
    if abs(fen) > MAX_FEN:
        raise InvalidInput("money.too_large", text=text)
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
