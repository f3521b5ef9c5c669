"""Shared fixtures: every test gets its own STATION_HOME and a temp-file SQLite database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from filelock import FileLock

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


def config_for(home) -> StationConfig:
    """The configuration of a station kept in `home`, with the small test PIN cost."""
    config = load_config({"STATION_HOME": str(home)})
    return dataclasses.replace(config, security=SecurityConfig(pin_cost=TEST_PIN_COST))


def built_once_per_run(tmp_path_factory, name: str, build) -> Path:
    """`build(folder)` run once for the whole test run, shared by every pytest-xdist worker.

    The first worker to get here builds into a scratch folder and renames it into place under
    the run's common temp directory; the others wait on the lock and reuse it (a session
    fixture alone would build it once per worker). Callers copy what they need out of it."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N/, shared by popen-gw0, popen-gw1, ...
    done = base / f"shared-{name}"
    with FileLock(str(base / f"shared-{name}.lock")):
        if not done.exists():
            scratch = Path(tempfile.mkdtemp(prefix=f"building-{name}-", dir=base))
            build(scratch)
            scratch.rename(done)
    return done


@pytest.fixture
def config(station_home) -> StationConfig:
    return config_for(station_home)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOV_23_0900)


NEW_DATABASE = "new_database"  # the mark of a test whose database must be made from nothing


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", f"{NEW_DATABASE}: the `services` database is made from nothing, not copied from the template"
    )


def _build_new_database(folder: Path) -> None:
    """A new station database, migrated and closed: the close checkpointed it into the one file."""
    open_database(folder / "station.sqlite3").close()
    left = sorted(path.name for path in folder.iterdir())
    assert left == ["station.sqlite3"], f"not checkpointed into one file: {left}"


@pytest.fixture(scope="session")
def new_database_template(tmp_path_factory) -> Path:
    """A new database as `open_database` makes it, made once per run (all xdist workers)."""
    return built_once_per_run(tmp_path_factory, "new-database", _build_new_database) / "station.sqlite3"


@pytest.fixture
def new_database(request, config, new_database_template) -> Path:
    """Where this test's database goes: a copy of the new-database template (a file copy costs
    ~2 ms; making one ~30 ms, far more when other processes fsync) that `open_database` then
    opens as it opens any file, modes included. A test marked `new_database` (migrations, the
    first start) gets nothing there, and `open_database` makes the file from nothing."""
    if request.node.get_closest_marker(NEW_DATABASE) is None:
        config.db_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(new_database_template, config.db_path)
    return config.db_path


@pytest.fixture
def services(config, clock, new_database) -> Services:
    db = open_database(new_database)
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


@pytest.fixture
def cards(services, partner):
    """The sample courier rate cards (ZTO, YD) on file."""
    from tests.courier_setup import import_cards

    return import_cards(services, partner)


@pytest.fixture
def sender(services, partner):
    """A villager who sends parcels."""
    from tests.courier_setup import add_sender

    return add_sender(services, partner)


# The kinds of test that take longest run first: with pytest-xdist's worksteal (pyproject.toml)
# an idle worker takes the short ones from the end of a busy worker's queue, so the run does not
# end with one worker alone on a minute-long UI walk. Order inside a folder is kept.
LONGEST_FIRST = ("snapshots", "ui", "cli", "reliability", "services", "printing", "unit")


def pytest_collection_modifyitems(items) -> None:
    def rank(item) -> int:
        parts = item.nodeid.split("/")
        kind = parts[1] if len(parts) > 2 and parts[0] == "tests" else ""
        return LONGEST_FIRST.index(kind) if kind in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


@pytest.fixture(scope="session")
def _demo_homes(tmp_path_factory):
    """`station demo --villagers N` run once per size for the whole test run."""
    from tests.cli.test_cli import run

    made: dict[int, Path] = {}

    def get(villagers: int) -> Path:
        if villagers not in made:
            made[villagers] = built_once_per_run(
                tmp_path_factory,
                f"cli-demo-{villagers}",
                lambda home: run("demo", "--villagers", str(villagers), home=home),
            )
        return made[villagers]

    return get


@pytest.fixture
def demo_home(_demo_homes):
    """`demo_home(home, villagers)`: `home` as `station --home home demo --villagers N` leaves it
    (with the test PIN cost). A demo run costs seconds; a copy of its folder, milliseconds."""

    def copy(home: Path, villagers: int) -> Path:
        shutil.copytree(_demo_homes(villagers), home, dirs_exist_ok=True)
        return home

    return copy
