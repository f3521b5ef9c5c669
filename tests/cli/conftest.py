"""One `station demo` per size per test process, copied into each test's home (a demo run
costs seconds; a copy of its folder, milliseconds)."""

import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli import run


@pytest.fixture(scope="session")
def _demo_homes(tmp_path_factory):
    made: dict[int, Path] = {}

    def get(villagers: int) -> Path:
        if villagers not in made:
            home = tmp_path_factory.mktemp(f"demo-{villagers}")
            run("demo", "--villagers", str(villagers), home=home)
            made[villagers] = home
        return made[villagers]

    return get


@pytest.fixture
def demo_home(_demo_homes):
    """`demo_home(home, villagers)`: `home` as `station --home home demo --villagers N` leaves it."""

    def copy(home: Path, villagers: int) -> Path:
        shutil.copytree(_demo_homes(villagers), home, dirs_exist_ok=True)
        return home

    return copy
