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
