"""Backups that are checked before they count, and restores that cannot shorten the ledger
silently: refused while the station is open elsewhere, checked beside the live file, swapped
in by rename, and recorded in the restored database with what they removed."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, OperationalError

from station.db import files
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotFound, StationError
from station.domain.permissions import allowed
from station.file_modes import make_private
from station.services.audit import AuditLog
from station.services.common import OperatorInfo
from station.services.operators import OperatorService
from station.services.restore_candidate import (
    SECRET_FILES,
    SECRETS_TABLE,
    Removed,
    RestoreRefused,
    approve_in_candidate,
    check_candidate,
    migrate_candidate,
    record_restore,
    removed_by,
    take_secrets,
)
from station.services.station_lock import StationInUse, StationLock

log = logging.getLogger(__name__)
REFUSAL_WAIT_MS = 500  # how long a restore refused as "in use" waits to record that it was

BACKUP_GLOB = "station-*.sqlite3"
BACKUP_STAMP = "station-%Y%m%d-%H%M%S.sqlite3"


class BackupFailed(StationError):
    key = "backup.failed"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    entries: int  # ledger entries whose chain was verified in the copy
    secrets: tuple[str, ...]

    def values(self) -> dict:
        """The values of the `backup.done` message."""
        secrets = ", ".join(self.secrets) or "-"
        return {"path": str(self.path), "size": self.size, "entries": self.entries, "secrets": secrets}


@dataclass(frozen=True)
class RestoreRequest:
    """Asked for in the counter app, done after it has closed the database (see cli_backup)."""

    source: Path
    operator_name: str
    pin: str


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    aside: Path | None
    removed: Removed
    secrets: tuple[str, ...]


def backup_taken_at(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(path.name, BACKUP_STAMP)
    except ValueError:
        return None


class BackupService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        operators: OperatorService,
        db_path: Path,
        backup_dir: Path,
        keep: int,
    ) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.operators = operators
        self.db_path = db_path
        self.data_dir = db_path.parent
        self.backup_dir = backup_dir
        self.keep = keep

    # -- backup --------------------------------------------------------------------------
    def backup(self) -> BackupResult:
        """Copy (backup API) into a private temporary file, check it, then rename it into place."""
        final = self.backup_dir / self.clock.now().strftime(BACKUP_STAMP)
        partial = self.backup_dir / f".{final.name}.partial"
        try:
            self.backup_dir.mkdir(parents=True, exist_ok=True)
            make_private(self.backup_dir)  # backups hold PIN hashes and phones: the owner's alone
            files.remove_with_journals(partial)
            files.create_private(partial)
            files.copy_database(self.db_path, partial)
            with files.connect(partial) as connection:
                secrets = self._store_secrets(connection)
                entries = check_candidate(connection, None)
            files.fsync_file(partial)
            os.replace(partial, final)
            files.fsync_dir(self.backup_dir)
        except (OSError, sqlite3.Error) as error:
            files.remove_with_journals(partial)
            raise BackupFailed(path=str(final), reason=str(error)) from error
        except RestoreRefused as refused:
            files.remove_with_journals(partial)
            raise BackupFailed("backup.check_failed", path=str(final), reason=refused.key) from refused
        for old in sorted(self.backup_dir.glob(BACKUP_GLOB))[: -self.keep or None]:
            old.unlink()
        return BackupResult(final, final.stat().st_size, entries, secrets)

    def _store_secrets(self, connection: sqlite3.Connection) -> tuple[str, ...]:
        connection.execute(f"CREATE TABLE {SECRETS_TABLE} (name TEXT PRIMARY KEY, content BLOB NOT NULL)")
        stored = []
        for name in SECRET_FILES:
            path = self.data_dir / name
            if path.is_file():
                connection.execute(f"INSERT INTO {SECRETS_TABLE} VALUES (?, ?)", (name, path.read_bytes()))
                stored.append(name)
        connection.commit()
        return tuple(stored)

    def last_backup_at(self) -> dt.datetime | None:
        """When the newest good backup was taken (only checked copies get their final name)."""
        stamps = [backup_taken_at(path) for path in self.backup_dir.glob(BACKUP_GLOB)]
        return max((stamp for stamp in stamps if stamp), default=None)

    def backup_age(self) -> dt.timedelta | None:
        taken = self.last_backup_at()
        return None if taken is None else self.clock.now() - taken

    # -- restore -------------------------------------------------------------------------
    def restore(self, source: Path, operator_name: str, pin: str) -> RestoreResult:
        """Replace the database with a checked backup, on a partner's PIN; the current one is
        kept aside. This closes the service's own connection: the caller stops afterwards."""
        source = Path(source)
        live_station = None if self.operators.needs_setup() else self.operators.station()
        if live_station is not None:
            self._refuse_if_open_elsewhere(source)
        approver = self._approve_live(operator_name, pin) if live_station else None
        self.db.close()
        lock = StationLock(self.data_dir, self.db_path, "restore")
        try:
            lock.acquire()
            pid = files.process_with_database_open(self.db_path)
            if pid is not None:
                raise StationInUse(pid=pid, what="sqlite")
            return self._restore_locked(source, operator_name, pin, live_station, approver)
        except StationError as refused:
            if live_station is not None:  # the refusal is on the record of the station it protected
                with self.db.atomic():
                    self.audit.record("backup.restore_refused", approver, ref=str(source), reason=refused.key)
                self.db.close()
            raise
        finally:
            lock.release()

    def _refuse_if_open_elsewhere(self, source: Path) -> None:
        """Refused before the PIN check when another process has the database open: the check's
        writes would wait on that process's write lock (only the refusal has to be written)."""
        self.db.close()  # asking the kernel drops this process's own SQLite locks: none held
        pid = files.process_with_database_open(self.db_path)
        if pid is not None:
            refused = StationInUse(pid=pid, what="sqlite")
            # That process may hold its write lock (a command mid-write): waiting the busy timeout
            # for it ended as "database is locked", not as this refusal. Then it goes unrecorded.
            self.db.execute_sql(f"PRAGMA busy_timeout = {REFUSAL_WAIT_MS}")
            try:
                with self.db.atomic():
                    self.audit.record("backup.restore_refused", None, ref=str(source), reason=refused.key)
            except OperationalError as error:
                log.warning("restore refused (process %s has the database open), not recorded: %s", pid, error)
            finally:
                self.db.close()  # the next connection has the usual busy timeout again
            raise refused

    def inspect(self, source: Path) -> Path:
        """Check a file the way restore will, without restoring (the app asks before it quits)."""
        if not str(source).strip():  # Path("") is ".": the refusal would name the current folder
            raise InvalidInput("backup.file_required")
        source = Path(source).expanduser()
        live = None if self.operators.needs_setup() else self.operators.station()
        work = self.backup_dir / ".inspect.sqlite3"
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        files.remove_with_journals(work)
        try:
            self._copy_candidate(source, work)
            with files.connect(work) as connection:
                check_candidate(connection, live.code if live else None)
        except (OSError, sqlite3.Error) as error:
            raise RestoreRefused("backup.restore_failed", reason=str(error)) from error
        finally:
            files.remove_with_journals(work)
        return source.resolve()

    def newest_backup(self) -> Path | None:
        taken = {path: at for path in self.backup_dir.glob(BACKUP_GLOB) if (at := backup_taken_at(path)) is not None}
        return max(taken, key=taken.__getitem__, default=None)

    def restore_approvers(self) -> list[OperatorInfo]:
        """Who may approve a restore with their PIN (the permission table decides)."""
        return [o for o in self.operators.list_active() if allowed(o.role, "backup.restore")]

    def _approve_live(self, operator_name: str, pin: str) -> int:
        for operator in self.operators.list_active():
            if operator.name == operator_name.strip():
                return self.operators.approve(operator.id, pin, action="backup.restore").id
        # A wrong PIN or role is on the record by `approve`; a name no operator has is by this.
        with self.db.atomic():
            self.audit.record("backup.restore_refused", None, ref=operator_name, reason="backup.no_operator")
        raise NotFound("backup.no_operator", name=operator_name)

    def _restore_locked(self, source, operator_name, pin, live_station, approver) -> RestoreResult:
        now = self.clock.now()
        work = self.db_path.with_name(self.db_path.name + ".restoring")
        files.remove_with_journals(work)
        try:
            self._copy_candidate(source, work)
            with files.connect(work) as connection:
                check_candidate(connection, live_station.code if live_station else None)
                if live_station is None:
                    approve_in_candidate(connection, operator_name, pin)
                secrets = take_secrets(connection)
                removed = Removed()
                if self.db_path.exists() and live_station is not None:
                    files.checkpoint_to_rollback_mode(self.db_path)
                    removed = removed_by(connection, self.db_path)
                record_restore(connection, now, operator_name, source, removed)
                connection.execute("PRAGMA journal_mode=DELETE").fetchone()
            migrate_candidate(work)
            files.fsync_file(work)
            aside = self._swap(work, now)
        except (OSError, sqlite3.Error) as error:
            files.remove_with_journals(work)
            raise RestoreRefused("backup.restore_failed", reason=str(error)) from error
        except StationError:
            files.remove_with_journals(work)
            raise
        return RestoreResult(self.db_path, aside, removed, self._put_secrets(secrets, now))

    def _copy_candidate(self, source: Path, work: Path) -> None:
        """Copy the file's bytes beside the live database and open nothing of the source's."""
        if not source.is_file():
            raise RestoreRefused("backup.refused_missing", path=str(source))
        if source.stat().st_size == 0:
            raise RestoreRefused("backup.refused_empty", path=str(source))
        with source.open("rb") as handle:
            if handle.read(len(files.SQLITE_MAGIC)) != files.SQLITE_MAGIC:
                raise RestoreRefused("backup.refused_not_sqlite", path=str(source))
        files.create_private(work)
        shutil.copyfile(source, work)
        wal = source.with_name(source.name + "-wal")
        if wal.is_file():  # a copy taken from a live database: its last commits are in the WAL
            shutil.copyfile(wal, work.with_name(work.name + "-wal"))

    def _swap(self, work: Path, now: dt.datetime) -> Path | None:
        aside = None
        if self.db_path.exists():
            aside = self.db_path.with_name(f"{self.db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}")
            try:
                os.link(self.db_path, aside)  # no extra space needed on a nearly full disk
            except OSError:
                shutil.copy2(self.db_path, aside)
        os.replace(work, self.db_path)
        for suffix in ("-wal", "-shm", "-journal"):
            self.db_path.with_name(self.db_path.name + suffix).unlink(missing_ok=True)
        files.fsync_dir(self.data_dir)
        return aside

    def _put_secrets(self, secrets: dict[str, bytes], now: dt.datetime) -> tuple[str, ...]:
        for name, content in secrets.items():
            target = self.data_dir / name
            if target.is_file():
                if target.read_bytes() == content:
                    continue
                target.rename(target.with_name(f"{name}.before-restore-{now:%Y%m%d-%H%M%S}"))
            partial = target.with_name(f".{name}.partial")
            partial.unlink(missing_ok=True)
            files.create_private(partial)
            partial.write_bytes(content)
            files.fsync_file(partial)
            os.replace(partial, target)
        return tuple(secrets)
