"""Utility ledger tables: versioned village tariffs and the station's bills."""

from __future__ import annotations

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from station.db.models import BaseModel, Operator


class Tariff(BaseModel):
    category = TextField(index=True)
    version = IntegerField()
    effective_from = DateField()
    unit = TextField(default="")
    tiers_json = TextField()  # [[upper_milli | null, rate_1e4], ...]
    fixed_fee_fen = IntegerField(default=0)
    source_note = TextField(default="")
    created_at = DateTimeField()
    operator = ForeignKeyField(Operator, null=True, backref="tariffs")
    operator_id: int | None  # the foreign key's column, for the type checker

    class Meta:
        indexes = ((("category", "version"), True), (("category", "effective_from"), True))


class UtilityBill(BaseModel):
    category = TextField(index=True)
    meter = TextField(default="main")
    period = TextField()  # YYYY-MM
    meter_start_milli = IntegerField(null=True)
    meter_end_milli = IntegerField(null=True)
    meter_replaced = BooleanField(default=False)
    old_meter_final_milli = IntegerField(null=True)
    usage_milli = IntegerField()
    billed_fen = IntegerField()
    village_fen = IntegerField()
    cap_fen = IntegerField()
    payable_fen = IntegerField()
    excess_fen = IntegerField()
    tariff = ForeignKeyField(Tariff, backref="bills")
    tariff_id: int  # the foreign key's column, for the type checker
    tariff_version = IntegerField()
    payer_note = TextField(default="")
    method = TextField(default="cash")
    recorded_at = DateTimeField()
    operator = ForeignKeyField(Operator, backref="utility_bills")
    operator_id: int  # the foreign key's column, for the type checker
    ledger_txn = IntegerField(null=True)

    class Meta:
        indexes = ((("category", "meter", "period"), True),)
