"""Hand-over with money due: an order's balance is collected with its parcel, in one transaction."""

import pytest

from station.db.models import PrintJob
from station.db.parcel_models import Parcel
from station.db.purchase_models import Purchase
from station.domain.errors import InvalidInput, NotAllowed
from station.domain.orders import ItemLine
from tests.printing.decode import decode


@pytest.fixture
def zhang(services, partner):
    return services.villagers.add(partner, name="张阿姨", phone="13611112222")


def arrived_order(services, partner, zhang, tracking="YT1234567890123", deposit=10000):
    order = services.purchases.create(
        partner,
        villager_id=zhang.id,
        platform="pdd",
        items=[ItemLine("电饭煲", 1, 15900)],
        service_fee_fen=200,
        deposit_fen=deposit,
        method="wechat",
    ).order
    services.purchases.place(partner, order.id)
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, tracking, batch_id=batch.id).parcel
    services.parcels.set_recipient(partner, parcel.id, villager_id=zhang.id)
    services.purchases.link_parcel(partner, order.id, parcel.id)
    return order, parcel


def test_the_plan_names_the_order_balance(services, partner, zhang):
    order, parcel = arrived_order(services, partner, zhang)
    plan = services.pickup.plan([parcel.id])
    assert plan.recipients == ("张阿姨",)
    assert [(c.kind, c.ref_id, c.amount_fen) for c in plan.charges] == [("purchase", order.id, 6100)]
    assert plan.due_fen == 6100


def test_a_linked_parcel_does_not_leave_unpaid(services, partner, zhang):
    order, parcel = arrived_order(services, partner, zhang)
    with pytest.raises(NotAllowed):
        services.pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code)
    with pytest.raises(InvalidInput):
        services.pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code, paid_fen=5000)
    assert Parcel.get_by_id(parcel.id).status == "in"
    assert Purchase.get_by_id(order.id).status == "arrived"
    assert services.ledger.balance("cash") == 0


def test_parcel_order_ledger_and_one_receipt_in_one_step(services, partner, zhang):
    order, parcel = arrived_order(services, partner, zhang)
    jobs_before = PrintJob.select().count()
    result = services.pickup.hand_over(
        partner, [parcel.id], method="code", proof=parcel.pickup_code, paid_fen=6100, pay_method="cash"
    )
    assert result.fee_fen == 6100
    assert Parcel.get_by_id(parcel.id).status == "picked_up"
    assert Purchase.get_by_id(order.id).status == "handed_over"
    assert services.purchases.balance(zhang.id) == 0
    assert services.ledger.balance("cash") == 6100
    assert PrintJob.select().count() == jobs_before + 1
    printed = decode(bytes(PrintJob.get_by_id(result.job_id).payload)).text
    assert "#" + str(order.id) in printed and "61.00" in printed


def test_an_order_paid_ahead_still_hands_over_with_its_parcel(services, partner, zhang):
    order, parcel = arrived_order(services, partner, zhang, deposit=16100)
    plan = services.pickup.plan([parcel.id])
    assert plan.due_fen == 0 and [c.kind for c in plan.charges] == ["purchase"]
    services.pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code)
    assert Purchase.get_by_id(order.id).status == "handed_over"


def test_override_and_someone_else_collecting_also_pay(services, partner, zhang):
    order, parcel = arrived_order(services, partner, zhang)
    with pytest.raises(NotAllowed):
        services.pickup.hand_over(partner, [parcel.id], method="override", override_reason="熟人", collected_by="邻居")
    services.pickup.hand_over(
        partner, [parcel.id], method="override", override_reason="熟人", collected_by="邻居", paid_fen=6100
    )
    assert Purchase.get_by_id(order.id).status == "handed_over"


