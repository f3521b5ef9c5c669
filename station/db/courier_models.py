"""Courier money: versioned rate cards, 到付 charges on parcels, parcels sent out (寄件),
their hand-over batches, and the delivery fees posted to the ledger."""

from __future__ import annotations

from peewee import DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from station.db.models import BaseModel, Operator, Villager
from station.db.parcel_models import Parcel


class CourierRateCard(BaseModel):
    """One version of a courier's contract; append-only (a change is a new version)."""

    courier = TextField(index=True)
    version = IntegerField()
    effective_from = DateField()
    fee_basis = TextField()  # handed_over | checked_in
    delivery_fee_fen = IntegerField()
    commission_bp = IntegerField(default=0)
    first_weight_g = IntegerField()
    unit_g = IntegerField()
    zones_json = TextField()  # [{"name", "provinces": [...], "bands": [[upto_g|null, first_fen, extra_fen]]}]
    source_note = TextField(default="")
    created_at = DateTimeField()
    operator = ForeignKeyField(Operator, null=True, backref="rate_cards")

    class Meta:
        indexes = ((("courier", "version"), True), (("courier", "effective_from"), True))


class ParcelCharge(BaseModel):
    """Money to collect when a parcel is handed over (到付 freight or 代收货款), owed to its courier."""

    parcel = ForeignKeyField(Parcel, unique=True, backref="charges")
    courier = TextField(index=True)
    kind = TextField()  # freight | cod
    amount_fen = IntegerField()
    created_at = DateTimeField()
    operator = ForeignKeyField(Operator, backref="parcel_charges")
    collected_at = DateTimeField(null=True)
    collected_txn = IntegerField(null=True)


class ShipmentBatch(BaseModel):
    """Parcels sent out, handed to the courier together: the count he confirms."""

    courier = TextField(index=True)
    created_at = DateTimeField()
    operator = ForeignKeyField(Operator, backref="shipment_batches")
    count = IntegerField()
    claimed_count = IntegerField()
    courier_name = TextField(default="")
    note = TextField(default="")


class Shipment(BaseModel):
    """A villager's parcel sent out from the station (寄件)."""

    shipment_no = TextField(unique=True)
    created_at = DateTimeField(index=True)
    operator = ForeignKeyField(Operator, backref="shipments")
    sender = ForeignKeyField(Villager, backref="shipments")
    sender_id: int  # the foreign key's column, for the type checker
    receiver_name = TextField()
    receiver_phone = TextField()
    receiver_address = TextField()
    province = TextField()
    zone = TextField()
    weight_g = IntegerField()
    chargeable_g = IntegerField()
    contents = TextField()
    courier = TextField(index=True)
    card_version = IntegerField()
    quoted_fen = IntegerField()  # from the rate card
    freight_fen = IntegerField()  # charged (differs from quoted only with a reason)
    override_reason = TextField(default="")
    commission_bp = IntegerField()
    commission_fen = IntegerField()
    method = TextField()
    ledger_txn = IntegerField()
    tracking_no = TextField(default="", index=True)
    status = TextField(default="waiting", index=True)  # waiting → handed_over
    batch = ForeignKeyField(ShipmentBatch, null=True, backref="shipments")


class CourierFeeAccrual(BaseModel):
    """Delivery fees posted to the ledger for the days up to `through` (a settlement does it)."""

    courier = TextField(index=True)
    through = DateField()
    parcels = IntegerField()
    fee_fen = IntegerField()
    ledger_txn = IntegerField(null=True)
    created_at = DateTimeField()
    operator = ForeignKeyField(Operator, backref="fee_accruals")
