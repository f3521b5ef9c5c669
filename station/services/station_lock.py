"""The lock the running counter app holds on its data directory, which restore tests.

`filelock` gives a lock the operating system drops when the process dies (no stale lock
after a power cut); beside it a small JSON file says who holds it, for the refusal message.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from filelock import FileLock, Timeout

from station.db.files import process_with_database_open
from station.domain.errors import StationError

LOCK_NAME = "station.lock"
HOLDER_NAME = "station.lock.json"


class StationInUse(StationError):
    """The station is open in another process: its id and what it is doing."""

    key = "backup.in_use"


class StationLock:
    def __init__(self, data_dir: Path, db_path: Path, purpose: str) -> None:
        self.data_dir = data_dir
        self.db_path = db_path
        self.purpose = purpose
        self._lock = FileLock(data_dir / LOCK_NAME, timeout=0)

    def holder(self) -> dict:
        try:
            return json.loads((self.data_dir / HOLDER_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def acquire(self) -> None:
        """Take the lock now or refuse, naming the process that has it."""
        try:
            self._lock.acquire()
        except Timeout:
            holder = self.holder()
            raise StationInUse(pid=holder.get("pid", "?"), what=holder.get("purpose", "?")) from None
        holder = {"pid": os.getpid(), "purpose": self.purpose, "since": dt.datetime.now().isoformat(sep=" ")}
        (self.data_dir / HOLDER_NAME).write_text(json.dumps(holder), encoding="utf-8")

    def release(self) -> None:
        if self._lock.is_locked:
            (self.data_dir / HOLDER_NAME).unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> StationLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def refuse_if_open_elsewhere(data_dir: Path, db_path: Path) -> None:
    """Refuse when the counter app holds the lock, or any other process (a script, a SQLite
    browser) has the database open. Our own process's connections must be closed first."""
    probe = StationLock(data_dir, db_path, "check")
    probe.acquire()
    probe.release()
    pid = process_with_database_open(db_path)
    if pid is not None:
        raise StationInUse(pid=pid, what="sqlite")
