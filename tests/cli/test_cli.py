"""The console script itself, as a person runs it."""

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def station_command() -> str:
    script = Path(sys.executable).parent / "station"
    found = str(script) if script.exists() else shutil.which("station")
    if not found:
        pytest.fail("the `station` console script is not installed (pip install -e .)")
    return found


def run(*args, home: Path, check=True):
    return subprocess.run([station_command(), "--home", str(home), *args], capture_output=True,
                          text=True, timeout=120, check=check)


def test_help_lists_the_subcommands(tmp_path):
    out = run("--help", home=tmp_path).stdout
    for command in ("run", "demo", "where"):
        assert command in out


def test_demo_fills_a_fresh_database_and_refuses_a_second_time(tmp_path):
    out = run("demo", home=tmp_path).stdout
    assert "1234" in out
    db = sqlite3.connect(tmp_path / "station.sqlite3")
    assert db.execute("SELECT count(*) FROM villager").fetchone()[0] >= 60
    assert db.execute("SELECT name FROM villager WHERE initials = 'zs'").fetchone() == ("张三",)
    assert db.execute("SELECT count(*) FROM operator").fetchone()[0] == 3
    db.close()
    second = run("demo", home=tmp_path, check=False)
    assert second.returncode == 1 and "--home" in second.stderr


def test_a_bad_config_file_is_named(tmp_path):
    (tmp_path / "config.toml").write_text('[ui]\nlocale = "fr"\n', encoding="utf-8")
    result = run("where", home=tmp_path, check=False)
    assert result.returncode == 2 and "ui.locale" in result.stderr
