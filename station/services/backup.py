"""Backups that are checked before they count, and restores that cannot shorten the ledger
silently: refused while the station is open elsewhere, checked beside the live file, swapped
in by rename, and recorded in the restored database with what they removed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, OperationalError

from station.db import files
from station.db.migrations import MIGRATIONS
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound, StationError
from station.domain.permissions import ROLES, allowed
from station.domain.pins import check_pin
from station.file_modes import make_private
from station.services.audit import AuditLog
from station.services.common import OperatorInfo
from station.services.integrity import anchor_problems, walk_chain
from station.services.operators import OperatorService, WrongPin
from station.services.signing import KEY_FILE
from station.services.station_lock import StationInUse, StationLock

log = logging.getLogger(__name__)
REFUSAL_WAIT_MS = 500  # how long a restore refused as "in use" waits to record that it was

# The station's own secrets that live beside the database, not in it (one name per file in
# the data directory). Every backup carries them, so a restore on a new PC keeps the station.
SECRET_FILES: tuple[str, ...] = (KEY_FILE,)  # the export signing key: a restore keeps the identity

BACKUP_GLOB = "station-*.sqlite3"
BACKUP_STAMP = "station-%Y%m%d-%H%M%S.sqlite3"
SECRETS_TABLE = "backup_secret"


class BackupFailed(StationError):
    key = "backup.failed"


class RestoreRefused(StationError):
    """A candidate file that must not replace the station's database; the key names why."""

    key = "backup.refused_corrupt"


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
class Removed:
    """What the live database had that the restored one does not."""

    postings: int = 0
    total_fen: int = 0  # the removed postings' size (their positive lines)
    parcels: int = 0
    orders: int = 0
    txns: tuple[int, ...] = ()


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


def check_candidate(connection: sqlite3.Connection, live_code: str | None) -> int:
    """Refuse a file that is not this station's sound database; the verified entry count."""
    try:
        return _check_candidate(connection, live_code)
    except sqlite3.DatabaseError as error:  # "database disk image is malformed" and the like
        raise RestoreRefused("backup.refused_corrupt", detail=str(error)) from error


def _check_candidate(connection: sqlite3.Connection, live_code: str | None) -> int:
    problem = files.integrity_problem(connection)
    if problem:
        raise RestoreRefused("backup.refused_corrupt", detail=problem)
    if not set(files.STATION_TABLES) <= files.table_names(connection):
        raise RestoreRefused("backup.refused_foreign")
    version, known = files.schema_version(connection), len(MIGRATIONS)
    if version > known:
        raise RestoreRefused("backup.refused_newer", version=version, known=known)
    code = files.station_code(connection)
    if code is None:
        raise RestoreRefused("backup.refused_no_station")
    if live_code is not None and code != live_code:
        raise RestoreRefused("backup.refused_other_station", theirs=code, ours=live_code)
    chain = walk_chain(connection.execute)
    if not chain.ok:
        raise RestoreRefused("backup.refused_chain", id=chain.broken_id, reason_key=f"backup.reason.{chain.reason}")
    if "chain_anchor" in files.table_names(connection):
        for anchor in anchor_problems(connection.execute):
            raise RestoreRefused("backup.refused_anchor", **anchor.values)
    return chain.checked


