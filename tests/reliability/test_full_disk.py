"""Issue 17: a real full disk (a small tmpfs, mounted when the tests run as root).

Every action ends in a clear message, nothing is half-written, and the database still passes
`integrity_check` once space is freed. Without root (no mount) these tests are skipped with
the reason; tests/reliability/test_crash_and_faults.py keeps a page-count-limit variant.
"""

import contextlib
import errno
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from station.db.database import open_database
from station.db.models import LedgerEntry, Villager
from station.db.parcel_models import Parcel
from station.domain.clock import SystemClock
from station.domain.errors import StationError
from station.services.db_errors import as_station_error
from station.services.registry import build_services
from tests.cli.test_cli import station_command
from tests.conftest import config_for


@pytest.fixture
def small_disk(tmp_path):
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("a real full disk needs a tmpfs mount, which needs root")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path, *, leave: int = 0) -> Path:
    """Write a filler file until the disk is full (or only `leave` bytes remain)."""
    filler = disk / f"filler-{uuid.uuid4().hex}"
    chunk = b"\0" * 4096
    with open(filler, "wb") as handle:
        while True:
            free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
            if free <= leave:
                break
            try:
                handle.write(chunk)
                handle.flush()
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
    return filler


def counts():
    return (Parcel.select().count(), Villager.select().count(), LedgerEntry.select().count())


def test_counter_actions_on_a_full_disk_say_so_and_write_nothing(small_disk):
    config = config_for(small_disk / "home")
    db = open_database(config.db_path)
    services = build_services(db, config, SystemClock())
    partner = services.operators.set_up_station(
        station_name="青山村服务站", station_code="ZJ-0317", partner_name="王秀英", pin="123456"
    )
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    services.parcels.check_in(partner, "SF1000000000001", batch_id=batch.id)
    filler = fill(small_disk)
    actions = [
        lambda n: services.parcels.check_in(partner, f"SF2{n:012d}", batch_id=batch.id),
        lambda n: services.villagers.add(partner, name=f"村民{n}", phone="", note="x" * 400),
        lambda n: services.shifts.open_shift(partner, 10000) if n == 0 else None,
    ]
    refused = 0
    for n in range(400):
        for action in actions:
            before = counts()
            try:
                action(n)
            except StationError:
                assert counts() == before
                refused += 1
            except Exception as error:  # noqa: BLE001 - what the screens and the CLI safety net catch
                explained = as_station_error(error)
                assert explained is not None, repr(error)
                assert explained.key in ("db.full", "validation.db_io_error"), explained.key
                with contextlib.suppress(Exception):
                    db.rollback()
                assert counts() == before
                refused += 1
        if refused >= 6:
            break
    assert refused, "the disk never filled up: the test did not test anything"
    filler.unlink()
    db.close()
    raw = sqlite3.connect(config.db_path)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    db = open_database(config.db_path)
    services = build_services(db, config, SystemClock())
    assert services.ledger.verify_chain() is None
    services.parcels.check_in(partner, "SF3000000000001", batch_id=batch.id)  # and work goes on
    db.close()


@pytest.mark.parametrize("leave", [0, 40_000])
def test_an_export_to_a_full_disk_says_so_and_leaves_no_partial_files(tmp_path, small_disk, leave, demo_home):
    home = demo_home(tmp_path / "home", villagers=5)  # `station demo` (built once per run, shared)
    fill(small_disk, leave=leave)
    out = small_disk / "2026-11"
    result = subprocess.run(
        [
            station_command(),
            "--home",
            str(home),
            "export",
            "--period",
            "2026-11",
            "--out",
            str(out),
            "--operator",
            "王秀英",
        ],  # the demo partner, logging in as a script does
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "STATION_PIN": "123456"},
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "磁盘已满" in result.stderr, result.stderr
    assert not out.exists() or not any(out.iterdir())
    raw = sqlite3.connect(home / "station.sqlite3")
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert raw.execute("SELECT count(*) FROM export_record").fetchone()[0] == 0
    raw.close()


def test_cli_commands_with_the_database_on_a_full_disk_end_with_a_message(small_disk, demo_home):
    home = demo_home(small_disk / "home", villagers=5)
    filler = fill(small_disk)
    said_full = 0
    for arguments in (["backup"], ["report", "daily"], ["print-test"], ["where"]):
        result = subprocess.run(
            [station_command(), "--home", str(home), *arguments], capture_output=True, text=True, timeout=120
        )
        assert "Traceback" not in result.stdout + result.stderr, arguments
        if result.returncode:
            assert result.stderr.startswith("station: ") and len(result.stderr.strip().splitlines()) == 1
            said_full += "磁盘已满" in result.stderr
    assert said_full  # at least the backup could not be written, and said why
    filler.unlink()
    raw = sqlite3.connect(home / "station.sqlite3")
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
