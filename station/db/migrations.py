"""Schema migrations keyed on `PRAGMA user_version`, each in a transaction, backup first (a new
file: all of them in one transaction)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from peewee import Database

from station.db import (
    consignment_models,
    courier_models,
    models,
    oversight_models,
    parcel_models,
    purchase_models,
    utility_models,
)
from station.file_modes import make_private

# Tables of the first schema, in dependency order.
FOUNDATION = [
    models.Station,
    models.Operator,
    models.Villager,
    models.AuditEvent,
    models.LedgerEntry,
    models.DayClose,
    models.PrintJob,
]
PARCELS = [parcel_models.CourierBatch, parcel_models.Parcel, parcel_models.ParcelNotice]


# Every table the migrations make append-only (`station check` finds a guard dropped later).
APPEND_ONLY_TABLES = (
    "ledger_entry",
    "audit_event",
    "tariff",
    "stock_move",
    "purchase_event",
    "day_close",
    "chain_anchor",
    "courier_rate_card",
    "courier_fee_accrual",
)


def _append_only(db: Database, table: str) -> None:
    """Triggers that make `table` append-only: corrections are new rows, never edits."""
    for event in ("UPDATE", "DELETE"):
        db.execute_sql(
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        )


def m001_foundation(db: Database) -> None:
    db.create_tables(FOUNDATION)
    _append_only(db, "ledger_entry")
    _append_only(db, "audit_event")


def m002_parcels(db: Database) -> None:
    db.create_tables(PARCELS)
    # Two parcels on the shelf can never share a pickup code or a tracking number,
    # whichever process checks them in: the database itself refuses it.
    db.execute_sql(
        "CREATE UNIQUE INDEX parcel_live_shelf_seq ON parcel (shelf, seq) WHERE status IN ('in', 'notified')"
    )
    db.execute_sql(
        "CREATE UNIQUE INDEX parcel_live_tracking_no ON parcel (tracking_no) WHERE status IN ('in', 'notified')"
    )


def m003_utilities(db: Database) -> None:
    db.create_tables([utility_models.Tariff, utility_models.UtilityBill])
    _append_only(db, "tariff")  # a change is a new version; bills keep the one they used


def m004_consignments(db: Database) -> None:
    db.create_tables(
        [
            consignment_models.ConsignmentLot,
            consignment_models.ConsignmentSettlement,
            consignment_models.ConsignmentSale,
            consignment_models.StockMove,
        ]
    )
    _append_only(db, "stock_move")  # stock = sum of moves; a correction is an adjusting move


def m005_purchases(db: Database) -> None:
    db.create_tables([purchase_models.Purchase, purchase_models.PurchaseItem, purchase_models.PurchaseEvent])
    _append_only(db, "purchase_event")


def m006_oversight(db: Database) -> None:
    db.create_tables(
        [
            oversight_models.Shift,
            oversight_models.Complaint,
            oversight_models.ComplaintStep,
            oversight_models.ExportRecord,
        ]
    )
    _append_only(db, "day_close")


def m007_live_parcel_indexes(db: Database) -> None:
    """Counter look-ups only ever want parcels still on the shelf: index just those."""
    for column in ("phone_tail", "tracking_tail", "pickup_code"):
        db.execute_sql(f"CREATE INDEX parcel_live_{column} ON parcel ({column}) WHERE status IN ('in', 'notified')")


def m008_live_villager_index(db: Database) -> None:
    """A pickup code brings the villager's other waiting parcels: index only those on a shelf."""
    db.execute_sql("CREATE INDEX parcel_live_villager_id ON parcel (villager_id) WHERE status IN ('in', 'notified')")


def m009_drop_whole_history_tail_indexes(db: Database) -> None:
    """Tails and codes are only ever looked up on the shelf (the m007 partial indexes); their
    whole-history indexes only slowed every check-in (three more b-trees written per scan)."""
    for column in ("phone_tail", "tracking_tail", "pickup_code"):
        db.execute_sql(f"DROP INDEX IF EXISTS parcel_{column}")


