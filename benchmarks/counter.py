"""Counter latency: a scan typed into the real app until its row with the pickup code is on
screen, against a bare Textual app (one Input, one DataTable) doing the same in the same run;
and what a worker thread's database connection costs per scan (closed after each call, or
kept by the pool thread).

Both apps run headless (Textual's test driver): the characters and Enter are posted at a
scanner's pace (KEY_GAP_S apart), then the clock runs until the row is in the table; "scan"
is from the first character, "after_enter" from Enter (the app's own work).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DAY = dt.datetime(2026, 11, 23, 9, 0)
PIN = "123456"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def set_up(home: Path):
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    db = open_database(config.db_path)
    services = build_services(db, config, FixedClock(DAY))
    services.operators.set_up_station(station_name="bench", station_code="B001", partner_name="p", pin=PIN)
    db.close()
    return config


KEY_GAP_S = 0.004  # a USB scanner types a code in well under 100 ms: ~4 ms a character


def row_shown(table, tracking: str, code_column: int | None) -> bool:
    for row_key in table.rows:
        row = table.get_row(row_key)
        if tracking in row and (code_column is None or row[code_column]):
            return True
    return False


async def time_scans(app, table, scans: list[str], code_column: int | None) -> dict[str, list[float]]:
    """Each code typed at scanner speed, then Enter; the clock runs until its row (with the
    pickup code) is in the table. Keys are posted to the app like a terminal's input, without
    Pilot's wait for an idle CPU after each key (that wait, not the app, was most of what the
    first version of this benchmark measured: ~2 s a scan even for the bare app)."""
    from textual import events

    scan_ms, enter_ms = [], []
    for tracking in scans:
        started = time.perf_counter()
        for char in tracking:
            app.post_message(events.Key(char, char))
            await asyncio.sleep(KEY_GAP_S)
        app.post_message(events.Key("enter", "\r"))
        entered = time.perf_counter()
        deadline = entered + 30
        while not row_shown(table, tracking, code_column):
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no row for {tracking}")
            await asyncio.sleep(0.001)
        done = time.perf_counter()
        scan_ms.append((done - started) * 1000)
        enter_ms.append((done - entered) * 1000)
    return {"scan": scan_ms, "after_enter": enter_ms}


async def station_scans(home: Path, scans: list[str]) -> dict[str, list[float]]:
    from textual.widgets import DataTable

    from station.app import make_app
    from station.domain.clock import FixedClock
    from station.screens.check_in import CheckInScreen

    config = set_up(home)
    app = make_app(config, clock=FixedClock(DAY))
    async with app.run_test(size=(130, 45)) as pilot:

        async def until(ready) -> None:  # the app's workers answer; a loaded machine is slow
            deadline = time.monotonic() + 60
            while not ready():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"counter benchmark stuck on {app.screen!r}")
                await pilot.pause(0.02)

        await until(lambda: app.focused is not None and app.focused.id == "pin")  # the operators are loaded
        await pilot.press(*PIN, "enter")
        await until(lambda: app.current_mode == "home" and len(app.screen_stack) == 1)
        await pilot.press("f2")
        await until(lambda: app.current_mode == "parcels")
        await pilot.press("ctrl+n")
        await until(lambda: isinstance(app.screen, CheckInScreen))  # asks shelf, layer, courier
        await pilot.pause(0.2)
        await pilot.press("3", "enter", "2", "enter", *"SF", "enter")
        await until(lambda: isinstance(app.screen, CheckInScreen) and not app.screen.query_one("#scan").disabled)
        table = app.screen.query_one("#batch-table", DataTable)
        return await time_scans(app, table, scans, code_column=0)


async def bare_scans(scans: list[str]) -> dict[str, list[float]]:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="scan")
            table = DataTable(id="rows")
            table.add_columns("code", "tracking")
            yield table

        def on_input_submitted(self, event: Input.Submitted) -> None:
            table = self.query_one(DataTable)
            table.add_row(f"3-2-{table.row_count + 1:04d}", event.value)
            event.input.value = ""

    app = Bare()
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.pause()
        return await time_scans(app, app.query_one(DataTable), scans, code_column=0)


def bench_counter(home: Path, scans: int = 60) -> dict:
    numbers = [f"SF90000000{n:05d}" for n in range(scans)]
    app = asyncio.run(station_scans(home.parent / "counter", numbers))
    bare = asyncio.run(bare_scans(numbers))
    result: dict = {"scans": scans, "key_gap_ms": KEY_GAP_S * 1000}
    for part in ("scan", "after_enter"):
        prefix = "" if part == "scan" else "after_enter_"
        result[f"{prefix}app_p90_ms"] = percentile(app[part], 0.9)
        result[f"{prefix}app_median_ms"] = statistics.median(app[part])
        result[f"{prefix}bare_textual_p90_ms"] = percentile(bare[part], 0.9)
        result[f"{prefix}bare_textual_median_ms"] = statistics.median(bare[part])
        result[f"{prefix}ratio"] = percentile(app[part], 0.9) / percentile(bare[part], 0.9)
    result["worker_connection"] = bench_worker_connection(home.parent / "connection")
    return result


def bench_worker_connection(home: Path, scans: int = 400) -> dict:
    """One check-in scan per call on a thread pool (as Textual's thread workers run): the
    connection closed at the end of each call, against one kept open by each pool thread."""
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.registry import build_services

    config = set_up(home)
    db = open_database(config.db_path)
    services = build_services(db, config, FixedClock(DAY))
    operator = services.operators.list_active()[0]
    batch = services.parcels.start_batch(operator, shelf=1, layer=1, carrier="SF")
    db.close()
    results = {}
    serial = iter(range(10**6))

    def scan() -> None:
        services.parcels.check_in(operator, f"SF80000{next(serial):08d}", batch_id=batch.id)

    def closing() -> None:
        with db.connection_context():
            scan()

    for name, call in (("kept_per_thread", scan), ("closed_each_call", closing)) * 2:
        with ThreadPoolExecutor(max_workers=4) as pool:
            timings = []
            for _ in range(scans):
                started = time.perf_counter()
                pool.submit(call).result()
                timings.append((time.perf_counter() - started) * 1000)
        results[f"{name}_median_ms"] = statistics.median(timings)
        results[f"{name}_p90_ms"] = percentile(timings, 0.9)
    return results


if __name__ == "__main__":
    import json
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(bench_counter(Path(tmp) / "station", int(sys.argv[1]) if len(sys.argv) > 1 else 60), indent=2))
