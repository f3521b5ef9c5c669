"""Courier detection from the waybill number: a ranked hint, never a verdict.

Rules from DOMAIN.md §1: letter-prefixed rules first, then digit length/prefix rules; known
overlaps come back as several candidates with lower confidence. Unknown is a valid answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CARRIERS = ("SF", "YTO", "ZTO", "STO", "YD", "JT", "EMS", "JD", "DBL", "HTKY", "CNSD", "OTHER")


@dataclass(frozen=True)
class Rule:
    id: str
    carrier: str
    pattern: re.Pattern[str]
    confidence: int  # 3 high, 2 medium, 1 low


def _rule(rule_id: str, carrier: str, pattern: str, confidence: int) -> Rule:
    return Rule(rule_id, carrier, re.compile(pattern), confidence)


RULES: tuple[Rule, ...] = (
    # letter prefixes
    _rule("sf.15", "SF", r"^SF\d{13}$", 3),
    _rule("yto.15", "YTO", r"^YT\d{13}$", 3),
    _rule("jt.15", "JT", r"^JT\d{13}$", 3),
    _rule("jd.15", "JD", r"^JD[A-Z0-9]{2}\d{11}$", 3),
    _rule("dbl.15", "DBL", r"^DPK\d{12}$", 3),
    _rule("ems.s10", "EMS", r"^[A-Z]{2}\d{9}[A-Z]{2}$", 2),
    # digit length and prefix
    _rule("zto.14", "ZTO", r"^7[3-68]\d{12}$", 2),
    _rule("sto.15", "STO", r"^77\d{13}$", 2),
    _rule("yd.15", "YD", r"^[34]\d{14}$", 2),
    _rule("ems.13", "EMS", r"^(1[0-2]|5[0-2]|9[5-9])\d{11}$", 2),
    _rule("cnsd.15", "CNSD", r"^621\d{12}$", 1),
    _rule("htky.14", "HTKY", r"^[67]\d{13}$", 1),
    # generic lengths seen for several carriers (legacy numbers)
    _rule("sto.43", "STO", r"^43\d{13}$", 1),
    _rule("yd.13", "YD", r"^5\d{12}$", 1),
    _rule("zto.12", "ZTO", r"^\d{12}$", 1),
    _rule("sf.12", "SF", r"^\d{12}$", 1),
)


@dataclass(frozen=True)
class CarrierHint:
    carrier: str
    rule_id: str
    confidence: int


def detect(tracking_no: str) -> list[CarrierHint]:
    """Candidates ranked by confidence (rule order breaks ties); empty when unknown."""
    hits = [CarrierHint(r.carrier, r.id, r.confidence) for r in RULES if r.pattern.match(tracking_no)]
    seen: set[str] = set()
    ranked = []
    for hit in sorted(hits, key=lambda h: -h.confidence):
        if hit.carrier not in seen:
            seen.add(hit.carrier)
            ranked.append(hit)
    return ranked


def best_guess(tracking_no: str) -> str:
    """The carrier to pre-fill: only a single confident candidate; otherwise unknown ("")."""
    hints = detect(tracking_no)
    if len(hints) == 1 and hints[0].confidence >= 2:
        return hints[0].carrier
    if len(hints) > 1 and hints[0].confidence > hints[1].confidence and hints[0].confidence >= 2:
        return hints[0].carrier
    return ""


def carrier_in_text(text: str, names: dict[str, str]) -> str:
    """The carrier a courier's description names ("中通小王", "zto"), by code or display name; else ""."""
    cleaned = (text or "").strip()
    upper = cleaned.upper()
    for code, name in names.items():
        if upper == code or (name and name in cleaned):
            return code
    return ""


def carrier_for_scan(tracking_no: str, batch_carrier: str) -> str:
    """The batch's courier, unless the number's own format says clearly which carrier it is."""
    hints = detect(tracking_no)
    if hints and hints[0].confidence >= 3:
        return hints[0].carrier
    return batch_carrier or best_guess(tracking_no)
