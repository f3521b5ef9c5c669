"""peewee models. Money is integer fen; unit rates 1/10000 yuan; quantities 1/1000 units."""

from __future__ import annotations

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()


class BaseModel(Model):
    id = AutoField()  # what peewee adds when none is declared, spelt out for the type checker

    class Meta:
        database = database
        legacy_table_names = False


class Station(BaseModel):
    name = TextField()
    code = TextField()
    address = TextField(default="")
    partner_name = TextField()
    county_office = TextField(default="")
    created_at = DateTimeField()


class Operator(BaseModel):
    name = TextField(unique=True)
    role = TextField()  # partner | assistant | auditor
    pin_hash = TextField()
    active = BooleanField(default=True)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    lock_level = IntegerField(default=0)  # locks since the last good log-in: 1, 5, 15, 60 minutes
    created_at = DateTimeField()


class Villager(BaseModel):
    name = TextField()
    initials = TextField(index=True)  # pinyin first letters: 张三 → zs
    phone = TextField(default="", index=True)
    phone_tail = TextField(default="", index=True)
    village_group = TextField(default="")
    id_tail = TextField(default="")
    note = TextField(default="")
    created_at = DateTimeField()
    updated_at = DateTimeField()


class AuditEvent(BaseModel):
    at = DateTimeField(index=True)
    operator = ForeignKeyField(Operator, null=True, backref="audit_events")
    operator_id: int | None  # the foreign key's column, for the type checker
    kind = TextField(index=True)
    ref = TextField(default="")
    detail = TextField(default="")  # canonical JSON


class LedgerEntry(BaseModel):
    """Append-only journal line. Lines of one posting share `txn` and sum to zero."""

    txn = IntegerField(index=True)
    at = DateTimeField()
    business_date = DateField(index=True)
    operator = ForeignKeyField(Operator, null=True, backref="ledger_entries")
    operator_id: int | None  # the foreign key's column, for the type checker
    kind = TextField(index=True)
    ref = TextField(default="", index=True)
    account = TextField(index=True)
    amount_fen = IntegerField()
    method = TextField(default="")
    memo = TextField(default="")
    reverses_txn = IntegerField(null=True, index=True)
    prev_hash = TextField()
    hash = TextField(unique=True)


class DayClose(BaseModel):
    business_date = DateField(unique=True)
    closed_at = DateTimeField()
    operator = ForeignKeyField(Operator, backref="day_closes")
    operator_id: int  # the foreign key's column, for the type checker
    totals_json = TextField()
    cash_diff_fen = IntegerField(default=0)
    report_hash = TextField()


class PrintJob(BaseModel):
    created_at = DateTimeField()
    kind = TextField()
    ref = TextField(default="")
    receipt_no = TextField(default="")
    document = TextField(default="")  # the receipt model as JSON, for reprints and preview
    payload = BlobField()
    status = TextField(default="queued", index=True)  # queued | printed | failed
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    is_reprint = BooleanField(default=False)
    printed_at = DateTimeField(null=True)
