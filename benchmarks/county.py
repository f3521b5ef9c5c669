"""The county section of `make bench`: N station exports verified and loaded, each against a
baseline measured in the same run on the same files.

    python benchmarks/county.py [--stations 100] [--rows 10000] [--jobs N] [--rounds 3]

verify  vs  `sha256sum` of every file + a csv-module read of every CSV
load    vs  psql `\\copy` of the same CSVs into a throwaway PostgreSQL 15 (unix socket, temp dir)
report  `county report` on the loaded county (goal < 1 s)

Each is timed in `--rounds` rounds, baseline and load side by side in each round, and the
medians are compared: on a shared machine one slow moment moves a median little.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
PG_BIN = Path("/usr/lib/postgresql/15/bin")
DAY = dt.datetime(2026, 11, 23, 9, 0)


LEDGER_SHARE = 5  # one row in five of an export is a ledger line: money, so it loads through staging


def post_cash_sales(home: Path, lines: int) -> None:
    """`lines` ledger lines (two per posting) through the real ledger service, so their hash
    chain is the station's own: a money table in every export, as a real month has."""
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.ledger import Line
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": str(home)})
    db = open_database(config.db_path)
    ledger = build_services(db, config, FixedClock(DAY)).ledger
    with db.atomic():
        for n in range(lines // 2):
            fen = 100 + n % 9_900
            ledger.post(
                "counter.adjust", f"sale-{n}", [Line("cash", fen, "cash"), Line("income:other", -fen)], operator_id=1
            )
    db.close()


def generate(root: Path, stations: int, rows: int) -> list[Path]:
    """`stations` exports of November 2026 with `rows` rows each, made by the real export:
    parcels, and one row in `LEDGER_SHARE` a ledger line.

    One station database is built in bulk; each station is a copy of it with its own code.
    """
    from run import build_station

    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import FixedClock
    from station.services.common import OperatorInfo
    from station.services.registry import build_services
    from station.services.signing import load_key

    partner = OperatorInfo(1, "p", "partner")  # the template station's partner
    template = root / "template"
    ledger_lines = rows // LEDGER_SHARE // 2 * 2
    build_station(template, rows - ledger_lines, rows - ledger_lines)
    post_cash_sales(template, ledger_lines)
    dirs = []
    for n in range(stations):
        home = root / f"station-{n:04d}"
        home.mkdir()
        shutil.copy(template / "station.sqlite3", home / "station.sqlite3")
        with contextlib.closing(sqlite3.connect(home / "station.sqlite3")) as raw, raw:
            raw.execute("UPDATE station SET code = ?, name = ?", (f"S{n:04d}", f"站{n:04d}"))
        config = load_config({"STATION_HOME": str(home)})
        db = open_database(config.db_path)
        out = root / "exports" / f"S{n:04d}"
        build_services(db, config, FixedClock(DAY)).exports.export(partner, "2026-11", out)
        db.close()
        (home / "station.sqlite3").unlink()
        (out.parent / f"{out.name}.key").write_text(load_key(config.data_dir).public_b64, encoding="utf-8")
        dirs.append(out)
    return dirs


def enrol_all(url: str, dirs: list[Path]) -> None:
    """The county enrols each station's public key (kept beside its export by `generate`)."""
    from station.services.county import connect_county, enrol

    db = connect_county(url)
    for d in dirs:
        enrol(db, d.name, (d.parent / f"{d.name}.key").read_text(encoding="utf-8"), DAY)
    db.close()


def files_of(dirs: list[Path]) -> list[Path]:
    return sorted(path for d in dirs for path in d.iterdir() if path.is_file())


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def csv_read(paths: list[Path]) -> int:
    rows = 0
    for path in paths:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for _ in csv.reader(handle):
                rows += 1
    return rows


def peak_rss_mb(code: str) -> float:
    """Run `code` in a fresh interpreter and return its peak RSS."""
    script = f"{code}\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    return int(out.split()[-1]) / 1024


def median_of(rounds: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def bench_verify(dirs: list[Path], jobs: int, rounds: int) -> dict:
    """`rounds` rounds, each: the baseline, then verify in one process, then in `jobs`; the
    medians are compared (one slow moment of a shared machine moves a median little)."""
    from station.services.county_bulk import verify_many
    from station.services.export_verify import verify

    files = files_of(dirs)
    csvs = [f for f in files if f.suffix == ".csv"]
    timings = []
    for _ in range(rounds):
        sha_s, _ = timed(lambda: subprocess.run(["sha256sum", *map(str, files)], stdout=subprocess.DEVNULL, check=True))
        csv_s, rows = timed(lambda: csv_read(csvs))
        one_s, problems = timed(lambda: [p for d in dirs for p in verify(d)])
        assert not problems, problems
        many_s, results = timed(lambda: verify_many(dirs, jobs))
        assert not any(results.values())
        timings.append(
            {"sha256sum_s": sha_s, "csv_read_s": csv_s, "baseline_s": sha_s + csv_s, "one_s": one_s, "many_s": many_s}
        )
    baseline, one, many = (median_of(timings, k) for k in ("baseline_s", "one_s", "many_s"))
    data_rows = rows - len(csvs)
    return {
        "rows": data_rows,
        "bytes": sum(f.stat().st_size for f in files),
        "rounds": timings,
        "sha256sum_s": median_of(timings, "sha256sum_s"),
        "csv_read_s": median_of(timings, "csv_read_s"),
        "baseline_s": baseline,
        "verify_one_process_s": one,
        "verify_jobs": jobs,
        "verify_jobs_s": many,
        "rows_per_s": data_rows / many,
        "ratio": many / baseline,
        "ratio_one_process": one / baseline,
        "peak_rss_mb_one_station": peak_rss_mb(
            "from pathlib import Path; from station.services.export_verify import verify\n"
            f"assert not verify(Path({str(dirs[0])!r}))"
        ),
        "peak_rss_mb_all": peak_rss_mb(
            "from pathlib import Path; from station.services.export_verify import verify\n"
            f"for d in {[str(d) for d in dirs]!r}: assert not verify(Path(d))"
        ),
    }


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[tuple[str, list[str]]]:
    """A PostgreSQL 15 on a unix socket in a temp dir: (url, psql command prefix)."""
    root = Path(tempfile.mkdtemp(prefix="station-bench-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")

    def run(*cmd: str) -> None:
        subprocess.run([*as_postgres, *cmd], check=True, capture_output=True, timeout=120)

    run(str(PG_BIN / "initdb"), "-D", str(root / "data"), "-A", "trust", "-U", "station")
    options = f"-k {root} -c listen_addresses='' -c fsync=on -c shared_buffers=128MB"
    run(str(PG_BIN / "pg_ctl"), "-D", str(root / "data"), "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        run(str(PG_BIN / "createdb"), "-h", str(root), "-U", "station", "county")
        psql = [str(PG_BIN / "psql"), "-h", str(root), "-U", "station", "-d", "county", "-q", "-v", "ON_ERROR_STOP=1"]
        yield f"postgresql://station@/county?host={root}", psql
    finally:
        run(str(PG_BIN / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def raw_copy_script(dirs: list[Path]) -> str:
    """psql: one all-text table per export table, then `\\copy` of every CSV into it."""
    from station.services.export_tables import TABLES

    lines = []
    for table in TABLES:
        columns = ", ".join(f'"{c.name}" text' for c in table.columns)
        lines.append(f"CREATE TABLE raw_{table.name} ({columns});")
    for d in dirs:
        for table in TABLES:
            lines.append(f"\\copy raw_{table.name} FROM '{d / (table.name + '.csv')}' WITH (FORMAT csv, HEADER true)")
    return "\n".join(lines) + "\n"


def load_phase(url: str, dirs: list[Path], checked: dict, jobs: int = 1) -> tuple[float, float]:
    """The load alone (each export in its own transaction, its verification already done:
    `checked`), as `county load` runs it after its parallel verify, in `jobs` processes at
    once; then `county report`."""
    from station.services.county import connect_county, report
    from station.services.county_batch import load_folders
    from station.services.county_schema import create_row_tables

    enrol_all(url, dirs)
    db = connect_county(url)
    create_row_tables(db)
    load_s, outcomes = timed(lambda: load_folders(db, dirs, DAY, checked=checked, jobs=jobs, url=url))
    assert all(o.status == "loaded" for o in outcomes), outcomes[:3]
    report_s, _ = timed(lambda: report("2026-11"))
    db.close()
    return load_s, report_s


def bench_load(dirs: list[Path], root: Path, rows: int, jobs: int, rounds: int) -> dict:
    """`county load`'s two phases timed apart on a fresh county: the parallel verify of every
    folder against its enrolled key, then the load; the load against psql `\\copy`. On
    PostgreSQL, `rounds` rounds, each into fresh databases: `\\copy`, the load in one
    connection, the load in `jobs`; the medians are compared."""
    from station.services.county_bulk import verify_many

    keys = {d: (d.parent / f"{d.name}.key").read_text(encoding="utf-8") for d in dirs}
    verify_s, checked = timed(lambda: verify_many(dirs, jobs, keys))
    assert not any(checked.values())
    out: dict = {"rows": rows, "verify_s": verify_s}
    if (PG_BIN / "initdb").exists():
        with throwaway_postgres() as (url, psql):
            script = root / "raw_copy.sql"
            script.write_text(raw_copy_script(dirs), encoding="utf-8")
            timings = []
            for n in range(rounds):
                copy_db, one_db, jobs_db = (f"{kind}_{n}" for kind in ("copy", "one", "jobs"))
                for name in (copy_db, one_db, jobs_db):
                    subprocess.run([*psql, "-c", f"CREATE DATABASE {name}"], check=True)
                in_copy_db = [copy_db if part == "county" else part for part in psql]
                copy_s, _ = timed(lambda cmd=in_copy_db: subprocess.run([*cmd, "-f", str(script)], check=True))
                load_s, report_s = load_phase(url.replace("/county?", f"/{one_db}?"), dirs, checked)
                jobs_s, _ = load_phase(url.replace("/county?", f"/{jobs_db}?"), dirs, checked, jobs)
                timings.append({"raw_copy_s": copy_s, "load_s": load_s, "load_jobs_s": jobs_s, "report_s": report_s})
                for name in (copy_db, one_db, jobs_db):  # the disk of a big run holds one round at a time
                    subprocess.run([*psql, "-c", f"DROP DATABASE {name}"], check=True)
            copy_s, load_s, jobs_s = (median_of(timings, k) for k in ("raw_copy_s", "load_s", "load_jobs_s"))
            out["postgresql"] = {
                "rounds": timings,
                "raw_copy_s": copy_s,
                "load_s": load_s,
                "county_load_s": verify_s + load_s,
                "rows_per_s": rows / load_s,
                "raw_copy_rows_per_s": rows / copy_s,
                "ratio": load_s / copy_s,
                "load_jobs": jobs,
                "load_jobs_s": jobs_s,
                "county_load_jobs_s": verify_s + jobs_s,
                "ratio_jobs": jobs_s / copy_s,
                "report_s": median_of(timings, "report_s"),
            }
    else:
        out["postgresql"] = "skipped: no PostgreSQL 15 binaries"
    load_s, report_s = load_phase(str(root / "county.db"), dirs, checked)
    rss_db = str(root / "rss.db")
    enrol_all(rss_db, dirs)
    out["sqlite"] = {
        "load_s": load_s,
        "county_load_s": verify_s + load_s,
        "rows_per_s": rows / load_s,
        "report_s": report_s,
        "peak_rss_mb_load": peak_rss_mb(
            "import datetime as dt; from pathlib import Path; from station.services.county_batch import load_many\n"
            f"load_many({rss_db!r}, [Path(d) for d in {[str(d) for d in dirs]!r}], "
            "dt.datetime(2026, 11, 23), jobs=1)"
        ),
    }
    return out


def run_county(stations: int, rows: int, jobs: int, rounds: int) -> dict:
    results: dict = {
        "stations": stations,
        "rows_per_station": rows,
        "jobs": jobs,
        "rounds": rounds,
        "load_average_start": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="station-county-") as tmp:
        root = Path(tmp)
        os.chmod(root, 0o755)
        gen_s, dirs = timed(lambda: generate(root, stations, rows))
        results["generate_s"] = gen_s
        print("county generate", f"{gen_s:.1f} s", flush=True)
        results["verify"] = bench_verify(dirs, jobs, rounds)
        print("county verify", json.dumps(results["verify"]), flush=True)
        results["load"] = bench_load(dirs, root, results["verify"]["rows"], jobs, rounds)
        print("county load", json.dumps(results["load"]), flush=True)
    results["load_average_end"] = os.getloadavg()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=100)
    parser.add_argument(
        "--rows", type=int, default=10_000, help="rows per station export (parcels, and one in five a ledger line)"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds; the medians are compared")
    args = parser.parse_args()
    results = run_county(args.stations, args.rows, args.jobs, args.rounds)
    path = HERE / "results.json"
    saved = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    saved["county"] = results
    path.write_text(json.dumps(saved, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
