"""The county roll-up: enrol stations, load their signed exports into SQLite or PostgreSQL
(each export one transaction), anchor each month to the one before, recompute the utility
caps, report across stations and check a villager's receipt against what was loaded."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from peewee import Database

from station.db.county_models import (
    CountyEvent,
    CountyFlag,
    CountyLoad,
    CountyPosting,
    CountyStation,
    CountyUtility,
    connect_county,
)
from station.domain.errors import InvalidInput, NotFound
from station.domain.periods import month_of, parse_month
from station.domain.station_codes import parse_station_code
from station.services import county_bulk
from station.services.county_checks import (
    Flag,
    official_differences,
    parse_receipt_qr,
    postings,
    recompute_bill,
    station_tariffs,
)
from station.services.county_postings import insert_postings
from station.services.export_tables import TABLE_BY_NAME
from station.services.export_verify import Manifest, check_signature, read_manifest, verify
from station.services.hashed_csv import HashedCsv
from station.services.signing import fingerprint, parse_public_key

__all__ = ["CountyLoad", "connect_county"]


@dataclass
class Outcome:
    """One export folder's fate: loaded (or replaced), unchanged, or refused with a reason."""

    directory: Path
    status: str  # loaded | replaced | unchanged | refused
    key: str  # the message key saying why
    values: dict
    station_code: str = ""
    period: str = ""
    flags: list[Flag] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.status == "refused"


def enrol(db: Database, code: str, public_key: str, now: dt.datetime, *, replace_reason: str = "") -> str:
    """Record the key a station's exports must be signed with; returns its fingerprint. A new
    key for an enrolled station needs a reason (kept in the county's event log); so does a key
    enrolled for another station (one key under two codes: either's exports pass as the other's)."""
    code = parse_station_code(code, required_key="county.bad_code")
    parse_public_key(public_key)
    key = public_key.strip()
    with db.atomic():
        existing = CountyStation.get_or_none(CountyStation.code == code)
        other = CountyStation.get_or_none((CountyStation.public_key == key) & (CountyStation.code != code))
        if other is not None and not replace_reason.strip():  # one key, two codes: relabelled exports pass
            raise InvalidInput(
                "county.key_enrolled_elsewhere", code=code, other=other.code, fingerprint=fingerprint(key)
            )
        if existing and existing.public_key != key:
            if not replace_reason.strip():
                raise InvalidInput("county.enrolled_other_key", code=code, fingerprint=fingerprint(existing.public_key))
            existing.public_key = key
            existing.save()
        elif not existing:
            CountyStation.create(code=code, public_key=key, enrolled_at=now)
        CountyEvent.create(at=now, station_code=code, kind="enrol", reason=replace_reason.strip(), detail=key)
    return fingerprint(key)


def _neighbour(period: str, step: int) -> str:
    month = parse_month(period)
    return month_of(month.end if step > 0 else month.start - dt.timedelta(days=1)).label


def _nearby_loads(code: str, period: str) -> dict[str, CountyLoad]:
    """This station's loads of this month, the month after, and the latest before it (one
    query: periods are unique per station, so the three newest up to the month after)."""
    rows = (
        CountyLoad.select()
        .where((CountyLoad.station_code == code) & (CountyLoad.period <= _neighbour(period, 1)))
        .order_by(CountyLoad.period.desc())
        .limit(3)
    )
    found: dict[str, CountyLoad] = {}
    for load in rows:
        key = "after" if load.period > period else "this" if load.period == period else "before"
        found.setdefault(key, load)
    return found


def _anchor_problem(
    code: str, period: str, opening: str, closing: str, nearby: dict[str, CountyLoad]
) -> tuple[str, dict] | None:
    """Does this month link to the loaded month before it (and after it, if loaded)?"""
    before = nearby.get("before")
    if before is not None:
        if before.period != _neighbour(period, -1):
            return "county.gap", {"code": code, "period": period, "missing": _neighbour(period, -1)}
        if before.closing_hash != opening:
            return "county.anchor_mismatch", {"code": code, "period": period, "previous": before.period}
    after = nearby.get("after")
    if after is not None and after.opening_hash != closing:
        return "county.anchor_mismatch_next", {"code": code, "period": period, "next": after.period}
    return None


def _extends(existing: CountyLoad, directory: Path, opening: str) -> bool:
    """A later export of a loaded month that only adds postings (the month was exported before
    it ended): same opening, and the loaded closing hash is one of its entries."""
    if existing.opening_hash != opening:
        return False
    if existing.closing_hash == opening:
        return True
    return any(row["hash"] == existing.closing_hash for row in _dict_rows(directory, "ledger"))


def _dict_rows(directory: Path, name: str, manifest: Manifest | None = None) -> Iterator[dict]:
    """The rows as dicts (see `_rows`)."""
    header = TABLE_BY_NAME[name].header
    for raw in _rows(directory, name, manifest):
        yield dict(zip(header, raw, strict=True))


