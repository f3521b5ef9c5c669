"""Parcel desk tables: courier batches, parcels, the notification/consent log."""

from __future__ import annotations

from peewee import (
    OP,
    SQL,
    BooleanField,
    DateTimeField,
    Expression,
    ForeignKeyField,
    IntegerField,
    NodeList,
    TextField,
)

from station.db.models import BaseModel, Operator, Villager

LIVE_STATUSES = ("in", "notified")


class CourierBatch(BaseModel):
    """One courier drop-off: what was scanned against what the courier says he brought."""

    started_at = DateTimeField()
    ended_at = DateTimeField(null=True)
    carrier = TextField(default="")
    courier_name = TextField(default="")
    shelf = IntegerField()
    layer = IntegerField()
    scanned_count = IntegerField(default=0)
    claimed_count = IntegerField(null=True)
    mismatch_note = TextField(default="")
    operator = ForeignKeyField(Operator, backref="courier_batches")
    operator_id: int  # the foreign key's column, for the type checker


class Parcel(BaseModel):
    tracking_no = TextField(index=True)
    tracking_tail = TextField()  # looked up only on the shelf: see parcel_live_tracking_tail
    raw_scan = TextField()
    carrier = TextField(default="")
    carrier_overridden = BooleanField(default=False)
    villager = ForeignKeyField(Villager, null=True, backref="parcels")
    villager_id: int | None  # the foreign key's column, for the type checker
    recipient_name = TextField(default="")
    recipient_phone = TextField(default="")
    phone_tail = TextField(default="")  # parcel_live_phone_tail
    shelf = IntegerField()
    layer = IntegerField()
    seq = IntegerField()
    pickup_code = TextField()  # parcel_live_pickup_code
    status = TextField(default="in", index=True)  # in → notified → picked_up | returned
    checked_in_at = DateTimeField(index=True)
    batch = ForeignKeyField(CourierBatch, null=True, backref="parcels")
    batch_id: int | None  # the foreign key's column, for the type checker
    checked_in_by = ForeignKeyField(Operator, backref="parcels_checked_in")
    checked_in_by_id: int  # the foreign key's column, for the type checker
    notified_at = DateTimeField(null=True)
    notify_channel = TextField(default="")
    consent = BooleanField(null=True)  # None: not asked yet
    picked_up_at = DateTimeField(null=True, index=True)
    verified_by = TextField(default="")  # code | phone | id | override
    collected_by = TextField(default="")  # someone collecting for the recipient
    override_reason = TextField(default="")
    handed_over_by = ForeignKeyField(Operator, null=True, backref="parcels_handed_over")
    handed_over_by_id: int | None  # the foreign key's column, for the type checker
    returned_at = DateTimeField(null=True)
    return_batch = TextField(default="")
    damaged = BooleanField(default=False)
    damage_note = TextField(default="")
    photo_path = TextField(default="")
    purchase_id = IntegerField(null=True, index=True)


class ParcelNotice(BaseModel):
    """Each time the villager was told, how, and what they said about station storage."""

    parcel = ForeignKeyField(Parcel, backref="notices")
    parcel_id: int  # the foreign key's column, for the type checker
    at = DateTimeField()
    channel = TextField()  # phone | sms | wechat | in_person
    consent = BooleanField(null=True)
    note = TextField(default="")
    operator = ForeignKeyField(Operator, backref="parcel_notices")
    operator_id: int  # the foreign key's column, for the type checker


def on_shelf() -> Expression:
    """`status IN ('in', 'notified')` with the statuses written into the SQL.

    SQLite uses the partial `parcel_live_*` indexes only when the query repeats their WHERE
    clause literally; `Parcel.status.in_(...)` binds parameters and falls back to scanning
    every live parcel through the status index (milliseconds at a million parcels).
    """
    return Expression(Parcel.status, OP.IN, SQL("(" + ", ".join(f"'{s}'" for s in LIVE_STATUSES) + ")"))


def not_by_index(column) -> NodeList:
    """`+column`: the same value, but a term SQLite will not answer from the column's index,
    so that it searches by the other terms' indexes instead (a range over all of history on
    this one would read every row before it)."""
    return NodeList((SQL("+"), column), glue="")
