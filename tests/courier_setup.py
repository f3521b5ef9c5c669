"""The courier set-up the courier tests share: the sample rate cards, a sender, a parcel checked
in and handed over, a parcel sent (each test changes only what it is about)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE = Path(str(resources.files("station.assets").joinpath("sample_rate_cards.toml")))

SENT = dict(  # a 寄件 to Shanghai by ZTO, paid in cash
    receiver_name="买家",
    receiver_phone="13712345678",
    receiver_address="上海市",
    province="上海",
    weight_g=1000,
    contents="茶叶",
    courier="ZTO",
    method="cash",
)


def import_cards(services, partner):
    return services.rate_cards.import_file(partner, SAMPLE)


def add_sender(services, partner):
    return services.villagers.add(partner, name="赵师傅", phone="13900001234")


def check_in(services, partner, number, carrier="ZTO"):
    batch = services.parcels.start_batch(partner, shelf=1, layer=1, carrier=carrier)
    return services.parcels.check_in(partner, number, batch_id=batch.id).parcel


def hand_over(services, partner, parcel_id, reason="test"):
    return services.pickup.hand_over(partner, [parcel_id], method="override", override_reason=reason)


def send(services, partner, sender, **changes):
    """`services.sending.send` of `SENT` from `sender`, with `changes` to it."""
    return services.sending.send(partner, **{**SENT, "sender_id": sender.id, **changes})
