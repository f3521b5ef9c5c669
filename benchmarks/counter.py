"""Counter latency: a scan typed into the real app until its row with the pickup code is on
screen, against a bare Textual app (one Input, one DataTable) doing the same in the same run;
and what a worker thread's database connection costs per scan (closed after each call, or
kept by the pool thread).

Both apps run headless (Textual's test driver) at the same size: a thread posts the
characters and Enter at a scanner's pace (KEY_GAP_S apart, as a terminal driver's input
thread does), then the clock runs until the first screen update painted with the row and
its pickup code in the table's view; "scan" is from the first character, "after_enter" from
Enter (the app's own work). Both apps move the cursor to the new row, so it stays in view.
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
SCAN_GAP_S = 0.1  # the next parcel under the scanner: a person takes longer than this


def type_scan(app, tracking: str, started: float) -> tuple[float, float]:
    """A scanner on a terminal: the keys arrive on the terminal driver's input thread on the
    scanner's clock, whatever the app's event loop is doing (Textual's driver posts them from
    its thread the same way)."""
    from textual import events

    keys = [(char, char) for char in tracking] + [("enter", "\r")]
    posted = []
    for index, (key, char) in enumerate(keys):
        delay = started + index * KEY_GAP_S - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        posted.append(time.perf_counter())
        app.post_message(events.Key(key, char))
    return posted[0], posted[-1]  # the first key and Enter


def row_in_view(table, tracking: str, code_column: int) -> bool:
    """The row is in the table with its pickup code, inside the table's visible window."""
    for index, row_key in enumerate(table.rows):
        row = table.get_row(row_key)
        if tracking in row and row[code_column]:
            return table.window_region.overlaps(table._get_row_region(index))
    return False


async def time_scans(app, table, scans: list[str], code_column: int) -> dict[str, list[float]]:
    """Each code typed at scanner speed, then Enter; the clock runs until the first screen update
    painted with its row (pickup code included) in the table's visible window: "scan" from the
    first key, "after_enter" from Enter (the app's own work, the typing excluded).

    The screen update is the app's `_display` call right after the compositor rendered the frame
    (in a terminal it writes that frame); a run_test app is headless, so neither app spends the
    ANSI encoding and the write of a real terminal."""
    waiting: dict = {}
    display = app._display

    def display_and_check(screen, update) -> None:
        display(screen, update)
        if update is not None and "tracking" in waiting and "shown" not in waiting:
            if row_in_view(table, waiting["tracking"], code_column):
                waiting["shown"] = time.perf_counter()

    app._display = display_and_check
    scan_ms, enter_ms = [], []
    try:
        for tracking in scans:
            await asyncio.sleep(SCAN_GAP_S)
            waiting.clear()
            waiting["tracking"] = tracking
            started, entered = await asyncio.to_thread(type_scan, app, tracking, time.perf_counter())
            deadline = time.perf_counter() + 30
            while "shown" not in waiting:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"no row for {tracking} on screen")
                await asyncio.sleep(0.001)
            scan_ms.append((waiting["shown"] - started) * 1000)
            enter_ms.append((waiting["shown"] - entered) * 1000)
    finally:
        del app._display
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
            table: DataTable[str] = DataTable(id="rows", cursor_type="row")
            table.add_columns("code", "tracking")
            yield table

        def on_input_submitted(self, event: Input.Submitted) -> None:
            table = self.query_one(DataTable)
            table.add_row(f"3-2-{table.row_count + 1:04d}", event.value)
            table.move_cursor(row=table.row_count - 1)  # the newest row in view, as the counter shows it
            event.input.value = ""

    app = Bare()
    async with app.run_test(size=(130, 45)) as pilot:
        await pilot.pause()
        return await time_scans(app, app.query_one(DataTable), scans, code_column=0)


def bench_counter(home: Path, scans: int = 40, rounds: int = 3) -> dict:
    """`rounds` runs of each app back to back (app, bare, app, bare, ...), `scans` scans each:
    the pooled percentiles, and each round's p90 ratio for the spread."""
    numbers = [f"SF90000000{n:05d}" for n in range(scans)]
    app: dict[str, list[float]] = {"scan": [], "after_enter": []}
    bare: dict[str, list[float]] = {"scan": [], "after_enter": []}
    round_ratios: dict[str, list[float]] = {"scan": [], "after_enter": []}
    for index in range(rounds):
        app_round = asyncio.run(station_scans(home.parent / f"counter{index}", numbers))
        bare_round = asyncio.run(bare_scans(numbers))
        for part in app:
            app[part] += app_round[part]
            bare[part] += bare_round[part]
            round_ratios[part].append(percentile(app_round[part], 0.9) / percentile(bare_round[part], 0.9))
    result: dict = {"scans": scans * rounds, "rounds": rounds, "key_gap_ms": KEY_GAP_S * 1000}
    for part in ("scan", "after_enter"):
        prefix = "" if part == "scan" else "after_enter_"
        result[f"{prefix}app_p90_ms"] = percentile(app[part], 0.9)
        result[f"{prefix}app_median_ms"] = statistics.median(app[part])
        result[f"{prefix}bare_textual_p90_ms"] = percentile(bare[part], 0.9)
        result[f"{prefix}bare_textual_median_ms"] = statistics.median(bare[part])
        result[f"{prefix}ratio"] = percentile(app[part], 0.9) / percentile(bare[part], 0.9)
        result[f"{prefix}round_ratios"] = round_ratios[part]
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
        args = [int(arg) for arg in sys.argv[1:3]]  # scans per round, rounds
        print(json.dumps(bench_counter(Path(tmp) / "station", *args), indent=2))
