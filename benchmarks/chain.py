"""The ledger's self-check at a million entries: the full chain walk (day close, `station
check`), the incremental walk at start, and a checked backup, each against a baseline measured
in the same run. Results are merged into benchmarks/results.json under "ledger_check".

    python benchmarks/chain.py [--entries 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
DAY = dt.datetime(2026, 11, 23, 9, 0)


def build_ledger(home: Path, entries: int) -> Path:
    """A station whose ledger holds `entries` lines with a valid hash chain (bulk-written)."""
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.domain.hashing import GENESIS, chain_hash
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    db = open_database(config.db_path)
    services = build_services(db, config, FixedClock(DAY))
    services.operators.set_up_station(station_name="bench", station_code="B001", partner_name="p", pin="1234")
    db.close()
    raw = sqlite3.connect(config.db_path)
    prev, rows = GENESIS, []
    for n in range(1, entries + 1):
        txn = (n + 1) // 2
        at = (DAY - dt.timedelta(seconds=(entries - n) * 3)).isoformat(sep=" ")
        fields = {
            "id": n,
            "txn": txn,
            "at": at,
            "business_date": at[:10],
            "operator_id": 1,
            "kind": "purchase.payment",
            "ref": f"purchase:{txn}",
            "account": "cash" if n % 2 else "villager:1",
            "amount_fen": 100 if n % 2 else -100,
            "method": "cash" if n % 2 else "",
            "memo": "",
            "reverses_txn": None,
        }
        digest = chain_hash(prev, fields)
        rows.append((*fields.values(), prev, digest))
        prev = digest
        if len(rows) == 50_000:
            _insert(raw, rows)
            rows = []
    _insert(raw, rows)
    raw.close()
    return config.db_path


def _insert(raw: sqlite3.Connection, rows: list) -> None:
    with raw:
        raw.executemany(
            "INSERT INTO ledger_entry (id, txn, at, business_date, operator_id, kind, ref, account, amount_fen,"
            " method, memo, reverses_txn, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )


def timed(call, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.registry import build_services

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        started = time.perf_counter()
        db_path = build_ledger(home, args.entries)
        built = time.perf_counter() - started
        config = load_config({"STATION_HOME": str(home)})
        services = build_services(open_database(config.db_path), config, FixedClock(DAY))

        def baseline() -> None:
            """Read every row and hash it once: the least any full check must do."""
            raw = sqlite3.connect(db_path)
            for row in raw.execute("SELECT prev_hash, hash, memo FROM ledger_entry ORDER BY id"):
                hashlib.sha256((row[0] + row[2]).encode()).hexdigest()
            raw.close()

        base = timed(baseline)
        full = timed(lambda: services.integrity.verify_full(), runs=1)
        assert services.integrity.verify_full().ok
        start = timed(lambda: services.integrity.verify_incremental(), runs=5)
        backup = timed(lambda: services.backup.backup(), runs=1)
        results = {
            "entries": args.entries,
            "built_s": round(built, 1),
            "full_chain_s": round(full, 2),
            "baseline_read_and_hash_s": round(base, 2),
            "full_vs_baseline": round(full / base, 2),
            "incremental_at_start_ms": round(start * 1000, 2),
            "checked_backup_s": round(backup, 2),
        }
    print(json.dumps(results, indent=2))
    out = HERE / "results.json"
    stored = json.loads(out.read_text()) if out.exists() else {}
    stored["ledger_check"] = results
    out.write_text(json.dumps(stored, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
