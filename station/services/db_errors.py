"""Database and file failures a person can act on, as StationErrors (disk full, locked, I/O)."""

from __future__ import annotations

import errno
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
    chain = 0
    while current is not None and chain < 8:
        chain += 1
        if isinstance(current, OSError) and not isinstance(current, (sqlite3.Error, peewee.PeeweeException)):
            explained = _os_error(current)
            if explained is not None:
                return explained
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
    if "disk i/o error" in text:
        return DatabaseUnavailable("validation.db_io_error")
    if "malformed" in text or "not a database" in text:
        return DatabaseUnavailable("validation.db_corrupt")
    if "connection to server" in text or "could not connect" in text:  # PostgreSQL (the county's)
        return DatabaseUnavailable("county.db_unreachable")
    if "unable to open" in text:
        return DatabaseUnavailable("validation.db_cannot_open")
    return None


def _os_error(error: OSError) -> StationError | None:
    """A file-system failure (writing an export, a backup, the config) said plainly."""
    path = error.filename or ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DatabaseUnavailable("db.full")
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseUnavailable("validation.not_writable", path=str(path))
    if error.errno == errno.EIO:
        return DatabaseUnavailable("validation.db_io_error")
    if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENOTEMPTY):
        return DatabaseUnavailable("validation.path_problem", path=str(path), detail=error.strerror or "")
    return None
