"""Consignment tables: lots of farm produce, stock moves, sales, settlements with farmers."""

from __future__ import annotations

from peewee import DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from station.db.models import BaseModel, Operator, Villager


class ConsignmentLot(BaseModel):
    lot_no = TextField(unique=True)
    consignor = ForeignKeyField(Villager, backref="lots")
    consignor_id: int  # the foreign key's column, for the type checker
    product = TextField()
    grade = TextField(default="")
    unit = TextField()
    qty_milli = IntegerField()  # as received
    unit_price_fen = IntegerField()
    commission_bp = IntegerField()
    received_at = DateTimeField()
    expires_on = DateField(null=True)
    operator = ForeignKeyField(Operator, backref="lots")
    operator_id: int  # the foreign key's column, for the type checker


class ConsignmentSettlement(BaseModel):
    statement_no = TextField(unique=True)
    consignor = ForeignKeyField(Villager, backref="settlements")
    consignor_id: int  # the foreign key's column, for the type checker
    period_end = DateField()
    gross_fen = IntegerField()
    commission_fen = IntegerField()
    payout_fen = IntegerField()
    method = TextField()
    settled_at = DateTimeField()
    operator = ForeignKeyField(Operator, backref="settlements")
    operator_id: int  # the foreign key's column, for the type checker
    ledger_txn = IntegerField(null=True)


class ConsignmentSale(BaseModel):
    lot = ForeignKeyField(ConsignmentLot, backref="sales")
    lot_id: int  # the foreign key's column, for the type checker
    at = DateTimeField(index=True)
    qty_milli = IntegerField()
    unit_price_fen = IntegerField()
    amount_fen = IntegerField()
    commission_bp = IntegerField()  # frozen at the sale: later rate changes do not rewrite history
    commission_fen = IntegerField()
    payable_fen = IntegerField()
    method = TextField()
    price_reason = TextField(default="")
    settlement = ForeignKeyField(ConsignmentSettlement, null=True, backref="sales")
    settlement_id: int | None  # the foreign key's column, for the type checker
    operator = ForeignKeyField(Operator, backref="consignment_sales")
    operator_id: int  # the foreign key's column, for the type checker
    ledger_txn = IntegerField(null=True)


class StockMove(BaseModel):
    lot = ForeignKeyField(ConsignmentLot, backref="moves")
    lot_id: int  # the foreign key's column, for the type checker
    at = DateTimeField()
    kind = TextField()  # in | sale | writeoff | return | adjust
    qty_milli = IntegerField()  # signed
    reason = TextField(default="")
    ref = TextField(default="")
    operator = ForeignKeyField(Operator, backref="stock_moves")
    operator_id: int  # the foreign key's column, for the type checker
