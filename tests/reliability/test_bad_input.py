"""Hundreds of malformed inputs: each gets a clear, catalogued error and the database is unchanged."""

import hashlib
import random

import pytest

from station.domain.errors import StationError
from station.domain.money import parse_yuan
from station.domain.tariffs import parse_quantity
from station.i18n import zh_CN
from station.services.utility_reports import import_tariffs

GARBAGE = [
    "",
    " ",
    "\x00",
    "\x1b[A",
    "\r\n",
    "１２．３．４",
    "¥abc",
    "-5",
    "1e9",
    "NaN",
    "∞",
    "12.345",
    "一百",
    "😀",
    "'; DROP TABLE parcel;--",
    "=1+1",
    "\u200b",
    "ａｂｃ",
    "１２３４５",
    "0x1F",
    "++1",
    "1,2,3.4.5",
    "9" * 40,
    "..",
    "-0.001",
    "null",
    "\t",
    "拼音zs",
    "SF12345678901234567890123456789X",
    "4-2",
    "4-22-0329",
]


def checksum(db) -> str:
    digest = hashlib.sha256()
    tables = [
        r[0]
        for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table in tables:
        for row in db.execute_sql(f'SELECT * FROM "{table}" ORDER BY rowid'):
            digest.update(repr(row).encode())
    return digest.hexdigest()


BAD_CHARS = "\x00\x07\x1b!@#$%^&*()=+[]{}|;:'\",<>?/~`中文。"


def mangled(rng: random.Random, base: str, bad: str = BAD_CHARS) -> str:
    """`base` with at least one character no field accepts, plus random cuts."""
    chars = list(base)
    for _ in range(rng.randint(0, 3)):
        if chars:
            del chars[rng.randrange(len(chars))]
    chars.insert(rng.randrange(len(chars) + 1), rng.choice(bad))
    return "".join(chars)


def test_two_hundred_malformed_inputs_change_nothing(services, partner, tmp_path):
    services.villagers.add(partner, name="张三", phone="13812345678")
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id).parcel
    before = checksum(services.db)
    rng = random.Random(317)
    # Control characters are cleaned out of a scan on purpose, so scans get printable junk.
    # ("4-22-0329" cleans to a well-shaped number: dashes are dropped from scans on purpose.)
    scans = [g for g in GARBAGE if g != "4-22-0329"] + [
        mangled(rng, "75123456780001", BAD_CHARS[3:]) for _ in range(50)
    ]
    # Number fields accept full-width digits and drop "," "+" "。" separators: junk excludes them.
    numeric_junk = "".join(c for c in BAD_CHARS if c not in "+,。")
    plain_garbage = [g for g in GARBAGE if g not in ("１２３４５",)]
    amounts = plain_garbage + [mangled(rng, "12.50", numeric_junk) for _ in range(30)]
    readings = plain_garbage + [mangled(rng, "18234.5", numeric_junk) for _ in range(20)]
    phones = plain_garbage + [mangled(rng, "13812345678", numeric_junk) for _ in range(20)]
    codes = GARBAGE + [mangled(rng, parcel.pickup_code) for _ in range(20)]
    attempts = (
        [
            ("scan", lambda t=t: services.parcels.check_in(partner, t, batch_id=batch.id))
            for t in scans
            if t.strip().upper() != "SF12345678901234567890123456789X"
        ]
        + [("amount", lambda t=t: parse_yuan(t, allow_zero=False)) for t in amounts]
        + [
            (
                "reading",
                lambda t=t: services.utilities.record_bill(
                    partner,
                    category="electricity",
                    period="2026-10",
                    meter_start_milli=parse_quantity(t),
                    meter_end_milli=parse_quantity(t),
                    billed_fen=1,
                ),
            )
            for t in readings
        ]
        + [("phone", lambda t=t: services.villagers.add(partner, name="王五", phone=t)) for t in phones if t.strip()]
        + [("code", lambda t=t: services.pickup.hand_over(partner, [parcel.id], method="code", proof=t)) for t in codes]
    )
    for n in range(10):
        bad = tmp_path / f"tariff-{n}.toml"
        bad.write_text(
            mangled(
                rng,
                '[[tariff]]\ncategory = "water"\neffective_from = 2026-01-01\n'
                'tiers = [{ rate = "1.5" }]\nfixed_fee_yuan = "x"\n',
            ),
            encoding="utf-8",
        )
        attempts.append(("tariff file", lambda p=bad: import_tariffs(services.utilities, partner, p)))
    assert len(attempts) >= 200
    for kind, attempt in attempts:
        try:
            attempt()
        except StationError as error:
            assert error.key in zh_CN.MESSAGES, (kind, error.key)
        else:
            pytest.fail(f"{kind}: accepted")
        assert checksum(services.db) == before, kind
