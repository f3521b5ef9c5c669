"""`open_database` on a new file (what the first start and most tests pay), against a baseline in
the same run: the migrations as they ran before session 7, each in its own transaction. The two
alternate, so a busy machine slows both alike. Also times a copy of a made database (what the
tests' `fresh_db_template` does instead). Results are merged into benchmarks/results.json
under "new_database".

    python benchmarks/new_database.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def one_transaction_each(path: Path) -> None:
    """The baseline: every migration and its `user_version` committed on its own (13 commits)."""
    from station.db import migrations
    from station.db.database import connect_sqlite
    from station.db.models import database as proxy

    db = connect_sqlite(path)
    proxy.initialize(db)
    db.connect()
    for version, step in enumerate(migrations.MIGRATIONS, 1):
        with db.atomic():
            step(db)
            db.execute_sql(f"PRAGMA user_version = {version}")
    db.close()


def product(path: Path) -> None:
    from station.db.database import open_database

    open_database(path).close()


def copied(path: Path, template: Path) -> None:
    from station.db.database import open_database

    shutil.copyfile(template, path)
    open_database(path).close()


def timed(make, folder: Path) -> float:
    path = Path(tempfile.mkdtemp(dir=folder)) / "station.sqlite3"
    start = time.perf_counter()
    make(path)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        template = folder / "template.sqlite3"
        product(template)
        ways = {
            "per_migration_commits_ms": one_transaction_each,
            "open_database_ms": product,
            "template_copy_ms": lambda path: copied(path, template),
        }
        for make in ways.values():
            timed(make, folder)  # warm: imports, the page cache
        times: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(args.rounds):
            for name, make in ways.items():
                times[name].append(timed(make, folder))
    result = {name: round(statistics.median(values) * 1000, 1) for name, values in times.items()}
    result["rounds"] = args.rounds
    result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    results = HERE / "results.json"
    merged = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    merged["new_database"] = result
    results.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
