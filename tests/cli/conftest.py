"""One `station demo` per size per test run, copied into each test's home (a demo run
costs seconds; a copy of its folder, milliseconds)."""

import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.conftest import built_once_per_run


@pytest.fixture(scope="session")
def _demo_homes(tmp_path_factory):
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
    """`demo_home(home, villagers)`: `home` as `station --home home demo --villagers N` leaves it."""

    def copy(home: Path, villagers: int) -> Path:
        shutil.copytree(_demo_homes(villagers), home, dirs_exist_ok=True)
        return home

    return copy
