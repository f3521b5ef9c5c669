"""Backups that are checked before they count; restores that refuse what they must and
record what they remove."""

from __future__ import annotations

import json
import sqlite3
import stat

import pytest

from station.db.database import open_database
from station.db.migrations import MIGRATIONS
from station.domain.errors import NotAllowed, NotFound
from station.i18n.translator import Translator
from station.services.backup import BackupFailed, RestoreRefused
from station.services.ledger import Line
from station.services.operators import WrongPin
from station.services.registry import build_services
from station.services.signing import KEY_FILE
from tests.conftest import config_for


def cash_in(services, operator, fen):
    return services.ledger.post(
        "purchase.payment", "x", [Line("cash", fen, "cash"), Line("villager:1", -fen)], operator_id=operator.id
    )


def raw(path):
    return sqlite3.connect(path)


def ledger_rows(path):
    connection = raw(path)
    try:
        return connection.execute("SELECT id, hash FROM ledger_entry ORDER BY id").fetchall()
    finally:
        connection.close()


def test_a_backup_is_private_checked_and_complete(services, partner, config):
    cash_in(services, partner, 5000)
    (config.data_dir / KEY_FILE).write_bytes(b"secret key bytes")
    result = services.backup.backup()
    assert result.path.parent == config.backup_dir and result.entries == 2
    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600  # it holds PIN hashes
    assert result.size == result.path.stat().st_size and result.secrets == (KEY_FILE,)
    assert sorted(p.name for p in config.backup_dir.iterdir()) == [result.path.name]  # no -wal, -shm, partial
    copy = raw(result.path)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("SELECT content FROM backup_secret").fetchone()[0] == b"secret key bytes"
    copy.close()
    assert services.backup.backup_age().total_seconds() == 0


def test_the_last_n_backups_are_kept(services, partner, config, clock):
    for _ in range(16):
        services.backup.backup()
        clock.advance(hours=1)
    assert len(list(config.backup_dir.glob("station-*.sqlite3"))) == config.counter.backups_kept


def make_backup(services, partner, tmp_path, name="copy.sqlite3"):
    """A backup moved somewhere else, the way a partner would carry it on a USB stick."""
    cash_in(services, partner, 1000)
    path = services.backup.backup().path
    moved = tmp_path / name
    moved.write_bytes(path.read_bytes())
    return moved


def spoil(path, sql):
    connection = raw(path)
    connection.executescript(sql)
    connection.commit()
    connection.close()


