"""The database as a file: consistent copies, fsync, integrity, and who else has it open.

Backup, restore and `station check` work on files that are not (or not yet) the bound
database, so they use plain `sqlite3` connections here, with fixed SQL only.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import sys
from collections.abc import Iterator
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables every station database has had since the first schema.
STATION_TABLES = ("station", "operator", "ledger_entry", "audit_event", "day_close", "print_job")
# SQLite's unix VFS: every connection to a WAL database holds a shared fcntl lock on this byte
# of the -shm file for as long as it is open (the "dead man switch", os_unix.c UNIX_SHM_DMS).
SHM_DMS_BYTE = 128


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (POSIX; Windows has no directory handles to sync)."""
    if sys.platform == "win32":
        return
    fsync_file(path)


def create_private(path: Path) -> None:
    """An empty file only the owner can read: backups hold PIN hashes and station secrets."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def remove_with_journals(path: Path) -> None:
    """Remove a temporary database and its journals; none of them existing is fine."""
    if not path.parent.is_dir():  # e.g. the backup folder is a file: nothing can have been made
        return
    for name in (path.name, path.name + "-journal", path.name + "-wal", path.name + "-shm"):
        path.with_name(name).unlink(missing_ok=True)


@contextlib.contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"file:{path}?mode={'ro' if read_only else 'rw'}"
    connection = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        yield connection
    finally:
        connection.close()


def copy_database(source: Path, target: Path, *, source_read_only: bool = False) -> None:
    """A consistent copy through SQLite's backup API into `target` (safe while others write),
    left in rollback-journal mode so the copy is one self-contained file."""
    with connect(source, read_only=source_read_only) as src, connect(target) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE").fetchone()
        dst.commit()


def integrity_problem(connection: sqlite3.Connection) -> str:
    """'' when PRAGMA integrity_check is happy, else its first complaint."""
    first = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return "" if first == "ok" else str(first)


def table_names(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def schema_version(connection: sqlite3.Connection) -> int:
    return connection.execute("PRAGMA user_version").fetchone()[0]


def station_code(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT code FROM station ORDER BY id LIMIT 1").fetchone()
    return row[0] if row else None


def checkpoint_to_rollback_mode(path: Path) -> None:
    """Fold the WAL into the main file and leave it in rollback mode (no -wal/-shm beside it)."""
    with connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        connection.execute("PRAGMA journal_mode=DELETE").fetchone()


def process_with_database_open(db_path: Path) -> int | None:
    """The id of another process that has the WAL database open, or None (POSIX only).

    Asks the kernel (F_GETLK) who holds SQLite's shared lock on the -shm file. Nothing is
    locked by asking; our own process's locks are never reported, so callers close theirs.
    """
    shm = db_path.with_name(db_path.name + "-shm")
    if sys.platform == "win32" or not shm.exists():
        return None
    import fcntl

    layout = "hhqqi4x" if sys.platform.startswith("linux") else "qqihh"  # struct flock
    fd = os.open(shm, os.O_RDONLY)
    try:
        if layout == "hhqqi4x":
            query = struct.pack(layout, fcntl.F_WRLCK, os.SEEK_SET, SHM_DMS_BYTE, 1, 0)
            kind, _, _, _, pid = struct.unpack(layout, fcntl.fcntl(fd, fcntl.F_GETLK, query))
        else:  # BSD / macOS: start, len, pid, type, whence
            query = struct.pack(layout, SHM_DMS_BYTE, 1, 0, fcntl.F_WRLCK, os.SEEK_SET)
            _, _, pid, kind, _ = struct.unpack(layout, fcntl.fcntl(fd, fcntl.F_GETLK, query))
    finally:
        os.close(fd)  # closing any descriptor drops this process's fcntl locks on the file: see above
    return None if kind == fcntl.F_UNLCK else pid
