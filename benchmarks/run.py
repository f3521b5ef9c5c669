"""Benchmarks at village-county scale. Each prints a ratio against a baseline measured in the
same run on the same machine, and all results go to benchmarks/results.json.

    python benchmarks/run.py [--parcels 1000000] [--export-rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
DAY = dt.datetime(2026, 11, 23, 9, 0)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def build_station(home: Path, parcels: int) -> None:
    """A station database with `parcels` parcels, written in bulk (a benchmark helper)."""
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    db = open_database(config.db_path)
    services = build_services(db, config, FixedClock(DAY))
    services.operators.set_up_station(station_name="bench", station_code="B001", partner_name="p", pin="1234")
    db.close()
    raw = sqlite3.connect(config.db_path)
    raw.execute("PRAGMA journal_mode=wal")
    rng = random.Random(1)
    live_every = 200  # one parcel in 200 is still on a shelf; the rest are history
    rows = []
    for n in range(parcels):
        live = n % live_every == 0
        shelf, seq = n % 8 + 1, (n // 8) % 9999 + 1
        tracking = f"SF{n:013d}"
        rows.append((tracking, tracking[-4:], tracking, "SF", "", "", f"{rng.randrange(10000):04d}", shelf, 1, seq,
                     f"{shelf}-1-{seq:04d}", "in" if live else "picked_up",
                     (DAY - dt.timedelta(minutes=n)).isoformat(sep=" "), 1))
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
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,0,NULL,'','','','',0,'','','')", rows)


def bench_lookup(home: Path, samples: int = 2000) -> dict:
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    raw = sqlite3.connect(config.db_path)
    codes = [r[0] for r in raw.execute("SELECT pickup_code FROM parcel WHERE status='in' LIMIT 500")]
    tails = [r[0] for r in raw.execute("SELECT phone_tail FROM parcel WHERE status='in' LIMIT 500")]
    services = build_services(open_database(config.db_path), config, FixedClock(DAY))
    out = {}
    for name, keys, sql in (
        ("code", codes, "SELECT * FROM parcel WHERE pickup_code=? AND status IN ('in','notified')"),
        ("phone_tail", tails, "SELECT * FROM parcel WHERE (phone_tail=? OR tracking_tail=?) AND status IN ('in','notified')"),
    ):
        app_times, raw_times = [], []
        for i in range(samples):
            key = keys[i % len(keys)]
            start = time.perf_counter()
            services.pickup.find_waiting(key)
            app_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            raw.execute(sql, (key,) * sql.count("?")).fetchall()
            raw_times.append(time.perf_counter() - start)
        out[name] = {"app_median_ms": statistics.median(app_times) * 1000, "app_p99_ms": percentile(app_times, 0.99) * 1000,
                     "raw_median_ms": statistics.median(raw_times) * 1000,
                     "ratio": statistics.median(app_times) / statistics.median(raw_times)}
    raw.close()
    return out


def bench_check_in(home: Path, count: int = 400) -> dict:
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import SystemClock
    from station.services.common import OperatorInfo
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    services = build_services(open_database(config.db_path), config, SystemClock())
    me = OperatorInfo(1, "p", "partner")
    batch = services.parcels.start_batch(me, shelf=2, layer=2)
    start = time.perf_counter()
    for n in range(count):
        services.parcels.check_in(me, f"YT{n:013d}", batch_id=batch.id)
    app = count / (time.perf_counter() - start)
    raw = sqlite3.connect(home / "raw.sqlite3", isolation_level=None)
    raw.execute("PRAGMA journal_mode=wal")
    raw.execute("PRAGMA synchronous=full")
    raw.execute("CREATE TABLE p (id INTEGER PRIMARY KEY, tracking_no TEXT, code TEXT)")
    raw.execute("CREATE INDEX p_t ON p (tracking_no)")
    start = time.perf_counter()
    for n in range(count):
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("INSERT INTO p (tracking_no, code) VALUES (?, ?)", (f"YT{n:013d}", f"2-2-{n:04d}"))
        raw.execute("COMMIT")
    baseline = count / (time.perf_counter() - start)
    raw.close()
    return {"app_per_s": app, "raw_per_s": baseline, "ratio": app / baseline}


def bench_cold_start(home: Path) -> dict:
    code_app = ("import time,asyncio,sys; t=time.perf_counter()\n"
                "from station.config import load_config\nfrom station.app import make_app\n"
                "async def main():\n"
                f"    app = make_app(load_config({{'STATION_HOME': {str(home)!r}}}))\n"
                "    async with app.run_test() as pilot:\n        await pilot.pause()\n"
                "    print(time.perf_counter()-t)\nasyncio.run(main())")
    code_min = ("import time,asyncio; t=time.perf_counter()\nfrom textual.app import App\nfrom textual.widgets import Label\n"
                "class A(App):\n    def compose(self):\n        yield Label('x')\n"
                "async def main():\n    async with A().run_test() as pilot:\n        await pilot.pause()\n"
                "    print(time.perf_counter()-t)\nasyncio.run(main())")
    runs = {name: [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                        check=True).stdout.split()[-1]) for _ in range(3)]
            for name, code in (("app", code_app), ("minimal", code_min))}
    app, minimal = statistics.median(runs["app"]), statistics.median(runs["minimal"])
    return {"app_s": app, "minimal_textual_s": minimal, "ratio": app / minimal}


def bench_export(home: Path) -> dict:
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    services = build_services(open_database(config.db_path), config, FixedClock(DAY))
    out = home / "export"
    start = time.perf_counter()
    result = services.exports.export(None, "2026-11", out)
    app = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run(["sqlite3", "-csv", str(config.db_path),
                    "SELECT * FROM parcel WHERE checked_in_at >= '2026-11-01'"], stdout=subprocess.DEVNULL, check=True)
    baseline = time.perf_counter() - start
    return {"rows": sum(result.rows.values()), "app_s": app, "sqlite3_csv_s": baseline, "ratio": app / baseline}


def bench_rss(home: Path) -> dict:
    code = ("import asyncio,resource\nfrom station.config import load_config\nfrom station.app import make_app\n"
            "async def main():\n"
            f"    app = make_app(load_config({{'STATION_HOME': {str(home)!r}}}))\n"
            "    async with app.run_test() as pilot:\n        await pilot.pause()\n"
            "        app.services.pickup.find_waiting('1-1-0001'); app.services.dashboard.tiles()\n"
            "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\nasyncio.run(main())")
    kb = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()[-1])
    return {"peak_rss_mb": kb / 1024, "goal_mb": 150}


def bench_receipt() -> dict:
    from station.i18n.translator import Translator
    from station.printing.escpos import render
    from station.printing.layout import Row
    from station.printing.receipts import ReceiptContext, build_receipt

    t = Translator()
    ctx = ReceiptContext("青山村村淘服务站", "ZJ-0317", "20261123-0001", DAY, "王秀英")
    receipt = build_receipt(t, "pickup", ctx, [Row(f"3-2-{n:04d}", "中通") for n in range(5)], proof="a" * 64)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        render(receipt, columns=32, width_dots=384)
        times.append(time.perf_counter() - start)
    return {"median_ms": statistics.median(times) * 1000, "goal_ms": 10}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=1_000_000)
    args = parser.parse_args()
    results = {"machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}",
               "parcels": args.parcels}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "station"
        started = time.perf_counter()
        build_station(home, args.parcels)
        results["build_s"] = time.perf_counter() - started
        for name, bench in (("lookup", lambda: bench_lookup(home)), ("check_in", lambda: bench_check_in(home)),
                            ("cold_start", lambda: bench_cold_start(home)), ("export", lambda: bench_export(home)),
                            ("peak_rss", lambda: bench_rss(home)), ("receipt", bench_receipt)):
            results[name] = bench()
            print(name, json.dumps(results[name], ensure_ascii=False), flush=True)
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
