"""到付 at hand-over: collected in the same transaction as the other charges, owed to the courier;
a parcel with money to collect never leaves unpaid."""

from __future__ import annotations

import pytest

from station.db.courier_models import ParcelCharge
from station.db.models import LedgerEntry
from station.db.parcel_models import Parcel
from station.domain.errors import InvalidInput, NotAllowed
from station.domain.orders import ItemLine


@pytest.fixture
def parcel(services, partner):
    batch = services.parcels.start_batch(partner, shelf=1, layer=1, carrier="ZTO")
    parcel = services.parcels.check_in(partner, "75123456780329", batch_id=batch.id).parcel
    services.couriers.set_charge(partner, parcel.id, kind="freight", amount_fen=1250)
    return parcel


def test_hand_over_collects_freight_collect_and_owes_it(services, partner, parcel):
    plan = services.pickup.plan([parcel.id])
    assert [(c.kind, c.amount_fen) for c in plan.charges] == [("courier_collect", 1250)]
    with pytest.raises(NotAllowed):  # nothing paid: nothing leaves
        services.pickup.hand_over(partner, [parcel.id], method="override", override_reason="t")
    with pytest.raises(InvalidInput):  # paid short: nothing leaves
        services.pickup.hand_over(partner, [parcel.id], method="override", override_reason="t", paid_fen=1000)
    assert Parcel.get_by_id(parcel.id).status == "in" and LedgerEntry.select().count() == 0
    done = services.pickup.hand_over(
        partner, [parcel.id], method="override", override_reason="t", paid_fen=1250, pay_method="wechat"
    )
    assert done.fee_fen == 1250 and [c.kind for c in done.charges] == ["courier_collect"]
    assert Parcel.get_by_id(parcel.id).status == "picked_up"
    assert ParcelCharge.get().collected_txn is not None
    assert services.ledger.balance("wechat") == 1250 and services.ledger.balance("courier:ZTO") == -1250
    assert services.couriers.charges_due([parcel.id]) == []


def test_an_orders_parcel_with_freight_collect_leaves_only_through_f2(services, partner, parcel):
    zhang = services.villagers.add(partner, name="张阿姨", phone="13611112222")
    order = services.purchases.create(
        partner, villager_id=zhang.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)], method="cash"
    ).order
    services.purchases.place(partner, order.id)
    services.parcels.set_recipient(partner, parcel.id, villager_id=zhang.id)
    services.purchases.link_parcel(partner, order.id, parcel.id)
    with pytest.raises(NotAllowed) as refused:
        services.purchases.hand_over(partner, order.id, payment_fen=15900)
    assert refused.value.key == "couriers.collect_in_f2"
    assert Parcel.get_by_id(parcel.id).status == "in" and services.ledger.balance("courier:ZTO") == 0


def test_an_orders_parcel_with_freight_collect_is_paid_in_one_step_at_f2(services, partner, parcel):
    zhang = services.villagers.add(partner, name="张阿姨", phone="13611112222")
    order = services.purchases.create(
        partner, villager_id=zhang.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)], method="cash"
    ).order
    services.purchases.place(partner, order.id)
    services.parcels.set_recipient(partner, parcel.id, villager_id=zhang.id)
    services.purchases.link_parcel(partner, order.id, parcel.id)
    plan = services.pickup.plan([parcel.id])
    assert sorted(c.kind for c in plan.charges) == ["courier_collect", "purchase"]
    services.pickup.hand_over(
        partner, [parcel.id], method="override", override_reason="t", paid_fen=plan.due_fen, pay_method="cash"
    )
    assert Parcel.get_by_id(parcel.id).status == "picked_up"
    assert services.ledger.balance("cash") == 16100 + 1250  # the order (¥2.00 service fee) and the 到付
    assert services.ledger.balance("courier:ZTO") == -1250
