"""`station demo`: a fresh database filled with a realistic, fictional station."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from importlib import resources

from station.domain.errors import NotAllowed
from station.services.common import OperatorInfo
from station.services.registry import Services


@dataclass(frozen=True)
class DemoSummary:
    villagers: int
    partner: str
    partner_pin: str


def load_demo_data() -> dict:
    text = resources.files("station.assets").joinpath("demo.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def generated_villagers(data: dict, count: int, seed: int = 317):
    """Deterministic fictional villagers: (name, phone, group)."""
    rng = random.Random(seed)
    surnames = data["villagers"]["surnames"]
    given = data["villagers"]["given"]
    given_names = [given[i : i + 2] for i in range(0, len(given), 2)]
    groups = data["villagers"]["groups"]
    used_phones: set[str] = set()
    for _ in range(count):
        name = rng.choice(surnames) + rng.choice(given_names)
        while True:
            phone = rng.choice(("135", "136", "138", "139", "150", "151", "187", "189")) + f"{rng.randrange(10**8):08d}"
            if phone not in used_phones:
                used_phones.add(phone)
                break
        yield name, phone, rng.choice(groups)


def fill_demo(services: Services, *, villagers: int = 60) -> DemoSummary:
    """Set up the demo station on an empty database and add demo records."""
    data = load_demo_data()
    if not services.operators.needs_setup():
        raise NotAllowed("demo.not_empty")
    station = data["station"]
    partner = services.operators.set_up_station(
        station_name=station["name"],
        station_code=station["code"],
        partner_name=station["partner"],
        pin=station["partner_pin"],
        address=station["address"],
    )
    for operator in data["operators"]:
        services.operators.add_operator(partner, name=operator["name"], role=operator["role"], pin=operator["pin"])
    for name, phone, group, note in data["villagers"]["fixed"]:
        services.villagers.add(partner, name=name, phone=phone, village_group=group, note=note)
    with services.db.atomic():
        for name, phone, group in generated_villagers(data, villagers):
            services.villagers.add(partner, name=name, phone=phone, village_group=group, allow_duplicate=True)
    fill_areas(services, partner, data)
    return DemoSummary(services.villagers.count(), partner.name, station["partner_pin"])


def fill_areas(services: Services, partner: OperatorInfo, data: dict) -> None:
    """Each area adds its demo history here."""
