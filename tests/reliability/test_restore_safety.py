"""Restore against the things that corrupted stations before: another process writing, the
counter app running, a nearly full disk."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from station.db.database import open_database
from station.db.models import LedgerEntry
from station.domain.clock import SystemClock
from station.services.backup import BackupFailed, RestoreRefused
from station.services.ledger import Line
from station.services.registry import build_services
from station.services.station_lock import StationInUse
from tests.conftest import config_for
from tests.reliability.test_crash_and_faults import WRITER

APP_HOLDING_THE_LOCK = textwrap.dedent("""
    import sys, time
    from station.cli_backup import holding_station_lock
    from station.config import load_config

    with holding_station_lock(load_config({"STATION_HOME": sys.argv[1]}), "station run"):
        print("running", flush=True)
        time.sleep(120)
""")


def cash_in(services, operator, fen):
    return services.ledger.post(
        "purchase.payment", "x", [Line("cash", fen, "cash"), Line("villager:1", -fen)], operator_id=operator.id
    )


def moved_backup(services, tmp_path: Path) -> Path:
    path = services.backup.backup().path
    moved = tmp_path / "usb-stick.sqlite3"
    moved.write_bytes(path.read_bytes())
    return moved


def integrity(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_restore_is_refused_while_another_process_writes(config, services, partner, tmp_path):
    cash_in(services, partner, 100)
    good = moved_backup(services, tmp_path)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    writer = subprocess.Popen(
        [sys.executable, str(script), str(config.data_dir), "0", "0.01"], stdout=subprocess.PIPE, text=True
    )
    reported = [writer.stdout.readline() for _ in range(5)]  # it is writing
    try:
        with pytest.raises(StationInUse) as refused:
            services.backup.restore(good, "王秀英", "123456")
        assert refused.value.values == {"pid": writer.pid, "what": "sqlite"}
    finally:
        writer.kill()
        out, _ = writer.communicate(timeout=30)
    reported_txns = {int(line) for line in reported + out.split()}
    assert integrity(config.db_path) == "ok"
    db = open_database(config.db_path)
    try:
        in_db = {row.txn for row in LedgerEntry.select(LedgerEntry.txn).distinct()}
        assert reported_txns <= in_db  # every row the writer committed is still there
        again = build_services(db, config, SystemClock())
        assert again.integrity.verify_full().ok
        [refusal] = again.audit.list(kind="backup.restore_refused")
        assert refusal.detail["reason"] == "backup.in_use"
        assert not list(config.data_dir.glob("*before-restore*"))
    finally:
        db.close()


def test_restore_is_refused_while_the_counter_app_runs_and_works_after_it_quits(config, services, partner, tmp_path):
    good = moved_backup(services, tmp_path)
    cash_in(services, partner, 150000)
    script = tmp_path / "app.py"
    script.write_text(APP_HOLDING_THE_LOCK)
    app = subprocess.Popen([sys.executable, str(script), str(config.data_dir)], stdout=subprocess.PIPE, text=True)
    try:
        assert app.stdout.readline().strip() == "running"
        with pytest.raises(StationInUse) as refused:
            services.backup.restore(good, "王秀英", "123456")
        assert refused.value.values == {"pid": app.pid, "what": "station run"}
    finally:
        app.kill()  # even a killed app leaves no stale lock: the system drops it
        app.communicate(timeout=30)
    result = services.backup.restore(good, "王秀英", "123456")
    assert result.removed.postings == 1 and result.removed.total_fen == 150000


def mount_tmpfs(where: Path, size: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a real full disk needs a small tmpfs, which only root can mount")
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")


def fill(disk: Path, leave_bytes: int) -> Path:
    filler = disk / "filler.bin"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(0, free - leave_bytes))
    return filler


def test_backup_and_restore_on_a_nearly_full_disk_leave_nothing_broken(tmp_path, clock):
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "6m")
    try:
        config = config_for(disk / "home")
        config.data_dir.mkdir(parents=True)
        db = open_database(config.db_path)
        services = build_services(db, config, clock)
        partner = services.operators.set_up_station(
            station_name="青山村服务站", station_code="ZJ-0317", partner_name="王秀英", pin="123456"
        )
        for fen in range(1, 200):
            cash_in(services, partner, fen)
        good = services.backup.backup().path
        clock.advance(hours=1)
        cash_in(services, partner, 150000)
        entries = LedgerEntry.select().count()
        filler = fill(disk, leave_bytes=good.stat().st_size // 3)
        with pytest.raises(BackupFailed) as failed:
            services.backup.backup()
        assert failed.value.key == "backup.failed" and "full" in failed.value.values["reason"]
        assert sorted(p.name for p in config.backup_dir.iterdir()) == [good.name]  # no partial file
        db.close()  # the last connection folds the WAL back in: now fill what that freed too
        more = fill(config.backup_dir, leave_bytes=good.stat().st_size // 3)
        with pytest.raises(RestoreRefused) as refused:
            services.backup.restore(good, "王秀英", "123456")
        assert refused.value.key == "backup.restore_failed"
        assert integrity(config.db_path) == "ok"
        assert sorted(p.name for p in config.data_dir.iterdir() if "station.sqlite3" in p.name) == [
            "station.sqlite3"
        ]  # nothing prepared is left, nothing was set aside
        whole = sqlite3.connect(config.db_path)
        assert whole.execute("SELECT COUNT(*) FROM ledger_entry").fetchone()[0] == entries  # the current one is whole
        whole.close()
        filler.unlink()
        more.unlink()
        result = services.backup.restore(good, "王秀英", "123456")  # with room again it works
        assert result.removed.total_fen == 150000
        db.close()
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=True)  # lazy: a failed assert may leave a handle open
