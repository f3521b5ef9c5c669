"""Shared fixtures: every test gets its own STATION_HOME and a temp-file SQLite database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from station.config import SecurityConfig, StationConfig, load_config
from station.db.database import open_database
from station.domain.clock import FixedClock
from station.services.registry import Services, build_services

NOV_23_0900 = dt.datetime(2026, 11, 23, 9, 0, 0)


@pytest.fixture(autouse=True)
def station_home(tmp_path, monkeypatch):
    """No test touches a real user directory."""
    home = tmp_path / "home"
    monkeypatch.setenv("STATION_HOME", str(home))
    monkeypatch.delenv("STATION_CONFIG", raising=False)
    return home


TEST_PIN_COST = 10  # scrypt N = 2**10: the real cost (≥ 100 ms a PIN) would make every test slow


def write_test_config(home) -> None:
    """A config.toml with the small PIN cost, for tests that run the `station` command itself."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(f"[security]\npin_cost = {TEST_PIN_COST}\n", encoding="utf-8")


@pytest.fixture
def config(station_home) -> StationConfig:
    config = load_config({"STATION_HOME": str(station_home)})
    return dataclasses.replace(config, security=SecurityConfig(pin_cost=TEST_PIN_COST))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOV_23_0900)


@pytest.fixture
def services(config, clock) -> Services:
    db = open_database(config.db_path)
    yield build_services(db, config, clock)
    db.close()


@pytest.fixture
def partner(services):
    return services.operators.set_up_station(
        station_name="青山村服务站", station_code="ZJ-0317", partner_name="王秀英", pin="123456"
    )


@pytest.fixture
def assistant(services, partner):
    return services.operators.add_operator(partner, name="小李", role="assistant", pin="5678")


@pytest.fixture
def auditor(services, partner):
    return services.operators.add_operator(partner, name="审计员", role="auditor", pin="9999")
