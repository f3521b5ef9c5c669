"""Open the SQLite file: pragmas, the DatabaseProxy, migrations. Nothing happens at import."""

from __future__ import annotations

from pathlib import Path

from peewee import SqliteDatabase

from station.db import migrations
from station.db.models import database as database_proxy
from station.file_modes import make_private

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "cache_size": -16_000,
}


class OtherDatabaseOpen(RuntimeError):
    """A transaction through a database the models are no longer bound to (see ARCHITECTURE.md,
    "One database per process"): refused, so a write never lands in the other station's file."""


class StationDatabase(SqliteDatabase):
    """The station's SQLite file. The models reach it through one process-wide proxy, so a
    transaction first checks that the proxy still points at this file."""

    def atomic(self, *args, **kwargs):
        bound = database_proxy.obj
        if bound is not None and bound is not self:
            # Another open_database() since: even the same file is another connection, and a
            # transaction here would lock out the models' own writes.
            raise OtherDatabaseOpen(f"the models are bound to {bound.database} (opened again), not this handle")
        return super().atomic(*args, **kwargs)


def connect_sqlite(path: Path | str) -> SqliteDatabase:
    """A peewee SQLite database with the production pragmas; writers take the lock up front."""
    # IMMEDIATE: a transaction takes the write lock when it begins, so two writers queue on
    # busy_timeout instead of one failing when it upgrades a read lock.
    return StationDatabase(str(path), pragmas=PRAGMAS, timeout=10, lock_type="IMMEDIATE")


def open_database(path: Path | str, *, migrate: bool = True) -> SqliteDatabase:
    """Bind the models to the file at `path`, creating and migrating it when needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connect_sqlite(path)
    database_proxy.initialize(db)
    db.connect(reuse_if_open=True)
    if migrate:
        migrations.migrate(db, path)
    for file in (path.parent, path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        make_private(file)  # PIN hashes and villagers' phones: the user's alone
    return db
