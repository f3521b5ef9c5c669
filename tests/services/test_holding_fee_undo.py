"""A holding fee is paid once: undoing a hand-over and handing over again does not take it twice."""

from __future__ import annotations

import dataclasses

from station.db.models import LedgerEntry
from station.services.pickup import PickupService


def test_a_holding_fee_paid_before_an_undo_is_not_taken_again(config, clock, partner, services):
    fees = dataclasses.replace(config.parcels, holding_fee_after_days=7, holding_fee_per_day_fen=50)
    pickup = PickupService(
        services.db, clock, services.audit, services.ledger, services.printing, fees, services.printing.t
    )
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, "SF1234567890001", batch_id=batch.id).parcel
    clock.advance(days=10)
    pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code, paid_fen=150)
    back = pickup.undo_hand_over(partner, parcel.id, "交错了人")
    assert pickup.plan([parcel.id]).due_fen == 0  # paid this morning; no day has passed since
    pickup.hand_over(partner, [parcel.id], method="code", proof=back.pickup_code)
    assert services.ledger.balance("income:parcel_fee") == -150
    assert LedgerEntry.select().where(LedgerEntry.kind == "parcel.holding_fee").count() == 2  # one posting


def test_a_reversed_holding_fee_is_due_again(config, clock, partner, services):
    fees = dataclasses.replace(config.parcels, holding_fee_after_days=7, holding_fee_per_day_fen=50)
    pickup = PickupService(
        services.db, clock, services.audit, services.ledger, services.printing, fees, services.printing.t
    )
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, "SF1234567890001", batch_id=batch.id).parcel
    clock.advance(days=10)
    pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code, paid_fen=150)
    back = pickup.undo_hand_over(partner, parcel.id, "交错了人")
    txn = LedgerEntry.get(LedgerEntry.kind == "parcel.holding_fee").txn
    services.ledger.reverse(txn, "退给村民", partner)  # the fee handed back: due again
    assert pickup.plan([back.id]).due_fen == 150