def _rows(directory: Path, name: str, manifest: Manifest | None = None) -> Iterator[list[str]]:
    """The rows as read, each as wide as the table; with `manifest`, read to the end they must
    hash to its SHA-256 (a file changed after it was verified raises ChangedFile)."""
    width = len(TABLE_BY_NAME[name].header)
    reading = HashedCsv(directory / f"{name}.csv")
    try:
        with reading as rows:
            next(rows, None)
            for raw in rows:
                if len(raw) != width:
                    raise ValueError("width")
                yield raw
            if manifest is not None and reading.sha256() != manifest.files[f"{name}.csv"]["sha256"]:
                raise county_bulk.ChangedFile(f"{name}.csv")
    except (UnicodeDecodeError, csv.Error) as error:
        raise ValueError(type(error).__name__) from None


def load_one(
    db: Database,
    directory: Path,
    now: dt.datetime,
    *,
    replace_reason: str = "",
    official: Sequence[dict] | None = None,
    checked: list | None = None,
    lane: int = 0,
) -> Outcome:
    """Verify against the enrolled key (or take `checked`, the problems a parallel verify
    found), check the month's anchoring, recompute, then replace this station+period in one
    transaction — every exported row too (in `lane`, on PostgreSQL: see `county_schema.create_lanes`).
    Never raises for a bad folder: it is refused."""
    manifest, problems = read_manifest(directory)
    if manifest is None:
        return Outcome(directory, "refused", problems[0].key, problems[0].values)
    code, period = manifest.code, manifest.period.label
    station = CountyStation.get_or_none(CountyStation.code == code)
    if station is None:
        return Outcome(directory, "refused", "county.unknown_station", {"code": code}, code, period)
    problems = checked if checked is not None else verify(directory, station.public_key)
    if not problems:  # verified here or in another process: is the manifest read above the signed one?
        problems = check_signature(directory, manifest, station.public_key)
    if problems:
        return Outcome(directory, "refused", problems[0].key, problems[0].values, code, period)
    digest = hashlib.sha256(manifest.data).hexdigest()  # the bytes that were checked
    nearby = _nearby_loads(code, period)
    existing = nearby.get("this")
    if existing is not None and existing.manifest_sha256 == digest:
        return Outcome(directory, "unchanged", "county.unchanged", {"code": code, "period": period}, code, period)
    reason = replace_reason.strip()
    refusal = _anchor_problem(code, period, manifest.first_prev_hash, manifest.last_hash, nearby)
    if refusal is None and existing is not None and not _extends(existing, directory, manifest.first_prev_hash):
        refusal = ("county.already_loaded", {"code": code, "period": period})
    if refusal and not reason:
        return Outcome(directory, "refused", refusal[0], refusal[1], code, period)

    try:
        return _load_checked(db, directory, now, manifest, digest, existing, refusal, reason, official, lane)
    except county_bulk.ChangedFile as changed:  # nothing of it was kept: the transaction rolled back
        values = {"file": changed.file, "code": code, "period": period}
        return Outcome(directory, "refused", "county.changed_while_loading", values, code, period)
    except county_bulk.NotAsVerified as differs:  # read otherwise than verify read it: rolled back too
        return Outcome(
            directory, "refused", differs.key, {**differs.values, "code": code, "period": period}, code, period
        )