def refusal_cases(tmp_path, good):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    text = tmp_path / "notes.sqlite3"
    text.write_text("这不是数据库" * 100, encoding="utf-8")
    foreign = tmp_path / "browser-history.sqlite"
    spoil(foreign, "CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO urls (url) VALUES ('x');")
    other = tmp_path / "other-station.sqlite3"
    other.write_bytes(good.read_bytes())
    spoil(other, "UPDATE station SET code = 'ZJ-0999'")
    newer = tmp_path / "newer.sqlite3"
    newer.write_bytes(good.read_bytes())
    spoil(newer, f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    edited = tmp_path / "edited.sqlite3"
    edited.write_bytes(good.read_bytes())
    spoil(edited, "DROP TRIGGER ledger_entry_no_update; UPDATE ledger_entry SET amount_fen = 1 WHERE id = 1")
    unset = tmp_path / "no-station.sqlite3"
    unset.write_bytes(good.read_bytes())
    spoil(unset, "DELETE FROM station")
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(good.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):  # smash every page's header but the first two
        data[offset : offset + 16] = b"\xff" * 16
    damaged.write_bytes(bytes(data))
    return [
        (empty, "backup.refused_empty"),
        (text, "backup.refused_not_sqlite"),
        (foreign, "backup.refused_foreign"),
        (other, "backup.refused_other_station"),
        (newer, "backup.refused_newer"),
        (edited, "backup.refused_chain"),
        (unset, "backup.refused_no_station"),
        (damaged, "backup.refused_corrupt"),
        (tmp_path / "missing.sqlite3", "backup.refused_missing"),
    ]


def test_restore_refuses_each_bad_file_by_name_and_leaves_the_database(services, partner, tmp_path, config):
    good = make_backup(services, partner, tmp_path)
    cash_in(services, partner, 2500)
    before = ledger_rows(config.db_path)
    for path, key in refusal_cases(tmp_path, good):
        with pytest.raises(RestoreRefused) as refused:
            services.backup.restore(path, "王秀英", "123456")
        assert refused.value.key == key, path.name
        assert ledger_rows(config.db_path) == before, path.name
        left = [p.name for p in config.data_dir.iterdir() if ".restoring" in p.name or "before-restore" in p.name]
        assert left == [], path.name
    refusals = services.audit.list(kind="backup.restore_refused")
    assert len(refusals) == 9 and refusals[-1].detail["reason"] == "backup.refused_empty"


def test_restore_needs_a_partners_pin(services, partner, assistant, tmp_path, config):
    good = make_backup(services, partner, tmp_path)
    cash_in(services, partner, 2500)
    before = ledger_rows(config.db_path)
    with pytest.raises(WrongPin):
        services.backup.restore(good, "王秀英", "9999")
    with pytest.raises(NotAllowed):
        services.backup.restore(good, "小李", "5678")  # the assistant's own, correct PIN
    with pytest.raises(NotFound):
        services.backup.restore(good, "路人", "123456")
    assert ledger_rows(config.db_path) == before
    assert [e.kind for e in services.audit.list(kind="approval.failed")] == ["approval.failed"]


def test_restore_records_what_it_removed_in_the_restored_database(services, partner, tmp_path, config):
    good = make_backup(services, partner, tmp_path)
    kept = ledger_rows(config.db_path)
    cash_in(services, partner, 150000)  # ¥1,500 taken after the backup
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id)
    result = services.backup.restore(good, "王秀英", "123456")
    assert result.removed.postings == 1 and result.removed.total_fen == 150000 and result.removed.parcels == 1
    assert result.aside is not None and len(ledger_rows(result.aside)) == len(kept) + 2  # the old one, whole
    assert ledger_rows(config.db_path) == kept
    leftovers = [p.name for p in config.data_dir.iterdir() if p.name.endswith(("-wal", "-shm", ".restoring"))]
    assert leftovers == []
    db = open_database(config.db_path)
    try:
        again = build_services(db, config, services.clock)
        [event] = again.audit.list(kind="backup.restored")
        assert event.detail["operator"] == "王秀英" and event.ref == good.name
        assert event.detail["removed_total_fen"] == 150000 and event.detail["removed_postings"] == 1
        assert event.detail["removed_parcels"] == 1 and event.detail["removed_txns"] == [2]
        assert again.integrity.verify_full().ok
        again.exports.export(partner, "2026-11", tmp_path / "county")  # the next county export shows it
        restores = (tmp_path / "county" / "restores.csv").read_text(encoding="utf-8-sig").splitlines()
        assert len(restores) == 2 and ",1,1500.00,1,0,2" in restores[1] and good.name in restores[1]
    finally:
        db.close()


