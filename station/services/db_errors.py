"""Database failures a person can act on, as StationErrors (disk full, locked too long)."""

from __future__ import annotations

import sqlite3

import peewee

from station.domain.errors import StationError


class DatabaseUnavailable(StationError):
    key = "db.unavailable"


def as_station_error(error: BaseException) -> StationError | None:
    """The StationError for a database error the counter can explain, else None.

    SQLite rolls a transaction back itself when the disk is full; peewee's own rollback then
    fails with "no transaction is active", so the cause is looked for down the chain.
    """
    texts = []
    current: BaseException | None = error
    while current is not None and len(texts) < 5:
        if isinstance(
            current, (peewee.OperationalError, sqlite3.OperationalError, peewee.DatabaseError, sqlite3.DatabaseError)
        ):
            texts.append(str(current).lower())
        current = current.__cause__ or current.__context__
    if not texts:
        return None
    text = " ".join(texts)
    if "full" in text:
        return DatabaseUnavailable("db.full")
    if "locked" in text or "busy" in text:
        return DatabaseUnavailable("db.locked")
    if "readonly" in text or "read-only" in text:
        return DatabaseUnavailable("db.readonly")
    return None
