"""`station demo`: a fresh database filled with a realistic, fictional station."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from station.domain.clock import FixedClock
from station.domain.errors import InvalidInput, NotAllowed
from station.domain.orders import PLATFORMS, ItemLine
from station.services.common import OperatorInfo
from station.services.consignments import SaleLine, stock_of
from station.services.courier_demo import demo_couriers
from station.services.ledger import Line
from station.services.registry import Services, build_services
from station.services.utility_reports import read_tariff_file


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


def fill_demo(
    services: Services, *, villagers: int = 60, code: str | None = None, name: str | None = None
) -> DemoSummary:
    """Set up the demo station on an empty database and add demo records (`code`/`name` make
    several distinct demo stations for a county roll-up)."""
    if not 0 <= villagers <= DEMO_VILLAGERS_MAX:
        raise InvalidInput("demo.villagers_range", max=DEMO_VILLAGERS_MAX, given=villagers)
    data = load_demo_data()
    if not services.operators.needs_setup():
        raise NotAllowed("demo.not_empty")
    # One transaction: a demo killed part-way leaves the database empty, so running it again works
    # (was: a station with half its demo data, which the next run refused as not empty).
    with services.db.atomic():
        station = data["station"]
        partner = services.operators.set_up_station(
            station_name=name or station["name"],
            station_code=code or station["code"],
            partner_name=station["partner"],
            pin=station["partner_pin"],
            address=station["address"],
        )
        for operator in data["operators"]:
            services.operators.add_operator(partner, name=operator["name"], role=operator["role"], pin=operator["pin"])
        for name, phone, group, note in data["villagers"]["fixed"]:
            services.villagers.add(partner, name=name, phone=phone, village_group=group, note=note)
        for name, phone, group in generated_villagers(data, villagers):
            services.villagers.add(partner, name=name, phone=phone, village_group=group, allow_duplicate=True)
        fill_areas(services, partner, data)
    return DemoSummary(services.villagers.count(), partner.name, station["partner_pin"])


def fill_areas(services: Services, partner: OperatorInfo, data: dict) -> None:
    """Each area adds its demo history, day by day over the last weeks, on a moving clock."""
    today = services.clock.now().replace(hour=8, minute=0, second=0, microsecond=0)
    clock = FixedClock(today - dt.timedelta(days=DEMO_DAYS))
    past = build_services(services.db, services.config, clock, transport=services.printing.transport)
    rng = random.Random(2026)
    villagers = past.villagers.search("", limit=1000)
    # Everything that posts to the ledger runs in date order: the journal never goes back in time.
    clock.at = today - dt.timedelta(days=46)
    # The partner's own money put into the drawer and the bank when the station opened.
    past.ledger.post(
        "capital",
        "demo",
        [Line("cash", 200000, "cash"), Line("bank", 500000, "bank"), Line("equity:partner", -700000)],
        operator_id=partner.id,
    )
    demo_utilities(past, partner, rng, year=today.year)
    demo_consignments(past, clock, partner, villagers, rng)
    clock.at = today - dt.timedelta(days=14)
    demo_purchases(past, clock, partner, villagers, rng)
    with past.db.atomic():
        for day in range(DEMO_DAYS):
            clock.at = today - dt.timedelta(days=DEMO_DAYS - day)
            demo_parcel_day(past, clock, partner, villagers, rng, last_day=day == DEMO_DAYS - 1)
    demo_couriers(past, clock, partner, villagers, rng)


DEMO_DAYS = 16
DEMO_VILLAGERS_MAX = 5000  # a big village; `make bench` builds its own larger data
DEMO_PREFIXES = (("SF", 13), ("YT", 13), ("JT", 13), ("75", 12), ("77", 13), ("31", 13))


def demo_parcel_day(
    services: Services, clock: FixedClock, partner: OperatorInfo, villagers, rng: random.Random, *, last_day: bool
) -> None:
    """A morning drop-off on a random shelf, notices, and pickups in the afternoon (`clock` is the services')."""
    clock.at = clock.at.replace(hour=9)
    batch = services.parcels.start_batch(partner, shelf=rng.randint(1, 4), layer=rng.randint(1, 4))
    for _ in range(rng.randint(8, 20)):
        prefix, digits = rng.choice(DEMO_PREFIXES)
        number = prefix + "".join(str(rng.randrange(10)) for _ in range(digits))
        clock.advance(seconds=rng.randint(20, 90))
        parcel = services.parcels.check_in(partner, number, batch_id=batch.id).parcel
        villager = rng.choice(villagers)
        if villager.phone and rng.random() < 0.9:
            services.parcels.set_recipient(partner, parcel.id, villager_id=villager.id)
        else:
            services.parcels.set_recipient(partner, parcel.id, name=villager.name, phone=f"{rng.randrange(10000):04d}")
    services.parcels.end_batch(partner, batch.id, claimed_count=services.parcels.batch(batch.id).scanned_count)
    if last_day:
        return  # today's parcels wait to be notified
    clock.at = clock.at.replace(hour=11)
    waiting = services.parcels.unnotified()
    if waiting:
        services.parcels.mark_notified(
            partner, [p.id for p in waiting], channel=rng.choice(("phone", "wechat")), consent=True
        )
    clock.at = clock.at.replace(hour=16)
    for parcel in [p for p in services.parcels.live() if rng.random() < 0.45]:
        clock.advance(seconds=rng.randint(30, 400))
        if parcel.phone_tail and parcel.purchase_id is None:  # an order's parcel leaves with the order (F3)
            services.pickup.hand_over(partner, [parcel.id], method="phone", proof=parcel.phone_tail)


def demo_utilities(services: Services, partner: OperatorInfo, rng: random.Random, *, year: int) -> None:
    """The sample tariffs and this year's bills up to last month; July goes over the cap."""
    path = Path(str(resources.files("station.assets").joinpath("sample_tariffs.toml")))
    for entry in read_tariff_file(path):
        services.utilities.add_tariff(partner, **{**entry, "effective_from": dt.date(year, 1, 1)})
    reading = {"electricity": 17000_000, "water": 820_000}
    for month in range(1, services.clock.now().month):
        period = f"{year}-{month:02d}"
        for category, (low, high) in (("electricity", (180, 420)), ("water", (8, 30))):
            usage = rng.randint(low, high) * 1000
            start, end = reading[category], reading[category] + usage
            reading[category] = end
            preview, _ = services.utilities.preview(category=category, period=period, usage_milli=usage, billed_fen=0)
            billed = preview.village_fen + (preview.cap_fen - preview.village_fen) // 2
            if category == "electricity" and month == 7:
                billed = preview.cap_fen + 806  # the landlord's summer surcharge
            services.utilities.record_bill(
                partner,
                category=category,
                period=period,
                billed_fen=billed,
                meter_start_milli=start,
                meter_end_milli=end,
            )
        services.utilities.record_bill(partner, category="garbage", period=period, usage_milli=1000, billed_fen=800)


DEMO_PRODUCE = (
    ("egg", "jin", 900, 20),
    ("rice", "jin", 350, 180),
    ("honey", "jar", 6800, 700),
    ("mushroom", "jin", 4500, 365),
    ("tea", "box", 12800, 540),
)


def demo_consignments(
    services: Services, clock: FixedClock, partner: OperatorInfo, villagers, rng: random.Random
) -> None:
    """Lots a month ago, sales since, and last month settled with each farmer (`clock` is the services')."""
    data = load_demo_data()
    names, zhao = data["produce"], data["villagers"]["fixed"][4][0]
    farmers = [v for v in villagers if v.name == zhao] + rng.sample(villagers, 3)
    lots = []
    for farmer, (product, unit, price, shelf_days) in zip(farmers + farmers[:1], DEMO_PRODUCE):
        qty = rng.randint(20, 60) * 1000
        lot = services.consignments.intake(
            partner,
            consignor_id=farmer.id,
            product=names[product],
            grade=names["grade"],
            unit=unit,
            qty_milli=qty,
            unit_price_fen=price,
            expires_on=(clock.now() + dt.timedelta(days=shelf_days)).date(),
        )
        lots.append((lot.lot.id, qty))
    for day in range(30):
        clock.advance(days=1)
        for lot_id, _ in lots:
            qty = rng.randint(1, 4) * 500
            if rng.random() < 0.4 and stock_of(lot_id) >= qty:
                services.consignments.sell(partner, [SaleLine(lot_id, qty)], method=rng.choice(("cash", "wechat")))
        if day == 15:
            for farmer in farmers:
                if services.settlements.preview(farmer.id, clock.now().date()).lines:
                    services.settlements.settle(partner, farmer.id, clock.now().date(), method="cash")


def demo_purchases(services: Services, clock: FixedClock, partner: OperatorInfo, villagers, rng: random.Random) -> None:
    """Orders in every state: handed over and settled, arrived with a balance, placed, cancelled."""
    goods = load_demo_data()["goods"]
    for n, (description, price) in enumerate(goods):
        villager = rng.choice(villagers)
        clock.advance(hours=rng.randint(2, 8))
        order = services.purchases.create(
            partner,
            villager_id=villager.id,
            platform=rng.choice(PLATFORMS[:4]),
            items=[ItemLine(description, 1, price)],
            deposit_fen=price // 2,
            method=rng.choice(("cash", "wechat")),
        ).order
        if n % 5 == 4:
            services.purchases.cancel(partner, order.id, goods[0][0])
            continue
        services.purchases.place(partner, order.id, f"DEMO{order.id:06d}")
        if n % 5 == 3:
            continue
        services.purchases.ship(partner, order.id, f"YT{rng.randrange(10**13):013d}")
        clock.advance(days=1)
        batch = services.parcels.start_batch(partner, shelf=5, layer=1)
        parcel = services.parcels.check_in(partner, order.tracking_no or f"YT{order.id:013d}", batch_id=batch.id)
        services.parcels.set_recipient(partner, parcel.parcel.id, villager_id=villager.id)
        services.parcels.end_batch(partner, batch.id, claimed_count=1)
        services.purchases.link_parcel(partner, order.id, parcel.parcel.id)
        if n % 5 in (0, 1):
            # the order's hand-over takes its parcel off the shelf too
            services.purchases.hand_over(partner, order.id, payment_fen=order.total_fen - order.paid_fen)
