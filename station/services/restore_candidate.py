"""The file a restore would put in place, dealt with beside the live one before it counts:
checked (this station's sound database), brought to this program's schema, the partner's PIN
checked inside it when no station is live, the secrets it carries taken out, and what it would
remove from the live ledger measured and recorded in it."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from station.db import files
from station.db.migrations import MIGRATIONS
from station.domain.errors import NotAllowed, NotFound, StationError
from station.domain.permissions import ROLES, allowed
from station.domain.pins import check_pin
from station.services.exports import sha256_of
from station.services.integrity import anchor_problems, walk_chain
from station.services.operators import WrongPin
from station.services.signing import KEY_FILE

# The station's own secrets that live beside the database, not in it (one name per file in
# the data directory). Every backup carries them, so a restore on a new PC keeps the station.
SECRET_FILES: tuple[str, ...] = (KEY_FILE,)  # the export signing key: a restore keeps the identity
SECRETS_TABLE = "backup_secret"


class RestoreRefused(StationError):
    """A candidate file that must not replace the station's database; the key names why."""

    key = "backup.refused_corrupt"


@dataclass(frozen=True)
class Removed:
    """What the live database had that the restored one does not."""

    postings: int = 0
    total_fen: int = 0  # the removed postings' size (their positive lines)
    parcels: int = 0
    orders: int = 0
    txns: tuple[int, ...] = ()


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


def migrate_candidate(work: Path) -> None:
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


def approve_in_candidate(connection: sqlite3.Connection, operator_name: str, pin: str) -> None:
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


def take_secrets(connection: sqlite3.Connection) -> dict[str, bytes]:
    if SECRETS_TABLE not in files.table_names(connection):
        return {}
    rows = connection.execute(f"SELECT name, content FROM {SECRETS_TABLE}")
    secrets = {name: bytes(content) for name, content in rows}
    connection.execute(f"DROP TABLE {SECRETS_TABLE}")
    connection.commit()
    return {name: content for name, content in secrets.items() if name in SECRET_FILES}


def removed_by(connection: sqlite3.Connection, live: Path) -> Removed:
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


def record_restore(
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
