"""Issue 17: a random corpus of malformed text through the services — only catalogued refusals.

Each input mixes what reaches a counter in practice: controls from a scanner, zero-width and
bidi marks pasted from a chat, full-width digits and commas from an IME, rare hanzi, emoji,
digits of other scripts, lone surrogates from undecodable terminal bytes.
"""

import random

import pytest

from station.domain.commission import parse_percent_bp
from station.domain.errors import StationError
from station.domain.money import parse_yuan
from station.domain.orders import parse_items
from station.domain.tariffs import parse_quantity, parse_rate
from station.i18n import en, zh_CN

POOL = [
    "\x00", "\x03", "\x1b", "\x7f", "\u200b", "\u202e", "\ufeff", "\ud800", "\udcff", "😀", "🥚", "𠮷", "𪚥",
    "１", "２", "．", "，", ",", "。", "元", "¥", "￥", " ", "\u3000", "\t", "\r\n", "'", '"', "%", "_", "\\",
    "*", ";", "；", ":", "a", "Z", "9", "0", "1", "3", "8", "-", "+", ".", "中", "\u0663", "\u096b", "²", "①",
    "\uffff", "\U0010ffff", "=", "@",
]  # fmt: skip


def test_two_thousand_malformed_inputs_get_catalogued_refusals(services, partner):
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id).parcel
    villager = services.villagers.add(partner, name="张三", phone="13812345678")
    calls = {
        "find_waiting": lambda t: services.pickup.find_waiting(t),
        "villager_search": lambda t: services.villagers.search(t),
        "check_in": lambda t: services.parcels.check_in(partner, t, batch_id=batch.id),
        "villager_add": lambda t: services.villagers.add(partner, name=t, phone=t, allow_duplicate=True),
        "login": lambda t: services.operators.login(partner.id, t if len(t) < 3 else "1234"),
        "hand_over": lambda t: services.pickup.hand_over(partner, [parcel.id], method="code", proof=t),
        "set_recipient": lambda t: services.parcels.set_recipient(partner, parcel.id, name="李", phone=t),
        "complaint": lambda t: services.complaints.register(partner, channel="in_person", category="other", text=t),
        "intake": lambda t: services.consignments.intake(
            partner, consignor_id=villager.id, product=t, unit="jin", qty_milli=1000, unit_price_fen=100
        ),
        "damaged": lambda t: services.parcels.mark_damaged(partner, parcel.id, note=t),
        "batch": lambda t: services.parcels.start_batch(partner, shelf=1, layer=1, courier_name=t),
        "yuan": parse_yuan,
        "quantity": parse_quantity,
        "rate": parse_rate,
        "percent": parse_percent_bp,
        "items": parse_items,
    }
    rng = random.Random(17)
    refused = 0
    for _ in range(2000):
        text = "".join(rng.choice(POOL) for _ in range(rng.randint(0, 14)))
        name = rng.choice(list(calls))
        try:
            calls[name](text)
        except StationError as error:
            refused += 1
            assert error.key in zh_CN.MESSAGES and error.key in en.MESSAGES, (name, text, error.key)
        except Exception as error:  # noqa: BLE001 - the failure this test exists to find
            pytest.fail(f"{name}({text!r}) raised {type(error).__name__}: {error}")
    assert refused > 1000
    assert services.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
