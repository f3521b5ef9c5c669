"""Utility summaries (month / year, over-cap months), tariff files, and the home tile."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from peewee import Database

from station.db.utility_models import UtilityBill
from station.domain.clock import Clock
from station.domain.errors import InvalidInput
from station.domain.money import fen_to_yuan_text, format_fen, parse_yuan
from station.domain.tariffs import Tier, format_scaled, parse_quantity, parse_rate
from station.services.common import OperatorInfo
from station.services.dashboard import Tile
from station.services.utilities import BillInfo, TariffInfo, UtilityService, year_summary

# The bill table's columns, in the CLI report and on F5 alike.
BILL_COLUMN_KEYS = (
    "utilities.col_period",
    "utilities.col_category",
    "utilities.col_usage",
    "utilities.col_billed",
    "utilities.col_village",
    "utilities.col_cap",
    "utilities.col_payable",
    "utilities.col_excess",
    "utilities.col_version",
)


def summary(year: int) -> list[BillInfo]:
    """Per month and category, then a year total per category (see `utilities.year_summary`)."""
    return year_summary(year)


def read_tariff_file(path: Path) -> list[dict]:
    """Parse a tariff TOML file (see assets/sample_tariffs.toml) into add_tariff arguments."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInput("tariff.bad_file", path=str(path), detail=str(error)) from error
    found = []
    for i, entry in enumerate(document.get("tariff", []), start=1):
        try:
            effective = entry["effective_from"]
            if isinstance(effective, str):
                effective = dt.date.fromisoformat(effective)
            tiers = []
            for tier in entry.get("tiers", []):
                upper = tier.get("upto")
                tiers.append(
                    Tier(None if upper in (None, "") else parse_quantity(str(upper)), parse_rate(str(tier["rate"])))
                )
            found.append(
                {
                    "category": entry["category"],
                    "effective_from": effective,
                    "tiers": tiers,
                    "fixed_fee_fen": parse_yuan(str(entry.get("fixed_fee_yuan", "0"))),
                    "unit": str(entry.get("unit", "")),
                    "source_note": str(entry.get("source_note", "")),
                }
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput("tariff.bad_entry", path=str(path), n=i, detail=str(error)) from error
    if not found:
        raise InvalidInput("tariff.bad_file", path=str(path), detail="[[tariff]]")
    return found


def import_tariffs(utilities: UtilityService, by: OperatorInfo, path: Path) -> list[TariffInfo]:
    """All or nothing: one bad entry and no tariff of the file is added."""
    entries = read_tariff_file(path)
    with utilities.db.atomic():
        return [utilities.add_tariff(by, **entry) for entry in entries]


def export_tariffs(tariffs: list[TariffInfo], path: Path) -> Path:
    lines = ["# Village tariffs exported by station. Rates in yuan per unit, 4 decimals.", ""]
    for tariff in sorted(tariffs, key=lambda t: (t.category, t.version)):
        lines += [
            "[[tariff]]",
            f'category = "{tariff.category}"',
            f"effective_from = {tariff.effective_from.isoformat()}",
            f'unit = "{tariff.unit}"',
            f'fixed_fee_yuan = "{fen_to_yuan_text(tariff.fixed_fee_fen)}"',
            f'source_note = "{tariff.source_note}"',
            "tiers = [",
        ]
        for tier in tariff.tiers:
            upto = "" if tier.upper_milli is None else f'upto = "{format_scaled(tier.upper_milli, 3)}", '
            lines.append(f'    {{ {upto}rate = "{format_scaled(tier.rate_1e4, 4)}" }},')
        lines += ["]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


class UtilityTile:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def __call__(self) -> Tile:
        """The latest month with bills, per category: payable vs cap, excess flagged."""
        latest = UtilityBill.select(UtilityBill.period).order_by(UtilityBill.period.desc()).first()
        rows: list[tuple[str, str, bool]] = []
        if latest is not None:
            for bill in UtilityBill.select().where(UtilityBill.period == latest.period).order_by(UtilityBill.category):
                text = f"{format_fen(bill.payable_fen)} / {format_fen(bill.cap_fen)}"
                if bill.excess_fen:
                    text += f"  +{format_fen(bill.excess_fen)}"
                rows.append((f"utility.category.{bill.category}", f"{bill.period} {text}", bill.excess_fen > 0))
        return Tile("tile.utilities", tuple(rows) or (("tile.no_bills", "-", False),))
