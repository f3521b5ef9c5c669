"""Benchmarks at village-county scale. Each prints a ratio against a baseline measured in the
same run on the same machine, and all results go to benchmarks/results.json.

    python benchmarks/run.py [--parcels 1000000] [--month-rows 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
DAY = dt.datetime(2026, 11, 23, 9, 0)
NO_STATION = {"receipt"}  # benchmarks that need no station database (`--only receipt` builds none)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def checked_in_at(n: int, month_rows: int) -> dt.datetime:
    """The newest `month_rows` parcels fall in November 2026 (19 s apart), older ones a minute apart."""
    if n < month_rows:
        return DAY - dt.timedelta(seconds=19 * n)
    return DAY - dt.timedelta(seconds=19 * month_rows, minutes=n - month_rows)


def build_station(home: Path, parcels: int, month_rows: int) -> None:
    """A station database with `parcels` parcels, written in bulk (a benchmark helper)."""
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    db = open_database(config.db_path)
    services = build_services(db, config, FixedClock(DAY))
    services.operators.set_up_station(station_name="bench", station_code="B001", partner_name="p", pin="123456")
    db.close()
    raw = sqlite3.connect(config.db_path)
    raw.execute("PRAGMA journal_mode=wal")
    rng = random.Random(1)
    live_every = 200  # one parcel in 200 is still on a shelf; the rest are history
    rows = []
    for n in range(parcels):
        live = n % live_every == 0
        shelf, seq = (n // live_every) % 8 + 1, (n // (live_every * 8)) % 9999 + 1  # ~625 live per shelf
        tracking = f"SF{n:013d}"
        rows.append(
            (
                tracking,
                tracking[-4:],
                tracking,
                "SF",
                "",
                "",
                f"{rng.randrange(10000):04d}",
                shelf,
                1,
                seq,
                f"{shelf}-1-{seq:04d}",
                "in" if live else "picked_up",
                checked_in_at(n, month_rows).isoformat(sep=" "),
                1,
            )
        )
        if len(rows) == 50_000:
            insert(raw, rows)
            rows = []
    insert(raw, rows)
    raw.close()


def insert(raw: sqlite3.Connection, rows: list) -> None:
    with raw:
        raw.executemany(
            "INSERT OR IGNORE INTO parcel (tracking_no, tracking_tail, raw_scan, carrier, recipient_name, "
            "recipient_phone, phone_tail, shelf, layer, seq, pickup_code, status, checked_in_at, checked_in_by_id, "
            "carrier_overridden, consent, verified_by, collected_by, override_reason, return_batch, damaged, "
            "damage_note, photo_path, notify_channel) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,NULL,'','','','',0,'','','')",
            rows,
        )


def bench_lookup(home: Path, samples: int = 3000) -> dict:
    """The service's look-up vs the same statement on a bare sqlite3 connection.

    `simple_raw_median_ms` is the plainest indexed read (the one parcel with that code or
    tail), for scale: the service also brings the person's other waiting parcels.
    """
    from station.config import load_config
    from station.db import parcel_queries
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    raw = sqlite3.connect(config.db_path)
    codes = [r[0] for r in raw.execute("SELECT pickup_code FROM parcel WHERE status='in' LIMIT 500")]
    tails = [r[0] for r in raw.execute("SELECT phone_tail FROM parcel WHERE status='in' LIMIT 500")]
    services = build_services(open_database(config.db_path), config, FixedClock(DAY))
    out = {}
    for name, keys, sql, simple in (
        (
            "code",
            codes,
            parcel_queries.BY_CODE,
            "SELECT * FROM parcel WHERE pickup_code=? AND status IN ('in','notified')",
        ),
        (
            "phone_tail",
            tails,
            parcel_queries.BY_TAIL,
            "SELECT * FROM parcel WHERE phone_tail=? AND status IN ('in','notified')",
        ),
    ):
        app_times, raw_times, simple_times = [], [], []
        for i in range(samples):
            key = keys[i % len(keys)]
            start = time.perf_counter()
            services.pickup.find_waiting(key)
            app_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            raw.execute(sql, (key,) * sql.count("?")).fetchall()
            raw_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            raw.execute(simple, (key,)).fetchall()
            simple_times.append(time.perf_counter() - start)
        out[name] = {
            "app_median_ms": statistics.median(app_times) * 1000,
            "app_p99_ms": percentile(app_times, 0.99) * 1000,
            "raw_median_ms": statistics.median(raw_times) * 1000,
            "simple_raw_median_ms": statistics.median(simple_times) * 1000,
            "ratio": statistics.median(app_times) / statistics.median(raw_times),
        }
    raw.close()
    return out


def bench_check_in(home: Path, rounds: int = 6, per_round: int = 100) -> dict:
    """Rounds of service check-ins and raw inserts, alternated so both see the same disk."""
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import SystemClock
    from station.services.common import OperatorInfo
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    services = build_services(open_database(config.db_path), config, SystemClock())
    me = OperatorInfo(1, "p", "partner")
    batch = services.parcels.start_batch(me, shelf=2, layer=2)
    rng = random.Random(2)
    raw = sqlite3.connect(home / "raw.sqlite3", isolation_level=None)
    raw.execute("PRAGMA journal_mode=wal")
    raw.execute("PRAGMA synchronous=full")
    raw.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, tracking_no TEXT, code TEXT)")
    raw.execute("CREATE INDEX p_t ON p (tracking_no)")
    app_rates, raw_rates = [], []
    for _ in range(rounds):
        waybills = [f"YT{rng.randrange(10**13):013d}" for _ in range(per_round)]  # tails collide as in life
        start = time.perf_counter()
        for waybill in waybills:
            services.parcels.check_in(me, waybill, batch_id=batch.id)
        app_rates.append(per_round / (time.perf_counter() - start))
        start = time.perf_counter()
        for n, waybill in enumerate(waybills):
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO p (tracking_no, code) VALUES (?, ?)", (waybill, f"2-2-{n:04d}"))
            raw.execute("COMMIT")
        raw_rates.append(per_round / (time.perf_counter() - start))
    raw.close()
    app, baseline = statistics.median(app_rates), statistics.median(raw_rates)
    return {"app_per_s": app, "raw_per_s": baseline, "ratio": app / baseline}


MINIMAL_APP = """
from textual.app import App
from textual.widgets import Label
class A(App):
    def compose(self):
        yield Label("x")