def m010_operator_lock_level(db: Database) -> None:
    """Lock-outs escalate (1, 5, 15, 60 minutes) and the level survives a restart."""
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(operator)").fetchall()}
    if "lock_level" not in columns:  # a fresh database got it from the model in m001
        db.execute_sql("ALTER TABLE operator ADD COLUMN lock_level INTEGER NOT NULL DEFAULT 0")


def m011_ledger_self_check(db: Database) -> None:
    """Where the last chain check got to, and the day-close anchors of the chain's end."""
    from station.db.integrity_models import ChainAnchor, ChainCheckpoint

    db.create_tables([ChainCheckpoint, ChainAnchor])
    _append_only(db, "chain_anchor")


def m012_complaint_lot(db: Database) -> None:
    """A complaint can be about a consignment lot too (besides a parcel or an order).

    m006 creates the table from today's model, which already has the column."""
    columns = {row[1] for row in db.execute_sql("PRAGMA table_info(complaint)").fetchall()}
    if "lot_id" not in columns:
        db.execute_sql("ALTER TABLE complaint ADD COLUMN lot_id INTEGER")


def m013_courier_accounts(db: Database) -> None:
    """Courier rate cards, 到付 charges, parcels sent out and their batches, fee accruals."""
    db.create_tables(
        [
            courier_models.CourierRateCard,
            courier_models.ParcelCharge,
            courier_models.ShipmentBatch,
            courier_models.Shipment,
            courier_models.CourierFeeAccrual,
        ]
    )
    _append_only(db, "courier_rate_card")  # parcels and statements keep the version they used
    _append_only(db, "courier_fee_accrual")


def m014_parcel_returned_at_index(db: Database) -> None:
    """The export's month of parcels (checked in, picked up or returned in it) is three index
    ranges only when all three times are indexed; without this one SQLite read every parcel
    the station ever had. Partial: a parcel on the shelf (most of a check-in's writes) is not
    in it, and a range on the column is all a query needs to use it. An index someone else
    made under this name is replaced, not kept: with a plain index on the column, or on
    anything else, SQLite scans every parcel again."""
    db.execute_sql("DROP INDEX IF EXISTS parcel_returned_at")
    db.execute_sql("CREATE INDEX parcel_returned_at ON parcel (returned_at) WHERE returned_at IS NOT NULL")


MIGRATIONS: list[Callable[[Database], None]] = [
    m001_foundation,
    m002_parcels,
    m003_utilities,
    m004_consignments,
    m005_purchases,
    m006_oversight,
    m007_live_parcel_indexes,
    m008_live_villager_index,
    m009_drop_whole_history_tail_indexes,
    m010_operator_lock_level,
    m011_ledger_self_check,
    m012_complaint_lot,
    m013_courier_accounts,
    m014_parcel_returned_at_index,
]


class DatabaseTooNew(RuntimeError):
    """The file was written by a newer `station`; opening it could lose data."""


def schema_version(db: Database) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def backup_copy(source: Path, target: Path) -> Path:
    """A consistent copy through SQLite's backup API (safe while others write)."""
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return make_private(target)


def _create_schema(db: Database, target: int) -> int:
    """A new file gets every migration in ONE transaction, and `user_version` with it: a commit
    (an fsync of the WAL) per migration becomes one. A crash part-way leaves the file empty at
    version 0, which the next start makes again from the beginning. Returns the file's version:
    another process may have made the schema while this one waited for the write lock."""
    with db.atomic():
        current = schema_version(db)  # read again under the write lock
        if current != 0:
            return current
        for step in MIGRATIONS[:target]:
            step(db)
        db.execute_sql(f"PRAGMA user_version = {target}")
    return target


def migrate(db: Database, path: Path) -> int:
    current = schema_version(db)
    target = len(MIGRATIONS)
    if current == 0:
        current = _create_schema(db, target)
    if current > target:
        raise DatabaseTooNew(f"{path}: schema {current} is newer than this program ({target})")
    if 0 < current < target:
        backup_copy(path, path.with_name(f"{path.name}.schema{current}.bak"))
    for version in range(current + 1, target + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            db.execute_sql(f"PRAGMA user_version = {version}")
    return target
