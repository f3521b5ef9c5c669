"""A new database is made in one transaction: killed part-way it is left empty, and the next start
makes it whole; the result is the schema the migrations make one by one on an existing file."""

import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from station.db import migrations
from station.db.database import connect_sqlite, open_database
from station.db.migrations import MIGRATIONS, schema_version
from station.db.models import database as models_database

# Runs the migrations of a new file, and stops for good after migration number argv[2] (0-based).
STOPPED_CREATOR = textwrap.dedent("""
    import sys
    import time
    from station.db import migrations
    from station.db.database import open_database

    stop = int(sys.argv[2])
    step = migrations.MIGRATIONS[stop]

    def step_then_wait(db):
        step(db)
        print("stopped", flush=True)
        time.sleep(120)

    migrations.MIGRATIONS[stop] = step_then_wait
    open_database(sys.argv[1])
""")


def schema(path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    finally:
        connection.close()


def user_version(path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA user_version").fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def made_at_once(tmp_path):
    """The schema of a new database made without interruption."""
    path = tmp_path / "reference" / "station.sqlite3"
    open_database(path).close()
    return schema(path)


@pytest.mark.parametrize("stop", [0, len(MIGRATIONS) // 2, len(MIGRATIONS) - 1])
def test_a_process_killed_while_it_makes_a_new_database_leaves_it_empty_and_the_next_start_makes_it(
    tmp_path, made_at_once, stop
):
    path = tmp_path / "data" / "station.sqlite3"
    script = tmp_path / "creator.py"
    script.write_text(STOPPED_CREATOR)
    process = subprocess.Popen([sys.executable, str(script), str(path), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "stopped"  # migrations 0..stop ran, not committed
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    assert user_version(path) == 0
    assert schema(path) == []  # nothing half-made: the migrations so far went with the process
    db = open_database(path)
    try:
        assert schema_version(db) == len(MIGRATIONS)
        assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()
    assert schema(path) == made_at_once


@pytest.mark.parametrize("start", range(1, len(MIGRATIONS)))
def test_a_new_database_has_the_schema_the_migrations_give_one_by_one(tmp_path, made_at_once, start):
    """A file left at version `start` by an older program is migrated one transaction at a time
    (with its backup first); it ends with the same tables, indexes and triggers as a new one."""
    path = tmp_path / "data" / "station.sqlite3"
    path.parent.mkdir()
    db = connect_sqlite(path)
    models_database.initialize(db)
    for version in range(1, start + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            db.execute_sql(f"PRAGMA user_version = {version}")
    db.close()
    open_database(path).close()
    assert user_version(path) == len(MIGRATIONS)
    assert schema(path) == made_at_once
    assert path.with_name(f"{path.name}.schema{start}.bak").exists()


def test_a_database_another_process_made_meanwhile_is_not_made_again(tmp_path):
    """Two first starts at once: the second waited for the write lock while the first made the
    schema; it must see the version under the lock, not run the migrations over it."""
    path = tmp_path / "station.sqlite3"
    open_database(path).close()
    db = connect_sqlite(path)
    models_database.initialize(db)
    try:
        # as if it had read version 0 before the other process committed
        assert migrations._create_schema(db, len(MIGRATIONS)) == len(MIGRATIONS)
    finally:
        db.close()


def test_the_tests_new_database_template_is_what_open_database_makes(new_database_template, made_at_once, tmp_path):
    """The `services` fixture's copy (tests/conftest.py) stands for a new database: one
    checkpointed file, same schema and version, no rows."""
    assert sorted(path.name for path in new_database_template.parent.iterdir()) == [new_database_template.name]
    copy = tmp_path / "copy.sqlite3"  # looked at in a copy: other xdist workers copy the template meanwhile
    shutil.copyfile(new_database_template, copy)
    assert schema(copy) == made_at_once
    assert user_version(copy) == len(MIGRATIONS)
    connection = sqlite3.connect(copy)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}
        assert len(rows) > 20 and {table: n for table, n in rows.items() if n} == {}
    finally:
        connection.close()
