"""A demo station built once per test run (fixed clock) and copied for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from station.config import ensure_dirs
from station.db.database import open_database
from station.domain.clock import FixedClock
from station.services.demo import fill_demo
from station.services.registry import build_services
from tests.conftest import NOV_23_0900, built_once_per_run, config_for


def build_demo_station(home: Path) -> None:
    """The demo database (26 villagers, weeks of history up to 2026-11-23 09:00) in `home`, its
    PINs hashed at the test cost like every other test station's."""
    config = config_for(home)
    ensure_dirs(config)
    db = open_database(config.db_path)
    fill_demo(build_services(db, config, FixedClock(NOV_23_0900)), villagers=20)
    db.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo database, made once for the run (all xdist workers share it: it takes seconds)."""
    home = built_once_per_run(tmp_path_factory, "demo-station", build_demo_station)
    return config_for(home).db_path


@pytest.fixture
def demo_db(demo_template, config) -> Path:
    """This test's copy of the demo database, where the app will open it."""
    ensure_dirs(config)
    shutil.copyfile(demo_template, config.db_path)
    return config.db_path