"""
# The same widgets the log-in screen shows (a form with a select, a PIN input, a footer of
# F-key bindings) with none of the station behind them: what Textual itself costs.
SAME_WIDGETS_APP = """
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Label, Select
class A(App):
    BINDINGS = [(f"f{n}", "bell", f"Area {n}") for n in range(1, 10)]
    def compose(self):
        with VerticalScroll():
            yield Label("Log in")
            yield Select([("Wang", 1)], value=1)
            yield Input(password=True)
        yield Footer()
"""


def bench_cold_start(home: Path, runs: int = 7) -> dict:
    """Process start to the first usable screen (log-in, first operator chosen, PIN focused)."""
    app_code = (
        "from station.config import load_config\nfrom station.app import make_app\n"
        f"def build():\n    return make_app(load_config({{'STATION_HOME': {str(home)!r}}}))\n"
    )
    template = (
        "import time,asyncio; t=time.perf_counter()\n{code}\n"
        "async def main():\n    async with build().run_test() as pilot:\n        await pilot.pause()\n"
        "    print(time.perf_counter()-t)\nasyncio.run(main())"
    )
    programs = {
        "app": app_code,
        "same_widgets": SAME_WIDGETS_APP + "build = A\n",
        "minimal": MINIMAL_APP + "build = A\n",
    }
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(runs):  # interleaved, so a busy moment hits all three alike
        for name, code in programs.items():
            out = subprocess.run(
                [sys.executable, "-c", template.format(code=code)], capture_output=True, text=True, check=True
            ).stdout
            times[name].append(float(out.split()[-1]))
    app, same, minimal = (statistics.median(times[name]) for name in ("app", "same_widgets", "minimal"))
    return {
        "app_s": app,
        "same_widgets_textual_s": same,
        "hello_world_textual_s": minimal,
        "ratio": app / same,
        "ratio_vs_hello_world": app / minimal,
    }


def bench_export(home: Path, rounds: int = 3) -> dict:
    """The export of the month against the restated baseline (`export_parts`), in `rounds`
    rounds side by side; the medians are compared. The first export (the month read cold, the
    code's first use) is kept apart: `first_app_s`."""
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.common import OperatorInfo
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    services = build_services(open_database(config.db_path), config, FixedClock(DAY))
    timings = []
    for n in range(rounds + 1):
        out = home / f"export-{n}"
        start = time.perf_counter()
        result = services.exports.export(OperatorInfo(1, "p", "partner"), "2026-11", out)
        app = time.perf_counter() - start
        python_baseline, parts = export_parts(services, out)
        timings.append({"app_s": app, "python_csv_and_xlsx_s": python_baseline, "parts_s": parts})
    first, rounds_kept = timings[0], timings[1:]
    start = time.perf_counter()
    subprocess.run(
        ["sqlite3", "-csv", str(config.db_path), "SELECT * FROM parcel WHERE checked_in_at >= '2026-11-01'"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    baseline = time.perf_counter() - start
    app = statistics.median(r["app_s"] for r in rounds_kept)
    python_baseline = statistics.median(r["python_csv_and_xlsx_s"] for r in rounds_kept)
    return {
        "rows": sum(result.rows.values()),
        "rounds": rounds_kept,
        "first_app_s": first["app_s"],
        "app_s": app,
        "sqlite3_csv_s": baseline,
        "ratio_vs_sqlite3": app / baseline,
        "python_csv_and_xlsx_s": python_baseline,
        "ratio": app / python_baseline,
        "ratio_first": first["app_s"] / first["python_csv_and_xlsx_s"],
        "parts_s": {k: statistics.median(r["parts_s"][k] for r in rounds_kept) for k in first["parts_s"]},
    }


def export_parts(services, out: Path) -> tuple[float, dict]:
    """Where the export's time goes, and the restated baseline: the same rows (read back from
    the export's CSVs) written by Python's csv module plus the project's XLSX writer."""
    import csv
    import hashlib

    from station.domain.periods import parse_month
    from station.services.export_tables import TABLES, Privacy
    from station.services.signing import ensure_key
    from station.services.xlsx_stream import XlsxStream

    period, privacy = parse_month("2026-11"), Privacy(True)
    rows = {}
    for table in TABLES:
        with (out / f"{table.name}.csv").open(encoding="utf-8-sig", newline="") as handle:
            rows[table.name] = list(csv.reader(handle))
    start = time.perf_counter()
    with services.db.atomic():
        for table in TABLES:
            for _ in table.values(period, privacy):
                pass
    query_s = time.perf_counter() - start
    scratch = out.parent / f"baseline-{out.name}"
    scratch.mkdir()
    start = time.perf_counter()
    for table in TABLES:
        with (scratch / f"{table.name}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(rows[table.name])
    csv_s = time.perf_counter() - start
    start = time.perf_counter()
    with XlsxStream(scratch / "station.xlsx") as book:
        for table in TABLES:
            book.add_sheet(table.name, rows[table.name][0], table.kinds, iter(rows[table.name][1:]))
    xlsx_s = time.perf_counter() - start
    start = time.perf_counter()
    for path in scratch.iterdir():
        hashlib.sha256(path.read_bytes()).hexdigest()
    hash_s = time.perf_counter() - start
    start = time.perf_counter()
    key = ensure_key(services.exports.key_dir)
    key.sign((out / "manifest.json").read_bytes())
    sign_s = time.perf_counter() - start
    parts = {
        "query_and_mask_s": query_s,
        "csv_write_s": csv_s,
        "xlsx_write_s": xlsx_s,
        "sha256_s": hash_s,
        "sign_s": sign_s,
    }
    return csv_s + xlsx_s, parts


def bench_rss(home: Path) -> dict:
    code = (
        "import asyncio,resource\nfrom station.config import load_config\nfrom station.app import make_app\n"
        "async def main():\n"
        f"    app = make_app(load_config({{'STATION_HOME': {str(home)!r}}}))\n"
        "    async with app.run_test() as pilot:\n        await pilot.pause()\n"
        "        app.services.pickup.find_waiting('1-1-0001'); app.services.dashboard.tiles()\n"
        "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\nasyncio.run(main())"
    )
    kb = int(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()[-1]
    )
    return {"peak_rss_mb": kb / 1024, "goal_mb": 150}


def main() -> None:
    from counter import bench_counter  # benchmarks/counter.py, next to this script
    from receipt import bench_receipt  # benchmarks/receipt.py

    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--month-rows", type=int, default=100_000, help="parcels checked in during the exported month")
    parser.add_argument("--only", help="these benchmarks only (comma-separated names); the others stay as saved")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    results = {
        "machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()} "
        f"sqlite {sqlite3.sqlite_version}, {os.cpu_count()} cores",
        "parcels": args.parcels,
        "load_average_start": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "station"
        if only is None or only - NO_STATION:
            started = time.perf_counter()
            build_station(home, args.parcels, min(args.month_rows, args.parcels))
            results["build_s"] = time.perf_counter() - started
        for name, bench in (
            ("lookup", lambda: bench_lookup(home)),
            ("check_in", lambda: bench_check_in(home)),
            ("cold_start", lambda: bench_cold_start(home)),
            ("export", lambda: bench_export(home)),
            ("peak_rss", lambda: bench_rss(home)),
            ("receipt", bench_receipt),
            ("counter", lambda: bench_counter(home)),
        ):
            if only is not None and name not in only:
                continue
            results[name] = bench()
            print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
    path = HERE / "results.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if only is not None:  # the rest as last measured
        results = {**saved, **results}
    if "county" in saved:  # written by benchmarks/county.py
        results["county"] = saved["county"]
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
