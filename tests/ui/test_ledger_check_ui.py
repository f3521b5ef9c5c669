"""The counter app checks the ledger at start and shows the backup's age."""

from __future__ import annotations

import sqlite3

from station.screens.dialogs import InfoDialog
from station.screens.home import HomeScreen
from station.screens.login import LoginScreen
from station.services.ledger import Line
from station.widgets.status_line import StatusLine
from tests.ui.helpers import log_in, screen_text, settle


def cash_in(services, fen):
    return services.ledger.post(
        "purchase.payment", "x", [Line("cash", fen, "cash"), Line("villager:1", -fen)], operator_id=1
    )


async def test_a_ledger_edited_behind_the_apps_back_is_shown_at_start(make, set_up, config):
    for fen in (100, 200, 300):
        cash_in(set_up, fen)
    set_up.db.close()
    raw = sqlite3.connect(config.db_path)
    raw.executescript("DROP TRIGGER ledger_entry_no_update; UPDATE ledger_entry SET amount_fen = 5 WHERE id = 3;")
    raw.close()
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, InfoDialog)
        assert "账本哈希链断开" in screen_text(app) and "第 3 条" in screen_text(app)
        assert "账本链断开：第 3 条" in str(app.status)
        await pilot.press("enter")  # read, closed: the log-in screen is under it
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        await log_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "账本链断开：第 3 条" in str(app.status)  # it stays on the status line
        assert app.screen.query_one(StatusLine).has_class("-printer-failed")  # the alarm colour
    [event] = set_up.audit.list(kind="ledger.chain_broken")
    assert event.ref == "ledger:3" and event.detail["when"] == "start"


async def test_a_sound_ledger_starts_quietly_and_the_status_line_shows_the_backups_age(make, set_up, clock):
    cash_in(set_up, 100)
    set_up.backup.backup()
    clock.advance(days=2)
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        status = app.screen.query_one(StatusLine)
        assert "备份 2 天前" in str(app.status) and "账本链" not in str(app.status)
        assert status.has_class("-backup-stale") and not status.has_class("-backup-old")
        await pilot.press("f8", "ctrl+b")  # back up now from the shift screen
        await settle(app, pilot)
        assert "备份 0 分钟前" in str(app.status)
        assert not status.has_class("-backup-stale")


async def test_restore_from_the_app_asks_for_the_file_and_a_partners_pin_then_quits_to_do_it(
    make, set_up, config, clock, tmp_path
):
    from station.services.backup import RestoreRequest

    cash_in(set_up, 100)
    backup = set_up.backup.backup().path
    clock.advance(hours=2)
    cash_in(set_up, 150000)
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8", "ctrl+t")
        await settle(app, pilot)
        assert str(backup) in screen_text(app) or app.screen.query("Input").first().value == str(backup)
        await pilot.press("enter")  # the newest backup, checked as restore will check it
        await settle(app, pilot)
        assert "PIN" in screen_text(app)
        await pilot.press(*"9999", "enter")
        await settle(app, pilot)
        assert "PIN 不对" in screen_text(app)  # refused inline; the dialog stays
        await pilot.press(*"123456", "enter")
        await settle(app, pilot)
        assert str(backup) in screen_text(app)  # the question names the file
        await pilot.press("y")
        await settle(app, pilot)
    request = app.return_value
    assert request == RestoreRequest(backup, "王秀英", "123456")


async def test_a_bad_file_is_refused_in_the_app_before_it_quits(make, set_up, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database", encoding="utf-8")
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8", "ctrl+t")
        await settle(app, pilot)
        await pilot.press(*str(junk), "enter")
        await settle(app, pilot)
        assert "不是 SQLite 数据库" in screen_text(app)
        assert app.is_running and app.return_value is None


APP_THEN_RESTORE = """
import argparse, asyncio, sys
from station.app import make_app
from station.cli_backup import restore_after_app
from station.config import load_config
from tests.ui.helpers import log_in, settle

async def drive():
    app = make_app(load_config({"STATION_HOME": sys.argv[1]}))
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        for keys in (("f8", "ctrl+t"), ("enter",), ("1", "2", "3", "4", "5", "6", "enter"), ("y",)):
            await pilot.press(*keys)
            await settle(app, pilot)
    return app.return_value

request = asyncio.run(drive())
print("asked in the app:", request.source.name, request.operator_name, flush=True)
restore_after_app(argparse.Namespace(home=sys.argv[1]), request)  # execs `station restore`
"""


def test_the_app_quits_and_the_restore_it_asked_for_runs_in_a_fresh_process(set_up, config, clock, tmp_path):
    """End to end as `station run` does it: no connection of the app survives into the restore."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    cash_in(set_up, 100)
    backup = set_up.backup.backup().path
    clock.advance(hours=2)
    cash_in(set_up, 150000)
    set_up.db.close()
    script = tmp_path / "app_then_restore.py"
    script.write_text(APP_THEN_RESTORE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(config.data_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},  # for tests.ui.helpers
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"asked in the app: {backup.name} 王秀英" in done.stdout
    assert "¥1,500.00" in done.stdout and "before-restore" in done.stdout
    restored = sqlite3.connect(config.db_path)
    assert restored.execute("SELECT COUNT(*) FROM audit_event WHERE kind = 'backup.restored'").fetchone()[0] == 1
    restored.close()
