"""The counter keeps taking keys while another process holds the database's write lock."""

import asyncio
import sqlite3
import threading

from station.db.parcel_models import Parcel
from station.screens.check_in import CheckInScreen
from station.widgets.scan_input import ScanInput
from tests.ui.helpers import log_in, settle
from tests.ui.test_check_in_rows import start_batch

HOLD_SECONDS = 5.0


def hold_write_lock(path, held: threading.Event, let_go: threading.Event, released: threading.Event) -> None:
    """A second connection (as another process would) takes the write lock and keeps it 5 s,
    or until the test has seen what it came to see (`let_go`)."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        connection.execute("BEGIN IMMEDIATE")
        held.set()
        let_go.wait(HOLD_SECONDS)
        connection.execute("ROLLBACK")
    finally:
        connection.close()
        released.set()


async def test_keys_typed_during_a_five_second_write_lock_are_on_screen_before_it_ends(make, set_up, config):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await start_batch(app, pilot)
        assert isinstance(app.screen, CheckInScreen)

        held, let_go, released = threading.Event(), threading.Event(), threading.Event()
        holder = threading.Thread(target=hold_write_lock, args=(config.db_path, held, let_go, released))
        holder.start()
        assert held.wait(5)
        try:
            await pilot.press(*"751234567800001", "enter")  # this scan's write waits for the lock
            await pilot.press(*"751234567800002")  # and the next label is typed meanwhile
            await pilot.pause()
            scan = app.screen.query_one("#scan", ScanInput)
            assert scan.value == "751234567800002"
            assert not released.is_set(), "the keys were handled only after the lock was released"
            assert Parcel.select().count() == 0  # the first scan is still waiting, not lost
        finally:
            let_go.set()
            await asyncio.to_thread(holder.join)
        await settle(app, pilot)
        assert Parcel.select().count() == 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert {p.tracking_no for p in Parcel.select()} == {"751234567800001", "751234567800002"}