def test_restore_on_a_new_pc_brings_the_station_secrets(services, partner, assistant, tmp_path, config):
    (config.data_dir / KEY_FILE).write_bytes(b"the station's identity")
    good = make_backup(services, partner, tmp_path)
    services.db.close()
    new_config = config_for(tmp_path / "new-pc")
    new_config.data_dir.mkdir(parents=True)
    db = open_database(new_config.db_path)
    fresh = build_services(db, new_config, services.clock)
    with pytest.raises(WrongPin) as wrong:
        fresh.backup.restore(good, "王秀英", "0000")  # checked against the backup's own partner
    assert wrong.value.key == "backup.wrong_pin_in_backup"  # no "? tries left": nothing counts them here
    assert Translator("zh_CN").error(wrong.value) == "PIN 不对：不是这份备份里 王秀英 的 PIN"
    with pytest.raises(NotAllowed) as assistant:
        fresh.backup.restore(good, "小李", "5678")  # the assistant's own, correct PIN
    assert Translator("zh_CN").error(assistant.value) == "店员无权恢复备份"
    result = fresh.backup.restore(good, "王秀英", "123456")
    key = new_config.data_dir / KEY_FILE
    assert result.secrets == (KEY_FILE,) and key.read_bytes() == b"the station's identity"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    restored = raw(new_config.db_path)
    assert restored.execute("SELECT code FROM station").fetchone()[0] == "ZJ-0317"
    assert "backup_secret" not in {r[0] for r in restored.execute("SELECT name FROM sqlite_master")}
    detail = json.loads(restored.execute("SELECT detail FROM audit_event WHERE kind = 'backup.restored'").fetchone()[0])
    restored.close()
    assert detail["operator"] == "王秀英"


def test_a_backup_that_cannot_be_written_says_why_and_leaves_nothing(services, partner, config):
    config.backup_dir.write_text("a file where the backup folder should be", encoding="utf-8")
    with pytest.raises(BackupFailed) as failed:
        services.backup.backup()
    assert failed.value.key == "backup.failed" and failed.value.values["reason"]
    assert config.backup_dir.read_text(encoding="utf-8").startswith("a file")
    assert [p.name for p in config.data_dir.iterdir() if "partial" in p.name] == []


def test_a_backup_of_a_broken_ledger_is_refused_and_deleted(services, partner, config):
    cash_in(services, partner, 100)
    spoil(config.db_path, "DROP TRIGGER ledger_entry_no_update; UPDATE ledger_entry SET amount_fen = 5 WHERE id = 1")
    with pytest.raises(BackupFailed) as failed:
        services.backup.backup()
    assert failed.value.key == "backup.check_failed" and failed.value.values["reason"] == "backup.refused_chain"
    assert list(config.backup_dir.iterdir()) == []


@pytest.mark.parametrize("version", [0, -1, 1])
def test_restore_refuses_a_file_whose_schema_version_was_edited_down(services, partner, tmp_path, config, version):
    """A backup whose user_version was lowered passes every check, but its migrations cannot
    run: installed, it made every later `station` command fail. It is refused instead."""
    good = make_backup(services, partner, tmp_path)
    cash_in(services, partner, 2500)
    before = ledger_rows(config.db_path)
    edited = tmp_path / "edited-version.sqlite3"
    edited.write_bytes(good.read_bytes())
    spoil(edited, f"PRAGMA user_version = {version}")
    with pytest.raises(RestoreRefused) as refused:
        services.backup.restore(edited, "王秀英", "123456")
    assert refused.value.key == "backup.refused_schema"
    assert ledger_rows(config.db_path) == before
    left = [p.name for p in config.data_dir.iterdir() if ".restoring" in p.name or "before-restore" in p.name]
    assert left == []
    db = open_database(config.db_path)  # the station still opens
    try:
        again = build_services(db, config, services.clock)
        assert again.audit.list(kind="backup.restore_refused")[-1].detail["reason"] == "backup.refused_schema"
    finally:
        db.close()


def test_restore_of_an_older_schema_is_brought_up_to_date_before_it_is_installed(services, partner, tmp_path, config):
    good = make_backup(services, partner, tmp_path)
    older = tmp_path / "older.sqlite3"
    older.write_bytes(good.read_bytes())
    spoil(older, f"PRAGMA user_version = {len(MIGRATIONS) - 1}")  # the last migration is replayable
    services.backup.restore(older, "王秀英", "123456")
    connection = raw(config.db_path)
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    finally:
        connection.close()
    assert not [p.name for p in config.data_dir.iterdir() if ".restoring" in p.name]
