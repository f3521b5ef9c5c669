"""Oversight tables: shifts and their cash counts, the complaints register, exports."""

from __future__ import annotations

from peewee import BooleanField, DateTimeField, ForeignKeyField, IntegerField, TextField

from station.db.models import BaseModel, Operator, Villager


class Shift(BaseModel):
    operator = ForeignKeyField(Operator, backref="shifts")
    operator_id: int  # the foreign key's column, for the type checker
    opened_at = DateTimeField()
    opening_cash_fen = IntegerField()
    closed_at = DateTimeField(null=True)
    counted_cash_fen = IntegerField(null=True)
    expected_cash_fen = IntegerField(null=True)
    diff_fen = IntegerField(null=True)
    diff_note = TextField(default="")
    handover_note = TextField(default="")
    received_by = ForeignKeyField(Operator, null=True, backref="shifts_received")
    received_by_id: int | None  # the foreign key's column, for the type checker
    received_at = DateTimeField(null=True)


class Complaint(BaseModel):
    villager = ForeignKeyField(Villager, null=True, backref="complaints")
    villager_id: int | None  # the foreign key's column, for the type checker
    channel = TextField()
    category = TextField()
    text = TextField()
    status = TextField(default="open", index=True)  # open | closed
    parcel_id = IntegerField(null=True)
    purchase_id = IntegerField(null=True)
    lot_id = IntegerField(null=True)  # a consignment lot (m012)
    opened_at = DateTimeField()
    opened_by = ForeignKeyField(Operator, backref="complaints_opened")
    opened_by_id: int  # the foreign key's column, for the type checker
    closed_at = DateTimeField(null=True)
    outcome = TextField(default="")
    handled_by = ForeignKeyField(Operator, null=True, backref="complaints_handled")
    handled_by_id: int | None  # the foreign key's column, for the type checker


class ComplaintStep(BaseModel):
    complaint = ForeignKeyField(Complaint, backref="steps")
    complaint_id: int  # the foreign key's column, for the type checker
    at = DateTimeField()
    operator = ForeignKeyField(Operator, backref="complaint_steps")
    operator_id: int  # the foreign key's column, for the type checker
    note = TextField()


class ExportRecord(BaseModel):
    at = DateTimeField()
    operator = ForeignKeyField(Operator, null=True, backref="exports")
    operator_id: int | None  # the foreign key's column, for the type checker
    period = TextField()
    masked = BooleanField(default=True)
    out_dir = TextField()
    manifest_sha256 = TextField()
