"""The county roll-up: load verified station exports into SQLite or PostgreSQL, report across
stations. Loading the same station and period again replaces it (never doubles)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from peewee import (
    BooleanField,
    CharField,
    Database,
    DatabaseProxy,
    DateTimeField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    SqliteDatabase,
)

from station.domain.errors import InvalidInput
from station.services import county_bulk
from station.services.exports import MANIFEST, read_csv, sha256_of, verify

county_db = DatabaseProxy()


class CountyModel(Model):
    class Meta:
        database = county_db
        legacy_table_names = False


class CountyLoad(CountyModel):
    station_code = CharField()
    station_name = CharField()
    period = CharField()
    loaded_at = DateTimeField()
    manifest_sha256 = CharField()
    parcels = IntegerField()
    parcels_picked_up = IntegerField()
    purchases = IntegerField()
    purchases_fen = IntegerField()
    consignment_sales_fen = IntegerField()
    commission_fen = IntegerField()
    utility_billed_fen = IntegerField()
    utility_cap_fen = IntegerField()
    utility_excess_fen = IntegerField()
    over_cap = BooleanField()
    cash_diff_fen = IntegerField()
    complaints_open = IntegerField()

    class Meta:
        indexes = ((("station_code", "period"), True), (("period", "station_code"), False))  # loads; report


class CountyUtility(CountyModel):
    station_code = CharField(index=True)
    period = CharField()
    category = CharField()
    billed_fen = IntegerField()
    cap_fen = IntegerField()
    payable_fen = IntegerField()
    excess_fen = IntegerField()


def connect_county(url: str) -> Database:
    """`postgresql://user@/dbname?host=/socket/dir`, `sqlite:///path.db`, or a plain file path."""
    if url.startswith(("postgresql://", "postgres://")):
        parsed = urlparse(url)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        db = PostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=query.get("host") or parsed.hostname,
            port=parsed.port,
        )
    else:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(path, pragmas={"journal_mode": "wal", "foreign_keys": 1})
    county_db.initialize(db)
    db.connect(reuse_if_open=True)
    db.create_tables([CountyLoad, CountyUtility])
    county_bulk.create_row_tables(db)
    return db


def _fen(text: str) -> int:
    return int((Decimal(text or "0") * 100).to_integral_value())


def _column(rows: list[list[str]], name: str) -> list[str]:
    header, body = rows[0], rows[1:]
    index = header.index(name)
    return [row[index] for row in body]


@dataclass(frozen=True)
class Loaded:
    station_code: str
    period: str
    replaced: bool


def load(db: Database, directory: Path, now: dt.datetime, *, verified: bool = False) -> Loaded:
    """Verify (unless `verified` already), then replace this station+period in the county
    database in one transaction: every row, and the station's figures summed from them."""
    if not verified:
        problems = verify(directory)
        if problems:
            raise InvalidInput("county.not_verified", path=str(directory), n=len(problems))
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    code, period = manifest["station"]["code"], manifest["period"]
    utilities = read_csv(directory / "utility_bills.csv")  # a row per category: small
    billed = [_fen(v) for v in _column(utilities, "billed_yuan")]
    caps = [_fen(v) for v in _column(utilities, "cap_yuan")]
    excess = [_fen(v) for v in _column(utilities, "excess_yuan")]
    with db.atomic():
        replaced = (
            CountyLoad.delete().where((CountyLoad.station_code == code) & (CountyLoad.period == period)).execute()
        )
        CountyUtility.delete().where((CountyUtility.station_code == code) & (CountyUtility.period == period)).execute()
        county_bulk.load_rows(db, directory, code, period, replacing=bool(replaced))
        CountyLoad.create(
            station_code=code,
            station_name=manifest["station"]["name"],
            period=period,
            loaded_at=now,
            manifest_sha256=sha256_of(directory / MANIFEST),
            utility_billed_fen=sum(billed),
            utility_cap_fen=sum(caps),
            utility_excess_fen=sum(excess),
            over_cap=any(excess),
            **county_bulk.figures(db, code, period),
        )
        for row in utilities[1:]:
            values = dict(zip(utilities[0], row, strict=True))
            CountyUtility.create(
                station_code=code,
                period=period,
                category=values["category"],
                billed_fen=_fen(values["billed_yuan"]),
                cap_fen=_fen(values["cap_yuan"]),
                payable_fen=_fen(values["payable_yuan"]),
                excess_fen=_fen(values["excess_yuan"]),
            )
    return Loaded(code, period, bool(replaced))


FIGURES = (
    "parcels",
    "parcels_picked_up",
    "purchases",
    "purchases_fen",
    "consignment_sales_fen",
    "commission_fen",
    "utility_billed_fen",
    "utility_cap_fen",
    "utility_excess_fen",
    "cash_diff_fen",
    "complaints_open",
)


def report_query(period: str | None = None):
    """A month's loads (index on period, station: no scan, no sort), or all of them."""
    query = CountyLoad.select().order_by(CountyLoad.station_code, CountyLoad.period)
    return query.where(CountyLoad.period == period) if period else query


def report(period: str | None = None) -> tuple[list[CountyLoad], dict[str, int], list[str]]:
    """Per station rows, the totals, and the stations over the utility cap."""
    rows = list(report_query(period))
    totals = {name: sum(getattr(r, name) for r in rows) for name in FIGURES}
    over = sorted({f"{r.station_code} {r.station_name}" for r in rows if r.over_cap})
    return rows, totals, over


def load_many(
    url: str, directories: Sequence[Path], now: dt.datetime, *, jobs: int | None = None, verified: bool = False
) -> list[Loaded]:
    """Verify every folder first (`jobs` processes at once), then load each in its own
    transaction; a folder that does not verify stops the load before anything is written."""
    if not verified:
        for directory, problems in county_bulk.verify_many(directories, jobs).items():
            if problems:
                raise InvalidInput("county.not_verified", path=str(directory), n=len(problems))
    db = connect_county(url)
    try:
        return [load(db, directory, now, verified=True) for directory in directories]
    finally:
        db.close()
