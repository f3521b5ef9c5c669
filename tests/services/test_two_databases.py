"""Issue 22: the models' DatabaseProxy is bound once per process (ARCHITECTURE.md, "One
database per process"). Two station homes opened in one process never cross: a write through
the registry whose file is no longer bound is refused, and each registry, once its file is
bound, reads and reports only its own."""

import dataclasses

import pytest

from station.config import SecurityConfig, load_config
from station.db.database import OtherDatabaseOpen, open_database
from station.db.models import Villager
from station.services.registry import build_services
from tests.conftest import TEST_PIN_COST


def _home(tmp_path, name):
    config = load_config({"STATION_HOME": str(tmp_path / name)})
    return dataclasses.replace(config, security=SecurityConfig(pin_cost=TEST_PIN_COST))


def _villagers(path) -> list[str]:
    import sqlite3

    with sqlite3.connect(path) as connection:
        return [name for (name,) in connection.execute("SELECT name FROM villager ORDER BY id")]


def test_two_station_homes_in_one_process_do_not_cross(tmp_path, clock):
    a_config, b_config = _home(tmp_path, "a"), _home(tmp_path, "b")
    a_db = open_database(a_config.db_path)
    a = build_services(a_db, a_config, clock)
    a_partner = a.operators.set_up_station(
        station_name="青山村服务站", station_code="ZJ-0317", partner_name="王秀英", pin="123456"
    )
    a.villagers.add(a_partner, name="张秀兰", phone="13800001234")

    b_db = open_database(b_config.db_path)  # a second home: the models now reach B
    b = build_services(b_db, b_config, clock)
    assert b.operators.needs_setup()  # B is empty: A's station is not seen
    b_partner = b.operators.set_up_station(
        station_name="绿水村服务站", station_code="ZJ-0318", partner_name="李站长", pin="246810"
    )
    assert b.villagers.count() == 0
    with pytest.raises(OtherDatabaseOpen):  # A's registry may not write into B's file
        a.villagers.add(a_partner, name="赵大爷", phone="13800005678")
    b.villagers.add(b_partner, name="钱大妈", phone="13900001234")
    charts = b.reports.charts(b.reports.period("week"))  # B's reports read B
    assert charts.charts["income"].total == 0
    assert _villagers(a_config.db_path) == ["张秀兰"] and _villagers(b_config.db_path) == ["钱大妈"]

    b_db.close()
    a_db = open_database(a_config.db_path)  # back to A: a registry built on the new handle
    with pytest.raises(OtherDatabaseOpen):  # the old handle is refused even for the same file
        a.villagers.add(a_partner, name="赵大爷", phone="13800005678")
    a = build_services(a_db, a_config, clock)
    a.villagers.add(a_partner, name="赵大爷", phone="13800005678")
    assert [v.name for v in Villager.select().order_by(Villager.id)] == ["张秀兰", "赵大爷"]
    assert a.operators.station().code == "ZJ-0317"
    assert _villagers(b_config.db_path) == ["钱大妈"]
    a_db.close()
