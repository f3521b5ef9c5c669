"""Courier rate cards as versioned data: add a version, find the one in force, TOML/CSV files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from peewee import Database

from station.db.courier_models import CourierFeeAccrual, CourierRateCard
from station.domain.carriers import CARRIERS
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotFound
from station.domain.money import fen_to_yuan_text, parse_yuan
from station.domain.rate_cards import Band, RateCard, Zone, normalise_courier, normalise_province, parse_bp, parse_kg
from station.domain.rate_cards import validate_card as validate_card_rules
from station.domain.tariffs import format_scaled
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require

CSV_COLUMNS = (
    "courier",
    "effective_from",
    "fee_basis",
    "delivery_fee_yuan",
    "commission_percent",
    "first_weight_kg",
    "unit_kg",
    "source_note",
    "zone",
    "provinces",
    "upto_kg",
    "first_yuan",
    "extra_yuan",
)


def card_from_row(row: CourierRateCard) -> RateCard:
    zones = tuple(
        Zone(z["name"], tuple(z["provinces"]), tuple(Band(*band) for band in z["bands"]))
        for z in json.loads(row.zones_json)
    )
    return RateCard(
        row.courier,
        row.effective_from,
        row.fee_basis,
        row.delivery_fee_fen,
        row.commission_bp,
        row.first_weight_g,
        row.unit_g,
        zones,
        row.source_note,
        row.version,
    )


def validate_card(card: RateCard) -> None:
    if card.courier not in CARRIERS:
        raise InvalidInput("couriers.unknown_courier", courier=card.courier)
    validate_card_rules(card)


def load_cards(courier: str | None = None) -> list[RateCard]:
    query = CourierRateCard.select().order_by(CourierRateCard.courier, CourierRateCard.effective_from)
    if courier:
        query = query.where(CourierRateCard.courier == normalise_courier(courier))
    return [card_from_row(row) for row in query]


def couriers_with_cards() -> list[str]:
    """Couriers with a card, in the order of the carrier list."""
    have = {row.courier for row in CourierRateCard.select(CourierRateCard.courier).distinct()}
    return [c for c in CARRIERS if c in have]


class RateCardService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit

    def add(self, by: OperatorInfo, card: RateCard) -> RateCard:
        """A new version of a courier's card; what was already charged keeps its version."""
        require(by, "settings.change")  # like the village tariffs: the partner's decision
        validate_card(card)
        with self.db.atomic():
            taken = CourierRateCard.select().where(
                (CourierRateCard.courier == card.courier) & (CourierRateCard.effective_from == card.effective_from)
            )
            if taken.exists():
                raise InvalidInput("couriers.same_date", courier=card.courier, date=str(card.effective_from))
            settled = (
                CourierFeeAccrual.select()
                .where((CourierFeeAccrual.courier == card.courier) & (CourierFeeAccrual.through >= card.effective_from))
                .exists()
            )
            if settled:  # the fees of settled days were posted at the old card's rate
                raise InvalidInput("couriers.card_before_settled", courier=card.courier, date=str(card.effective_from))
            last = (
                CourierRateCard.select()
                .where(CourierRateCard.courier == card.courier)
                .order_by(CourierRateCard.version.desc())
                .first()
            )
            zones = [
                {
                    "name": z.name,
                    "provinces": list(z.provinces),
                    "bands": [[b.upto_g, b.first_fen, b.extra_fen] for b in z.bands],
                }
                for z in card.zones
            ]
            row = CourierRateCard.create(
                courier=card.courier,
                version=(last.version if last else 0) + 1,
                effective_from=card.effective_from,
                fee_basis=card.fee_basis,
                delivery_fee_fen=card.delivery_fee_fen,
                commission_bp=card.commission_bp,
                first_weight_g=card.first_weight_g,
                unit_g=card.unit_g,
                zones_json=json.dumps(zones, ensure_ascii=False),
                source_note=card.source_note.strip(),
                created_at=self.clock.now(),
                operator=by.id,
            )
            self.audit.record("couriers.card_added", by.id, ref=f"rate_card:{row.id}", courier=card.courier)
        return card_from_row(row)

    def cards(self, courier: str | None = None) -> list[RateCard]:
        return load_cards(courier)

    def couriers(self) -> list[str]:
        return couriers_with_cards()

    def card_for(self, courier: str, day: dt.date) -> RateCard:
        row = (
            CourierRateCard.select()
            .where((CourierRateCard.courier == normalise_courier(courier)) & (CourierRateCard.effective_from <= day))
            .order_by(CourierRateCard.effective_from.desc())
            .first()
        )
        if row is None:
            raise NotFound("couriers.no_card", courier=normalise_courier(courier), date=str(day))
        return card_from_row(row)

    def import_file(self, by: OperatorInfo, path: Path) -> list[RateCard]:
        """All or nothing: one bad card and none of the file is added."""
        cards = read_cards(path)
        with self.db.atomic():
            return [self.add(by, card) for card in cards]


