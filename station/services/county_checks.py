"""What the county recomputes from an export instead of trusting it: every utility bill's usage,
village amount, cap, payable and excess (with the domain's own rule and the tariff version the
export carries), station tariffs against the official tariff file, and the postings a villager's
receipt can be checked against. Plain functions over row dicts (column name → CSV text)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from station.domain.errors import InvalidInput
from station.domain.spreadsheet import restore
from station.domain.tariffs import Tier, apply_cap


def fen(text: str) -> int:
    return int((Decimal(restore(text) or "0") * 100).to_integral_value())


@dataclass(frozen=True)
class Flag:
    key: str
    values: dict


@dataclass(frozen=True)
class StationTariff:
    category: str
    version: int
    effective_from: dt.date
    tiers: tuple[Tier, ...]
    fixed_fee_fen: int


@dataclass
class Recomputed:
    """One bill as the county computes it."""

    bill_id: str
    bill_period: str
    category: str
    billed_fen: int
    cap_fen: int
    payable_fen: int
    excess_fen: int
    flags: list[Flag] = field(default_factory=list)


def _tiers(text: str) -> tuple[Tier, ...]:
    pairs = json.loads(text)
    return tuple(Tier(None if upper is None else int(upper), int(rate)) for upper, rate in pairs)


def station_tariffs(rows: Iterable[dict]) -> dict[tuple[str, int], StationTariff]:
    found = {}
    for row in rows:
        tariff = StationTariff(
            row["category"],
            int(row["version"]),
            dt.date.fromisoformat(row["effective_from"]),
            _tiers(row["tiers"]),
            fen(row["fixed_fee_yuan"]),
        )
        found[(tariff.category, tariff.version)] = tariff
    return found


def recompute_bill(row: dict, tariffs: dict[tuple[str, int], StationTariff]) -> Recomputed:
    """The bill's figures by the domain's rule; each difference from the export is a flag."""
    billed = fen(row["billed_yuan"])
    usage = int(row["usage_milli"])
    flags = []
    start, end = row["meter_start_milli"], row["meter_end_milli"]
    if start and end:
        from_readings = int(end) - int(start)
        replaced = row["meter_replaced"] == "1"
        if (usage != from_readings and not replaced) or (replaced and usage < from_readings):
            flags.append(Flag("county.flag_usage", {"bill": row["id"], "usage": usage, "readings": from_readings}))
            usage = max(usage, from_readings)
    tariff = tariffs.get((row["category"], int(row["tariff_version"] or 0)))
    if tariff is None:
        flags.append(Flag("county.flag_no_tariff", {"bill": row["id"], "version": row["tariff_version"]}))
        payable = fen(row["payable_yuan"])
        return Recomputed(
            row["id"],
            row["bill_period"],
            row["category"],
            billed,
            fen(row["cap_yuan"]),
            payable,
            billed - payable,
            flags,
        )
    result = apply_cap(usage, tariff.tiers, tariff.fixed_fee_fen, billed)
    for name, value in (
        ("village_yuan", result.village_fen),
        ("cap_yuan", result.cap_fen),
        ("payable_yuan", result.payable_fen),
        ("excess_yuan", result.excess_fen),
    ):
        if fen(row[name]) != value:
            flags.append(
                Flag(
                    "county.flag_cap", {"bill": row["id"], "column": name, "exported": row[name], "computed_fen": value}
                )
            )
    return Recomputed(
        row["id"],
        row["bill_period"],
        row["category"],
        billed,
        result.cap_fen,
        result.payable_fen,
        result.excess_fen,
        flags,
    )


def official_differences(station: Iterable[StationTariff], official: Sequence[dict]) -> list[Flag]:
    """Each station tariff version against the official tariff in force on its start date
    (`official` as read by utility_reports.read_tariff_file)."""
    flags = []
    for tariff in station:
        candidates = [
            o for o in official if o["category"] == tariff.category and o["effective_from"] <= tariff.effective_from
        ]
        if not candidates:
            flags.append(Flag("county.flag_no_official", {"category": tariff.category, "version": tariff.version}))
            continue
        wanted = max(candidates, key=lambda o: o["effective_from"])
        if tuple(wanted["tiers"]) != tariff.tiers or wanted["fixed_fee_fen"] != tariff.fixed_fee_fen:
            flags.append(
                Flag(
                    "county.flag_tariff",
                    {
                        "category": tariff.category,
                        "version": tariff.version,
                        "official_from": str(wanted["effective_from"]),
                    },
                )
            )
    return flags


@dataclass(frozen=True)
class PostingProof:
    txn: int
    hash: str  # the chained hash of the posting's last entry
    amount_fen: int  # the sum of its positive lines
    kind: str
    reverses_txn: int | None


def postings(ledger_rows: Iterable[Sequence[str]], header: Sequence[str]) -> list[PostingProof]:
    """Group the ledger's entries (its CSV rows as read, under `header`) by txn (they are
    consecutive): each posting's last hash, the sum of its positive lines, its kind and what it
    reverses (on any of its lines)."""
    txn_at, amount_at, reverses_at, hash_at, kind_at = (
        header.index(name) for name in ("txn", "amount_fen", "reverses_txn", "hash", "kind")
    )
    found: dict[int, list] = {}  # txn -> [hash, amount, kind, reverses]; made into proofs once
    for row in ledger_rows:
        txn, amount, reverses = int(row[txn_at]), int(row[amount_at]), row[reverses_at]
        seen = found.get(txn)
        if seen is None:
            found[txn] = [row[hash_at], max(amount, 0), row[kind_at], int(reverses) if reverses else None]
            continue
        seen[0], seen[2] = row[hash_at], row[kind_at]
        seen[1] += max(amount, 0)
        if reverses:
            seen[3] = int(reverses)
    return [PostingProof(txn, last, amount, restore(kind), rev) for txn, (last, amount, kind, rev) in found.items()]


_QR = re.compile(r"^([^/\s]{1,40})/([^/\s]{1,40})/(\d{1,12})/([0-9a-fA-F]{16,64})$")


@dataclass(frozen=True)
class ReceiptQr:
    station_code: str
    receipt_no: str
    amount_fen: int
    hash_prefix: str


def parse_receipt_qr(text: str) -> ReceiptQr:
    """`CODE/RECEIPT_NO/AMOUNT_FEN/HASH` as printed on a money receipt."""
    match = _QR.match((text or "").strip())
    if not match:
        raise InvalidInput("county.receipt_bad_qr", text=(text or "")[:80])
    return ReceiptQr(match.group(1), match.group(2), int(match.group(3)), match.group(4).lower())