def _load_checked(
    db: Database,
    directory: Path,
    now: dt.datetime,
    manifest: Manifest,
    digest: str,
    existing: CountyLoad | None,
    refusal: tuple[str, dict] | None,
    reason: str,
    official: Sequence[dict] | None,
    lane: int = 0,
) -> Outcome:
    code, period = manifest.code, manifest.period.label
    try:  # signed and well-formed, yet its content may still not add up: refused by name
        tariffs = station_tariffs(_dict_rows(directory, "tariffs", manifest))
        bills = [recompute_bill(row, tariffs) for row in _dict_rows(directory, "utility_bills", manifest)]
        flags = [flag for bill in bills for flag in bill.flags]
        if official is not None:
            flags += official_differences(tariffs.values(), official)
        proofs = postings(_rows(directory, "ledger", manifest), TABLE_BY_NAME["ledger"].header)
    except (ValueError, KeyError, TypeError, InvalidInput) as error:
        detail = type(error).__name__
        return Outcome(directory, "refused", "county.bad_content", {"detail": detail}, code, period)
    reversed_by = {p.reverses_txn: p.txn for p in proofs if p.reverses_txn is not None}
    digests = {name: entry["sha256"] for name, entry in manifest.files.items()}
    counts = {name: entry["rows"] for name, entry in manifest.files.items() if name.endswith(".csv")}
    with db.atomic():
        county_bulk.clear_load(
            db, [m._meta.table_name for m in (CountyLoad, CountyUtility, CountyPosting, CountyFlag)], code, period
        )
        if refusal or existing is not None:  # history keeps every replacement, and why
            CountyEvent.create(
                at=now,
                station_code=code,
                period=period,
                kind="replace" if refusal else "extend",
                reason=reason if refusal else "",
                detail=json.dumps(
                    {
                        "why": refusal[0] if refusal else "county.extended",
                        "manifest_sha256": digest,
                        "replaced_sha256": existing.manifest_sha256 if existing else "",
                    }
                ),
            )
        loaded = county_bulk.load_rows(  # its rows checked by `figures` below, in the same scans
            db,
            directory,
            code,
            period,
            replacing=existing is not None,
            digests=digests,
            counts=counts,
            check=False,
            lane=lane,
        )
        CountyLoad.create(
            station_code=code,
            station_name=manifest.name,
            period=period,
            loaded_at=now,
            manifest_sha256=digest,
            opening_hash=manifest.first_prev_hash,
            closing_hash=manifest.last_hash,
            utility_billed_fen=sum(b.billed_fen for b in bills),
            utility_payable_fen=sum(b.payable_fen for b in bills),
            utility_cap_fen=sum(b.cap_fen for b in bills),
            utility_excess_fen=sum(b.excess_fen for b in bills),
            over_cap=any(b.excess_fen > 0 for b in bills),
            flags=len(flags),
            **county_bulk.figures(db, code, period, check=loaded, lane=lane),  # summed by the database from the rows
        )
        if bills:
            CountyUtility.insert_many(
                [
                    {
                        "station_code": code,
                        "period": period,
                        "bill_period": b.bill_period,
                        "category": b.category,
                        "billed_fen": b.billed_fen,
                        "cap_fen": b.cap_fen,
                        "payable_fen": b.payable_fen,
                        "excess_fen": b.excess_fen,
                    }
                    for b in bills
                ]
            ).execute()
        insert_postings(db, code, period, proofs, reversed_by)
        for original, reversal in reversed_by.items():  # a reversal may come months after
            CountyPosting.update(reversed_by=reversal).where(
                (CountyPosting.station_code == code) & (CountyPosting.txn == original)
            ).execute()
        for flag in flags:
            CountyFlag.create(
                station_code=code, period=period, key=flag.key, detail=json.dumps(flag.values, ensure_ascii=False)
            )
    status = "replaced" if existing is not None or refusal else "loaded"
    key = "county.loaded_replaced" if existing is not None else "county.loaded"
    if refusal and existing is None:  # nothing was replaced: a gap or a broken link, accepted by --replace
        key = "county.loaded_accepted"
    return Outcome(directory, status, key, {"code": code, "period": period}, code, period, flags)


FIGURES = (
    "parcels",
    "parcels_picked_up",
    "purchases",
    "purchases_fen",
    "consignment_sales_fen",
    "commission_fen",
    "utility_billed_fen",
    "utility_payable_fen",
    "utility_cap_fen",
    "utility_excess_fen",
    "cash_diff_fen",
    "complaints_open",
    "flags",
    "parcel_income_fen",
    "courier_balance_fen",
)


def report_query(period: str | None = None):
    """A month's loads (index on period, station: no scan, no sort), or all of them."""
    query = CountyLoad.select().order_by(CountyLoad.station_code, CountyLoad.period)
    return query.where(CountyLoad.period == period) if period else query


def report(period: str | None = None) -> tuple[list[CountyLoad], dict[str, int], list[str]]:
    """Per station-month rows, the totals, and the over-cap station months ("A02 站A02 2026-11")."""
    rows = list(report_query(period))
    totals = {name: sum(getattr(r, name) for r in rows) for name in FIGURES}
    over = [f"{r.station_code} {r.station_name} {r.period}" for r in rows if r.over_cap]
    return rows, totals, over


@dataclass(frozen=True)
class ReceiptCheck:
    key: str
    values: dict

    @property
    def ok(self) -> bool:
        return self.key in ("county.receipt_found", "county.receipt_found_reversed")


def check_receipt(text: str) -> ReceiptCheck:
    """Is the receipt whose QR says this in a loaded export, with the same amount?"""
    qr = parse_receipt_qr(text)
    values = {"code": qr.station_code, "no": qr.receipt_no, "amount_fen": qr.amount_fen}
    if CountyStation.get_or_none(CountyStation.code == qr.station_code) is None:
        raise NotFound("county.unknown_station", code=qr.station_code)
    found = (
        CountyPosting.select()
        .where((CountyPosting.station_code == qr.station_code) & CountyPosting.hash.startswith(qr.hash_prefix))
        .first()
    )
    if found is None:
        months = [r.period for r in CountyLoad.select().where(CountyLoad.station_code == qr.station_code)]
        return ReceiptCheck("county.receipt_not_found", {**values, "months": ", ".join(sorted(months)) or "-"})
    values.update(period=found.period, txn=found.txn, loaded_fen=found.amount_fen)
    if found.amount_fen != qr.amount_fen:
        return ReceiptCheck("county.receipt_amount_differs", values)
    if found.reversed_by is not None:
        return ReceiptCheck("county.receipt_found_reversed", {**values, "by": found.reversed_by})
    return ReceiptCheck("county.receipt_found", values)


def flags_for(code: str, period: str) -> list[tuple[str, dict]]:
    query = CountyFlag.select().where((CountyFlag.station_code == code) & (CountyFlag.period == period))
    return [(f.key, json.loads(f.detail)) for f in query.order_by(CountyFlag.id)]