def test_an_order_handed_over_in_f3_takes_its_parcels_off_the_shelf(services, partner, zhang):
    order, parcel = arrived_order(services, partner, zhang)
    services.purchases.hand_over(partner, order.id, payment_fen=6100, method="cash")
    row = Parcel.get_by_id(parcel.id)
    assert row.status == "picked_up" and row.verified_by == "order" and row.picked_up_at is not None
    assert services.pickup.find_waiting(parcel.pickup_code) == []


def test_undo_refuses_a_parcel_that_left_with_a_paid_order(services, partner, zhang):
    order, parcel = arrived_order(services, partner, zhang)
    services.pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code, paid_fen=6100)
    with pytest.raises(NotAllowed):
        services.pickup.undo_hand_over(partner, parcel.id, "手误")
    assert Parcel.get_by_id(parcel.id).status == "picked_up"
    assert Purchase.get_by_id(order.id).status == "handed_over"


def test_two_people_with_the_same_tail_need_the_second_confirmation(services, partner):
    li = services.villagers.add(partner, name="李大爷", phone="13900005678")
    hong = services.villagers.add(partner, name="李小红", phone="13700005678")
    batch = services.parcels.start_batch(partner, shelf=2, layer=1)
    ids = []
    for number, who in (("SF1234567890001", li), ("SF1234567890002", hong)):
        p = services.parcels.check_in(partner, number, batch_id=batch.id).parcel
        services.parcels.set_recipient(partner, p.id, villager_id=who.id)
        ids.append(p.id)
    assert services.pickup.plan(ids).recipients == ("李大爷", "李小红")
    with pytest.raises(NotAllowed):
        services.pickup.hand_over(partner, ids, method="phone", proof="5678")
    services.pickup.hand_over(partner, ids, method="phone", proof="5678", several_people=True)
    assert Parcel.select().where(Parcel.status == "picked_up").count() == 2


def test_todays_hand_overs_by_code_name_or_tail(services, partner):
    li = services.villagers.add(partner, name="李大爷", phone="13900005678")
    batch = services.parcels.start_batch(partner, shelf=2, layer=1)
    p = services.parcels.check_in(partner, "SF1234567894321", batch_id=batch.id).parcel
    services.parcels.set_recipient(partner, p.id, villager_id=li.id)
    services.pickup.hand_over(partner, [p.id], method="phone", proof="5678")
    for text in ("", "2-1-0001", "李大", "5678", "4321"):
        assert [x.id for x in services.pickup.handed_over_today(text)] == [p.id], text
    assert services.pickup.handed_over_today("王") == []


def test_an_order_handed_over_in_f3_never_takes_a_parcel_with_a_holding_fee_owed(config, clock, partner, services):
    """The F3 path must not be a way round the parcel desk's holding fee: it sends the partner to F2."""
    import dataclasses

    from station.services.registry import build_services

    fees = dataclasses.replace(config.parcels, holding_fee_after_days=7, holding_fee_per_day_fen=50)
    services = build_services(services.db, dataclasses.replace(config, parcels=fees), clock)
    zhang = services.villagers.add(partner, name="张阿姨", phone="13611112222")
    order, parcel = arrived_order(services, partner, zhang)
    clock.advance(days=10)  # three days over the free week: ¥1.50 owed for the shelf
    with pytest.raises(NotAllowed) as caught:
        services.purchases.hand_over(partner, order.id, payment_fen=6100, method="cash")
    assert caught.value.key == "handover.fee_in_f2" and caught.value.values["amount_fen"] == 150
    assert Purchase.get_by_id(order.id).status != "handed_over" and Parcel.get_by_id(parcel.id).status == "in"
    plan = services.pickup.plan([parcel.id])  # F2 takes the fee and the balance together
    services.pickup.hand_over(
        partner, [parcel.id], method="code", proof=parcel.pickup_code, paid_fen=plan.due_fen, pay_method="cash"
    )
    assert Purchase.get_by_id(order.id).status == "handed_over"
    assert services.ledger.balance("income:parcel_fee") == -150
