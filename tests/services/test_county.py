"""Three stations export November; the county loads them into SQLite and PostgreSQL 15."""

import datetime as dt
from pathlib import Path

from station.db.database import open_database
from station.domain.clock import FixedClock
from station.domain.orders import ItemLine
from station.domain.tariffs import Tier
from station.services.county import CountyLoad, connect_county, enrol, report
from station.services.county_batch import load_many
from station.services.registry import build_services
from station.services.signing import load_key
from tests.conftest import config_for

NOW = dt.datetime(2026, 11, 23, 9, 0)


def make_station(root: Path, code: str, billed_fen: int, orders: int) -> tuple[Path, dict]:
    config = config_for(root / code)
    db = open_database(config.db_path)
    services = build_services(db, config, FixedClock(NOW))
    partner = services.operators.set_up_station(
        station_name=f"站{code}", station_code=code, partner_name="王", pin="123456"
    )
    villager = services.villagers.add(partner, name="张三", phone="13812345678")
    services.utilities.add_tariff(
        partner, category="electricity", effective_from=dt.date(2026, 1, 1), tiers=(Tier(None, 5000),)
    )
    services.utilities.record_bill(
        partner, category="electricity", period="2026-11", usage_milli=100_000, billed_fen=billed_fen
    )
    for n in range(orders):
        services.purchases.create(
            partner, villager_id=villager.id, platform="jd", items=[ItemLine("米", 1, 1000 * (n + 1))]
        )
    out = root / f"export-{code}"
    services.exports.export(partner, "2026-11", out)
    db.close()
    expected = {
        "key": load_key(config.data_dir).public_b64,
        "purchases": orders,
        "purchases_fen": sum(1000 * (n + 1) + 200 for n in range(orders)),
        "excess": max(0, billed_fen - 5150),
    }
    return out, expected


def enrol_all(url, exports):
    db = connect_county(url)
    for code, e in zip(("A01", "A02", "A03"), exports[1], strict=True):
        enrol(db, code, e["key"], NOW)
    db.close()


def check(url, exports):
    dirs, expected = exports
    enrol_all(url, exports)
    assert [o.status for o in load_many(url, dirs, NOW)] == ["loaded"] * 3
    again = load_many(url, dirs[:1], NOW)  # the same export again: nothing changes, nothing doubles
    assert again[0].status == "unchanged"
    db = connect_county(url)
    rows, totals, over = report("2026-11")
    assert len(rows) == 3 and CountyLoad.select().count() == 3
    assert totals["purchases"] == sum(e["purchases"] for e in expected)
    assert totals["purchases_fen"] == sum(e["purchases_fen"] for e in expected)
    assert totals["utility_excess_fen"] == sum(e["excess"] for e in expected) == 850
    assert over == ["A02 站A02 2026-11"]
    db.close()


def test_county_roll_up_in_sqlite(tmp_path, exports):
    check(str(tmp_path / "county.db"), exports)


def test_a_tampered_export_is_refused(tmp_path, exports):
    dirs, _ = exports
    path = dirs[1] / "purchases.csv"
    path.write_bytes(path.read_bytes().replace(b"jd", b"pd"))
    url = str(tmp_path / "county.db")
    enrol_all(url, exports)
    outcomes = load_many(url, dirs, NOW)
    assert [(o.station_code, o.status, o.key) for o in outcomes] == [
        ("A01", "loaded", "county.loaded"),
        ("A02", "refused", "verify.sha_mismatch"),
        ("A03", "loaded", "county.loaded"),
    ]


def test_county_roll_up_in_postgresql(postgres, exports):
    check(postgres, exports)


def county_rows(url: str) -> dict:
    """Every loaded row of every row table, and every load's figures, as sorted tuples."""
    from station.services.county_bulk import row_tables

    db = connect_county(url)
    try:
        found = {
            t.table: sorted(map(repr, db.execute_sql(f"SELECT * FROM {t.table}").fetchall())) for t in row_tables()
        }
        found["loads"] = sorted(
            repr((load.station_code, load.parcels, load.purchases_fen, load.utility_excess_fen, load.flags))
            for load in CountyLoad.select()
        )
        return found
    finally:
        db.close()


def test_loading_in_parallel_connections_keeps_the_same_rows_and_refuses_the_same(postgres, exports, tmp_path):
    """`--jobs 2` on PostgreSQL: two stations load at once, each in its own transaction; a
    forged one in the middle is refused whole and the others are as one connection leaves them."""
    dirs, _ = exports
    path = dirs[1] / "purchases.csv"
    path.write_bytes(path.read_bytes().replace(b"jd", b"pd"))
    enrol_all(postgres, exports)
    outcomes = load_many(postgres, dirs, NOW, jobs=2)
    assert [(o.station_code, o.status) for o in outcomes] == [("A01", "loaded"), ("A02", "refused"), ("A03", "loaded")]
    sqlite = str(tmp_path / "county.db")
    enrol_all(sqlite, exports)
    load_many(sqlite, dirs, NOW, jobs=1)
    parallel, one_by_one = county_rows(postgres), county_rows(sqlite)
    assert parallel["loads"] == one_by_one["loads"] and len(parallel["loads"]) == 2
    assert {k: len(v) for k, v in parallel.items()} == {k: len(v) for k, v in one_by_one.items()}
