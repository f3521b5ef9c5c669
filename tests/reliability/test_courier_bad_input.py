"""Malformed courier input — weights, provinces, amounts, tracking numbers, rate card files:
each gets a catalogued error and the database is unchanged."""

from __future__ import annotations

import random

import pytest

from station.domain.errors import StationError
from station.domain.money import parse_yuan
from station.domain.rate_cards import parse_weight_kg
from station.i18n import zh_CN
from tests.courier_setup import SAMPLE, add_sender, check_in, import_cards, send
from tests.reliability.test_bad_input import BAD_CHARS, GARBAGE, checksum, mangled

CSV_CARD = (
    "courier,effective_from,fee_basis,delivery_fee_yuan,commission_percent,first_weight_kg,unit_kg,"
    "source_note,zone,provinces,upto_kg,first_yuan,extra_yuan\r\n"
    "STO,2026-02-01,handed_over,x,5,1,1,,all,浙江|江苏,,6,2\r\n"
)


def test_malformed_courier_input_changes_nothing(services, partner, tmp_path):
    import_cards(services, partner)
    sender = add_sender(services, partner)
    parcel = check_in(services, partner, "75123456780001")
    shipment = send(services, partner, sender).shipment
    before = checksum(services.db)
    rng = random.Random(23)
    numeric_junk = "".join(c for c in BAD_CHARS if c not in "+,。")
    plain = [g for g in GARBAGE if g not in ("１２３４５",)]

    def send_with(**changes):
        return send(services, partner, sender, **changes)

    attempts = (
        [("weight", lambda t=t: send_with(weight_g=parse_weight_kg(t))) for t in plain]
        + [
            ("weight", lambda t=t: send_with(weight_g=parse_weight_kg(t)))
            for t in [mangled(rng, "1.25", numeric_junk) for _ in range(20)]
        ]
        + [("province", lambda t=t: send_with(province=t)) for t in GARBAGE if t.strip()]
        + [("freight", lambda t=t: send_with(freight_fen=parse_yuan(t), override_reason="x")) for t in plain]
        + [("phone", lambda t=t: send_with(receiver_phone=t)) for t in plain]
        + [("courier", lambda t=t: send_with(courier=t)) for t in GARBAGE[:12]]
        + [
            (
                "charge",
                lambda t=t: services.couriers.set_charge(partner, parcel.id, kind="freight", amount_fen=parse_yuan(t)),
            )
            for t in plain
        ]
        + [
            ("tracking", lambda t=t: services.sending.set_tracking(partner, shipment.id, t))
            for t in ("", " ", "\x00", "😀", "一百", "9" * 45, "..")
        ]
    )
    for n in range(15):
        bad = tmp_path / f"cards-{n}.toml"
        text = SAMPLE.read_text(encoding="utf-8").replace('delivery_fee_yuan = "0.40"', 'delivery_fee_yuan = "x"')
        bad.write_text(mangled(rng, text), encoding="utf-8")
        attempts.append(("card file", lambda p=bad: services.rate_cards.import_file(partner, p)))
    for n in range(15):
        bad = tmp_path / f"cards-{n}.csv"
        bad.write_text(mangled(rng, CSV_CARD), encoding="utf-8")
        attempts.append(("card csv", lambda p=bad: services.rate_cards.import_file(partner, p)))
    assert len(attempts) >= 150
    for kind, attempt in attempts:
        try:
            attempt()
        except StationError as error:
            assert error.key in zh_CN.MESSAGES, (kind, error.key)
        else:
            pytest.fail(f"{kind}: accepted")
        assert checksum(services.db) == before, kind