# -- files ---------------------------------------------------------------------------------
def _card(fields: dict[str, Any], zones: list[Zone], where: str) -> RateCard:
    try:
        effective = fields["effective_from"]
        if not isinstance(effective, dt.date):
            effective = dt.date.fromisoformat(str(effective).strip())
        return RateCard(
            courier=normalise_courier(str(fields["courier"])),
            effective_from=effective,
            fee_basis=str(fields.get("fee_basis", "handed_over")).strip(),
            delivery_fee_fen=parse_yuan(str(fields["delivery_fee_yuan"])),
            commission_bp=parse_bp(str(fields.get("commission_percent", "0"))),
            first_weight_g=parse_kg(str(fields.get("first_weight_kg", "1"))),
            unit_g=parse_kg(str(fields.get("unit_kg", "1"))),
            zones=tuple(zones),
            source_note=str(fields.get("source_note", "")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput("couriers.bad_entry", where=where, detail=str(error)) from error


def _band(entry: dict[str, Any], where: str) -> Band:
    try:
        upto = entry.get("upto_kg")
        return Band(
            None if upto in (None, "") else parse_kg(str(upto)),
            parse_yuan(str(entry["first_yuan"])),
            parse_yuan(str(entry.get("extra_yuan", "0"))),
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise InvalidInput("couriers.bad_entry", where=where, detail=str(error)) from error


def _provinces(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else str(value).split("|")
    return tuple(p for p in (normalise_province(str(item)) for item in items) if p)


def read_cards(path: Path) -> list[RateCard]:
    """A TOML file (see assets/sample_rate_cards.toml) or a CSV file (one row per zone band)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput("couriers.bad_file", path=str(path), detail=str(error)) from error
    try:
        cards = _read_csv(text, path) if path.suffix.lower() == ".csv" else _read_toml(text, path)
    except csv.Error as error:
        raise InvalidInput("couriers.bad_file", path=str(path), detail=str(error)) from error
    if not cards:
        raise InvalidInput("couriers.bad_file", path=str(path), detail="[[card]]")
    for card in cards:
        validate_card(card)
    return cards


def _read_toml(text: str, path: Path) -> list[RateCard]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput("couriers.bad_file", path=str(path), detail=str(error)) from error
    cards = []
    for i, entry in enumerate(document.get("card", []), start=1):
        where = f"{path.name} [[card]] {i}"
        if not isinstance(entry, dict):
            raise InvalidInput("couriers.bad_entry", where=where, detail="[[card]]")
        zones = [
            Zone(
                str(z.get("name", "")).strip(),
                _provinces(z.get("provinces", [])),
                tuple(_band(b, where) for b in z.get("bands", [])),
            )
            for z in entry.get("zone", [])
            if isinstance(z, dict)
        ]
        cards.append(_card(entry, zones, where))
    return cards


def _read_csv(text: str, path: Path) -> list[RateCard]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [
        c
        for c in ("courier", "effective_from", "zone", "provinces", "first_yuan")
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise InvalidInput("couriers.bad_file", path=str(path), detail=", ".join(missing))
    grouped: dict[tuple[str, str], tuple[dict[str, str], dict[str, tuple[tuple[str, ...], list[Band]]]]] = {}
    for line, row in enumerate(reader, start=2):
        where = f"{path.name}:{line}"
        key = (normalise_courier(row.get("courier") or ""), (row.get("effective_from") or "").strip())
        fields, zones = grouped.setdefault(key, (row, {}))
        for column in CSV_COLUMNS[:8]:
            if (row.get(column) or "").strip() != (fields.get(column) or "").strip():
                raise InvalidInput("couriers.bad_entry", where=where, detail=column)
        name = (row.get("zone") or "").strip()
        _, bands = zones.setdefault(name, (_provinces(row.get("provinces") or ""), []))
        bands.append(_band(row, where))
    return [
        _card(fields, [Zone(name, provinces, tuple(bands)) for name, (provinces, bands) in zones.items()], path.name)
        for fields, zones in grouped.values()
    ]


def _kg(grams: int) -> str:
    return format_scaled(grams, 3)


def write_cards(cards: Iterable[RateCard], path: Path) -> Path:
    """TOML, or CSV when the file name ends in .csv; reading it back gives the same cards."""
    cards = sorted(cards, key=lambda c: (c.courier, c.effective_from))
    if path.suffix.lower() == ".csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for card in cards:
            head = [
                card.courier,
                card.effective_from.isoformat(),
                card.fee_basis,
                fen_to_yuan_text(card.delivery_fee_fen),
                format_scaled(card.commission_bp, 2),
                _kg(card.first_weight_g),
                _kg(card.unit_g),
                card.source_note,
            ]
            for zone in card.zones:
                for band in zone.bands:
                    writer.writerow(
                        [
                            *head,
                            zone.name,
                            "|".join(zone.provinces),
                            "" if band.upto_g is None else _kg(band.upto_g),
                            fen_to_yuan_text(band.first_fen),
                            fen_to_yuan_text(band.extra_fen),
                        ]
                    )
        path.write_text(out.getvalue(), encoding="utf-8-sig")
        return path
    lines = ["# Courier rate cards exported by station. Money in yuan, weights in kg.", ""]
    for card in cards:
        lines += [
            "[[card]]",
            f"courier = {json.dumps(card.courier)}",
            f"effective_from = {card.effective_from.isoformat()}",
            f"fee_basis = {json.dumps(card.fee_basis)}",
            f'delivery_fee_yuan = "{fen_to_yuan_text(card.delivery_fee_fen)}"',
            f'commission_percent = "{format_scaled(card.commission_bp, 2)}"',
            f'first_weight_kg = "{_kg(card.first_weight_g)}"',
            f'unit_kg = "{_kg(card.unit_g)}"',
            f"source_note = {json.dumps(card.source_note, ensure_ascii=False)}",
            "",
        ]
        for zone in card.zones:
            lines += [
                "[[card.zone]]",
                f"name = {json.dumps(zone.name, ensure_ascii=False)}",
                f"provinces = {json.dumps(list(zone.provinces), ensure_ascii=False)}",
                "bands = [",
            ]
            for band in zone.bands:
                upto = "" if band.upto_g is None else f'upto_kg = "{_kg(band.upto_g)}", '
                lines.append(
                    f'    {{ {upto}first_yuan = "{fen_to_yuan_text(band.first_fen)}", '
                    f'extra_yuan = "{fen_to_yuan_text(band.extra_fen)}" }},'
                )
            lines += ["]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