def backup_taken_at(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(path.name, BACKUP_STAMP)
    except ValueError:
        return None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


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
                    _approve_in_candidate(connection, operator_name, pin)
                secrets = _take_secrets(connection)
                removed = Removed()
                if self.db_path.exists() and live_station is not None:
                    files.checkpoint_to_rollback_mode(self.db_path)
                    removed = _removed(connection, self.db_path)
                _record(connection, now, operator_name, source, removed)
                connection.execute("PRAGMA journal_mode=DELETE").fetchone()
            _migrate_candidate(work)
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


def _migrate_candidate(work: Path) -> None:
    """Bring the checked copy to this program's schema before it replaces anything: a file whose
    migrations fail (a `user_version` edited down, tables that do not match it) is refused here,
    instead of being installed and making every later start fail."""
    from peewee import PeeweeException, SqliteDatabase

    from station.db import migrations
    from station.db.models import database as models_database

    with files.connect(work) as connection:
        version = files.schema_version(connection)
    if version == len(MIGRATIONS):
        return
    previous = models_database.obj  # the migrations create tables through the models' proxy
    candidate = SqliteDatabase(str(work), pragmas={"foreign_keys": 1})
    models_database.initialize(candidate)
    try:
        if version < 1:
            raise RestoreRefused("backup.refused_schema", version=version, detail="user_version")
        migrations.migrate(candidate, work)
    except (PeeweeException, sqlite3.Error) as error:
        raise RestoreRefused("backup.refused_schema", version=version, detail=str(error)) from error
    finally:
        candidate.close()
        models_database.initialize(previous)
        files.remove_with_journals(work.with_name(f"{work.name}.schema{version}.bak"))


def _approve_in_candidate(connection: sqlite3.Connection, operator_name: str, pin: str) -> None:
    """No station here yet (a new PC): the partner's PIN is checked against the backup itself."""
    row = connection.execute(
        "SELECT role, pin_hash FROM operator WHERE name = ? AND active = 1", (operator_name.strip(),)
    ).fetchone()
    if row is None:
        raise NotFound("backup.no_operator", name=operator_name)
    if not allowed(row[0], "backup.restore"):  # the same table as the live station's
        role_key = f"role.{row[0]}" if row[0] in ROLES else "backup.unknown_role"
        raise NotAllowed("access.denied", role_key=role_key, action_key="action.backup.restore")
    if not check_pin((pin or "").strip(), row[1]):
        raise WrongPin("backup.wrong_pin_in_backup", name=operator_name.strip())


def _take_secrets(connection: sqlite3.Connection) -> dict[str, bytes]:
    if SECRETS_TABLE not in files.table_names(connection):
        return {}
    rows = connection.execute(f"SELECT name, content FROM {SECRETS_TABLE}")
    secrets = {name: bytes(content) for name, content in rows}
    connection.execute(f"DROP TABLE {SECRETS_TABLE}")
    connection.commit()
    return {name: content for name, content in secrets.items() if name in SECRET_FILES}


def _removed(connection: sqlite3.Connection, live: Path) -> Removed:
    """Compare the candidate with the database it replaces: what would disappear."""
    connection.execute("ATTACH DATABASE ? AS old", (str(live),))
    try:
        gone = "FROM old.ledger_entry WHERE hash NOT IN (SELECT hash FROM main.ledger_entry)"
        postings, total = connection.execute(
            f"SELECT COUNT(DISTINCT txn), COALESCE(SUM(CASE WHEN amount_fen > 0 THEN amount_fen END), 0) {gone}"
        ).fetchone()
        txns = tuple(row[0] for row in connection.execute(f"SELECT DISTINCT txn {gone} ORDER BY txn LIMIT 200"))
        counts = []
        for table in ("parcel", "purchase"):
            both = table in files.table_names(connection)
            query = f"SELECT COUNT(*) FROM old.{table} WHERE id NOT IN (SELECT id FROM main.{table})"
            counts.append(connection.execute(query).fetchone()[0] if both else 0)
        return Removed(postings, total, counts[0], counts[1], txns)
    finally:
        connection.execute("DETACH DATABASE old")


def _record(
    connection: sqlite3.Connection, now: dt.datetime, operator_name: str, source: Path, removed: Removed
) -> None:
    """Written into the restored database: who restored what, when, and what went."""
    row = connection.execute("SELECT id FROM operator WHERE name = ?", (operator_name.strip(),)).fetchone()
    detail = {
        "operator": operator_name.strip(),
        "source": str(source),
        "source_sha256": sha256_of(source),
        "removed_postings": removed.postings,
        "removed_total_fen": removed.total_fen,
        "removed_parcels": removed.parcels,
        "removed_orders": removed.orders,
        "removed_txns": list(removed.txns),
    }
    connection.execute(
        "INSERT INTO audit_event (at, operator_id, kind, ref, detail) VALUES (?, ?, ?, ?, ?)",
        (
            now.isoformat(sep=" "),
            row[0] if row else None,
            "backup.restored",
            source.name,
            json.dumps(detail, ensure_ascii=False, sort_keys=True),
        ),
    )
    connection.commit()
