"""Fixtures the county tests share: one throwaway PostgreSQL per worker, station exports built once."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import built_once_per_run

PG_BIN = Path("/usr/lib/postgresql/15/bin")
EXPORTED = (("A01", 5000, 1), ("A02", 6000, 2), ("A03", 5150, 3))  # code, billed fen, orders


@pytest.fixture(scope="session")
def _postgres_cluster():
    """One PostgreSQL 15 cluster for this worker's whole run (initdb + start cost ~2 s each time).

    A test cluster only: no fsync, no full-page writes, no synchronous commit - nothing in it
    has to survive a crash of the machine. Each test gets its own database (`postgres` below)."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 binaries are not installed here")
    # Not under pytest's tmp_path: root's private temp dirs are closed to the postgres user.
    root = Path(tempfile.mkdtemp(prefix="station-pg-"))
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")

    def run(*cmd):
        return subprocess.run([*as_postgres, *cmd], check=True, capture_output=True, timeout=120)

    data = str(root / "data")
    run(str(PG_BIN / "initdb"), "--no-sync", "-D", data, "-A", "trust", "-U", "station")
    options = f"-k {root} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    run(str(PG_BIN / "pg_ctl"), "-D", data, "-o", options, "-l", str(root / "log"), "-w", "start")
    try:
        yield root
    finally:
        run(str(PG_BIN / "pg_ctl"), "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


_database_numbers = itertools.count(1)


@pytest.fixture
def postgres(_postgres_cluster):
    """The URL of an empty database of its own in this worker's cluster, dropped after the test."""
    import psycopg2

    name = f"t_{next(_database_numbers)}"
    admin = psycopg2.connect(dbname="postgres", user="station", host=str(_postgres_cluster))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        yield f"postgresql://station@/{name}?host={_postgres_cluster}"
        with admin.cursor() as cursor:  # WITH (FORCE): a connection the test left open is ended
            cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        admin.close()


@pytest.fixture
def exports(tmp_path_factory, tmp_path):
    """Three stations that exported November (see `make_station`), as (folders, expected figures).

    Built once per run and copied: a test may change its copy (tamper with a file)."""
    from tests.services.test_county import make_station

    def build(folder: Path) -> None:
        made = [make_station(folder, code, billed, orders) for code, billed, orders in EXPORTED]
        figures = [{**expected, "dir": out.name} for out, expected in made]
        (folder / "expected.json").write_text(json.dumps(figures), encoding="utf-8")

    built = built_once_per_run(tmp_path_factory, "county-exports", build)
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)  # the stations' homes too: some tests re-sign
    figures = json.loads((tmp_path / "expected.json").read_text(encoding="utf-8"))
    return [tmp_path / entry.pop("dir") for entry in figures], figures
