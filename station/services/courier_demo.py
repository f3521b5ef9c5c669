"""Demo courier money: the sample rate cards, a few parcels sent, a 到付 parcel waiting, last
month settled with 中通 — so F11 and the home tile have something to show."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from station.domain.rate_cards import parse_weight_kg
from station.services.common import OperatorInfo

if TYPE_CHECKING:
    from station.domain.clock import FixedClock
    from station.services.registry import Services


def demo_couriers(services: Services, clock: FixedClock, partner: OperatorInfo, villagers, rng: random.Random) -> None:
    """Runs on the demo's moving clock, after the parcel days (the ledger never goes back)."""
    assets = resources.files("station.assets")
    services.rate_cards.import_file(partner, Path(str(assets.joinpath("sample_rate_cards.toml"))))
    shipments = tomllib.loads(assets.joinpath("demo_couriers.toml").read_text(encoding="utf-8"))["shipment"]
    senders = [v for v in villagers if v.phone]
    first = clock.now().date().replace(day=1)
    if services.couriers.balance("ZTO", first - dt.timedelta(days=1)):
        services.couriers.settle(partner, "ZTO", through=first - dt.timedelta(days=1), method="bank")
    for entry, sender in zip(shipments, senders, strict=False):
        clock.advance(minutes=rng.randint(5, 40))
        services.sending.send(
            partner,
            sender_id=sender.id,
            receiver_name=entry["receiver"],
            receiver_phone=entry["phone"],
            receiver_address=entry["address"],
            province=entry["province"],
            weight_g=parse_weight_kg(entry["kg"]),
            contents=entry["contents"],
            courier="ZTO",
            method=rng.choice(("cash", "wechat")),
        )
    waiting = [p for p in services.parcels.live() if p.carrier == "ZTO"]
    if waiting:
        services.couriers.set_charge(partner, waiting[0].id, kind="freight", amount_fen=1200)
