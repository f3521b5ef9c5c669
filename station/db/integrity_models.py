"""What the ledger's self-checks remember: where the last check got to, and each closed day's
end of the chain (the anchor a deleted tail or a re-hashed chain is measured against)."""

from __future__ import annotations

from peewee import DateField, DateTimeField, IntegerField, TextField

from station.db.models import BaseModel


class ChainCheckpoint(BaseModel):
    """One row: the last ledger entry the chain was verified up to (a speed-up, not a proof)."""

    entry_id = IntegerField()
    hash = TextField()
    checked_at = DateTimeField()


class ChainAnchor(BaseModel):
    """Written by day close, append-only: the day's last entry, its hash and the entry count."""

    business_date = DateField(unique=True)
    entry_id = IntegerField()
    hash = TextField()
    entries = IntegerField()
    created_at = DateTimeField()
