"""The counter's hot paths as fixed SQL: check-in and the hand-over look-ups.

Building a peewee query costs 100–200 µs of Python, forty times the indexed read itself at a
million parcels. These statements are written once, keep the live-status test literal so
SQLite uses the partial `parcel_live_*` indexes, and return plain tuples in `COLUMNS` order.
Everything else about parcels goes through the models; `tests/services/test_parcel_queries.py`
checks these rows against the models.
"""

from __future__ import annotations

import datetime as dt

from peewee import Database

from station.db.parcel_models import LIVE_STATUSES

LIVE = "status IN (" + ", ".join(f"'{status}'" for status in LIVE_STATUSES) + ")"

# The order of services.parcels.ParcelInfo's fields.
COLUMNS = (
    "id",
    "tracking_no",
    "carrier",
    "pickup_code",
    "status",
    "recipient_name",
    "recipient_phone",
    "phone_tail",
    "villager_id",
    "checked_in_at",
    "notified_at",
    "notify_channel",
    "consent",
    "damaged",
    "picked_up_at",
    "purchase_id",
)
_COLUMNS = "SELECT " + ", ".join(f"p.{column}" for column in COLUMNS)
_SELECT = f"{_COLUMNS} FROM parcel p"
_FROM_HIT = f"{_COLUMNS} FROM hit CROSS JOIN parcel p"  # CROSS JOIN: look the hit up first
_ORDER = " ORDER BY 6, 8, 4"  # recipient name, phone tail, pickup code

# Everything waiting for the person whose parcel carries this code: the same villager, or
# (no villager linked) the same name and phone tail, or just that parcel.
BY_CODE = (
    f"WITH hit AS (SELECT id, villager_id, phone_tail, recipient_name FROM parcel "
    f"WHERE pickup_code = ? AND {LIVE} LIMIT 1) "
    f"{_FROM_HIT} ON p.villager_id = hit.villager_id WHERE p.{LIVE} "
    f"UNION {_FROM_HIT} ON p.phone_tail = hit.phone_tail "
    f"WHERE hit.villager_id IS NULL AND hit.phone_tail != '' AND p.recipient_name = hit.recipient_name "
    f"AND p.{LIVE} "
    f"UNION {_FROM_HIT} ON p.id = hit.id{_ORDER}"
)
# The last four digits of the phone or of the waybill (each answered by its own index).
BY_TAIL = (
    f"{_SELECT} WHERE p.phone_tail = ? AND p.{LIVE} UNION {_SELECT} WHERE p.tracking_tail = ? AND p.{LIVE}{_ORDER}"
)
BY_TRACKING_NO = f"{_SELECT} WHERE p.tracking_no = ? AND p.{LIVE}"

# Check-in: count the scan on an open batch and learn where it shelves, in one statement.
COUNT_SCAN = (
    "UPDATE courier_batch SET scanned_count = scanned_count + 1 "
    "WHERE id = ? AND ended_at IS NULL RETURNING shelf, layer, carrier, scanned_count"
)
SEQS_ON_SHELF = f"SELECT seq FROM parcel WHERE shelf = ? AND {LIVE}"
MAX_SEQ_ON_SHELF = f"SELECT MAX(seq) FROM parcel WHERE shelf = ? AND {LIVE}"
# Every column without a default in the schema is named (the models' defaults, written out).
INSERT_PARCEL = (
    "INSERT INTO parcel (tracking_no, tracking_tail, raw_scan, carrier, carrier_overridden, villager_id, "
    "recipient_name, recipient_phone, phone_tail, shelf, layer, seq, pickup_code, status, checked_in_at, "
    "batch_id, checked_in_by_id, notify_channel, verified_by, collected_by, override_reason, return_batch, "
    "damaged, damage_note, photo_path) "
    "VALUES (?, ?, ?, ?, ?, NULL, '', '', '', ?, ?, ?, ?, 'in', ?, ?, ?, '', '', '', '', '', 0, '', '')"
)


def _when(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def typed(row: tuple) -> tuple:
    """A row in COLUMNS order with SQLite's text and integers turned into Python values."""
    (
        parcel_id,
        tracking_no,
        carrier,
        code,
        status,
        name,
        phone,
        tail,
        villager_id,
        checked_in_at,
        notified_at,
        channel,
        consent,
        damaged,
        picked_up_at,
        purchase_id,
    ) = row
    return (
        parcel_id,
        tracking_no,
        carrier,
        code,
        status,
        name,
        phone,
        tail,
        villager_id,
        dt.datetime.fromisoformat(checked_in_at),
        _when(notified_at),
        channel,
        None if consent is None else bool(consent),
        bool(damaged),
        _when(picked_up_at),
        purchase_id,
    )


def waiting_by_code(db: Database, code: str) -> list[tuple]:
    return [typed(row) for row in db.execute_sql(BY_CODE, (code,)).fetchall()]


def waiting_by_tail(db: Database, tail: str) -> list[tuple]:
    return [typed(row) for row in db.execute_sql(BY_TAIL, (tail, tail)).fetchall()]


def waiting_by_tracking_no(db: Database, tracking_no: str) -> list[tuple]:
    return [typed(row) for row in db.execute_sql(BY_TRACKING_NO, (tracking_no,)).fetchall()]


def count_scan(db: Database, batch_id: int) -> tuple[int, int, str, int] | None:
    """(shelf, layer, carrier, scans so far) of an open batch, after counting this scan."""
    return db.execute_sql(COUNT_SCAN, (batch_id,)).fetchone()


def max_seq_on_shelf(db: Database, shelf: int) -> int | None:
    return db.execute_sql(MAX_SEQ_ON_SHELF, (shelf,)).fetchone()[0]


def seqs_on_shelf(db: Database, shelf: int) -> set[int]:
    return {seq for (seq,) in db.execute_sql(SEQS_ON_SHELF, (shelf,)).fetchall()}


def insert_parcel(
    db: Database,
    *,
    tracking_no: str,
    raw_scan: str,
    carrier: str,
    carrier_overridden: bool,
    shelf: int,
    layer: int,
    seq: int,
    pickup_code: str,
    checked_in_at: dt.datetime,
    batch_id: int,
    checked_in_by: int,
) -> int:
    cursor = db.execute_sql(
        INSERT_PARCEL,
        (
            tracking_no,
            tracking_no[-4:],
            raw_scan,
            carrier,
            int(carrier_overridden),
            shelf,
            layer,
            seq,
            pickup_code,
            str(checked_in_at),
            batch_id,
            checked_in_by,
        ),
    )
    return cursor.lastrowid
