"""Assisted purchase tables: orders, their lines and their history."""

from __future__ import annotations

from peewee import DateTimeField, ForeignKeyField, IntegerField, TextField

from station.db.models import BaseModel, Operator, Villager


class Purchase(BaseModel):
    villager = ForeignKeyField(Villager, backref="purchases")
    villager_id: int  # the foreign key's column, for the type checker
    platform = TextField()
    external_order_no = TextField(default="")
    tracking_no = TextField(default="", index=True)
    status = TextField(default="draft", index=True)
    items_fen = IntegerField()
    shipping_fen = IntegerField(default=0)
    service_fee_fen = IntegerField(default=0)
    total_fen = IntegerField()
    note = TextField(default="")
    created_at = DateTimeField(index=True)
    operator = ForeignKeyField(Operator, backref="purchases")
    operator_id: int  # the foreign key's column, for the type checker


class PurchaseItem(BaseModel):
    purchase = ForeignKeyField(Purchase, backref="items")
    purchase_id: int  # the foreign key's column, for the type checker
    description = TextField()
    qty = IntegerField()
    unit_price_fen = IntegerField()


class PurchaseEvent(BaseModel):
    purchase = ForeignKeyField(Purchase, backref="events")
    purchase_id: int  # the foreign key's column, for the type checker
    at = DateTimeField()
    operator = ForeignKeyField(Operator, backref="purchase_events")
    operator_id: int  # the foreign key's column, for the type checker
    from_status = TextField(default="")
    to_status = TextField()
    note = TextField(default="")
