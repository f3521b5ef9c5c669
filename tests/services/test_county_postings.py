"""The county keeps each loaded posting (txn, its last chained hash, amount, kind, the txn that
reversed it) for `check-receipt`: written in bulk (services/county_postings.py), the same on
SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from station.db.county_models import CountyPosting
from station.db.models import LedgerEntry
from station.services import county_postings
from station.services.county import connect_county, enrol
from station.services.county_batch import load_many
from station.services.signing import load_key
from tests.services.test_county_trust import NOW, cash, statuses


@pytest.fixture(params=["sqlite", "postgresql"])
def county_url(request, tmp_path, config):
    url = str(tmp_path / "county.db") if request.param == "sqlite" else request.getfixturevalue("postgres")
    db = connect_county(url)
    enrol(db, "ZJ-0317", load_key(config.data_dir).public_b64, NOW)
    db.close()
    return url


def test_each_posting_is_kept_with_its_hash_amount_kind_and_reversal(
    services, partner, tmp_path, county_url, monkeypatch
):
    monkeypatch.setattr(county_postings, "PAGE", 2)  # more than one statement's worth
    first = cash(services, partner, 1000)
    cash(services, partner, 2550, ref="sale-2")
    reversal = services.ledger.reverse(first.txn, "rung up twice", partner)
    cash(services, partner, 120, ref="sale-3")
    services.exports.export(partner, "2026-11", tmp_path / "nov")
    last_of = {}
    for entry in LedgerEntry.select().order_by(LedgerEntry.id):
        last_of[entry.txn] = entry
    amounts = {}
    for entry in LedgerEntry.select():
        amounts[entry.txn] = amounts.get(entry.txn, 0) + max(entry.amount_fen, 0)
    expected = sorted(
        (txn, e.hash, amounts[txn], e.kind, reversal.txn if txn == first.txn else None) for txn, e in last_of.items()
    )

    assert statuses(load_many(county_url, [tmp_path / "nov"], NOW, jobs=1)) == [("2026-11", "loaded", "county.loaded")]
    db = connect_county(county_url)
    kept = sorted(
        (p.txn, p.hash, p.amount_fen, p.kind, p.reversed_by)
        for p in CountyPosting.select().where(CountyPosting.station_code == "ZJ-0317")
    )
    db.close()
    assert len(kept) == 4 and kept == expected
