"""Restore attacked: a process holding a write transaction (a CLI command mid-write), a wrong
PIN, an unknown operator, an assistant — each refused by name, the refusal on the record."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from station.db.database import open_database
from station.domain.clock import SystemClock
from station.domain.errors import StationError
from station.services.registry import build_services
from station.services.station_lock import StationInUse
from tests.reliability.test_restore_safety import cash_in, integrity, moved_backup

HOLDING_A_WRITE = textwrap.dedent("""
    import sqlite3, sys, time
    connection = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("CREATE TABLE IF NOT EXISTS held (x)")
    print("holding", flush=True)
    time.sleep(60)
""")


def integrity_ok(config) -> bool:
    return integrity(config.db_path) == "ok"


def refusals(config):
    db = open_database(config.db_path)
    try:
        return [
            e.detail["reason"]
            for e in build_services(db, config, SystemClock()).audit.list(kind="backup.restore_refused")
        ]
    finally:
        db.close()


def test_restore_is_refused_at_once_while_another_process_holds_a_write(config, services, partner, tmp_path):
    """The refusal is written to the audit log: that write waited the busy timeout on the other
    process's write lock and then ended as "database is locked", not as the refusal."""
    cash_in(services, partner, 100)
    good = moved_backup(services, tmp_path)
    script = tmp_path / "hold.py"
    script.write_text(HOLDING_A_WRITE)
    holder = subprocess.Popen([sys.executable, str(script), str(config.db_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with pytest.raises(StationInUse) as refused:
            services.backup.restore(good, "王秀英", "123456")
        waited = time.monotonic() - started
        assert refused.value.values == {"pid": holder.pid, "what": "sqlite"}
    finally:
        holder.kill()
        holder.communicate(timeout=30)
    assert waited < 5, waited  # not the 10 s busy timeout
    # Its write lock was held all along: the refusal could not be written (the log says so).
    assert refusals(config) == []


@pytest.mark.parametrize(
    "who, pin, refused_as, recorded",
    [
        ("王秀英", "000000", "login.wrong_pin", "approval.failed"),
        ("小李", "5678", "access.approver_role", "approval.refused"),
        ("nobody", "123456", "backup.no_operator", "backup.restore_refused"),  # was on no record
    ],
)
def test_a_restore_not_approved_is_refused_and_on_the_record(
    config, services, partner, assistant, tmp_path, who, pin, refused_as, recorded
):
    good = moved_backup(services, tmp_path)
    with pytest.raises(StationError) as refused:
        services.backup.restore(good, who, pin)
    assert refused.value.key == refused_as
    assert services.audit.list(kind=recorded)
    assert integrity_ok(config)
