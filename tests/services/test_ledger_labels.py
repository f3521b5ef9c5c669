"""Every reference and account the services post gets a label a partner reads, not a key."""

from station.domain.orders import ItemLine


def test_references_and_accounts_read_as_words(services, partner):
    labels = services.ledger_labels
    wang = services.villagers.add(partner, name="王大妈", phone="13611112222")
    order = services.purchases.create(partner, villager_id=wang.id, platform="pdd", items=[ItemLine("锅", 1, 5000)])
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcels = [services.parcels.check_in(partner, f"7512345678000{n}", batch_id=batch.id).parcel for n in range(5)]
    services.parcels.set_recipient(partner, parcels[0].id, villager_id=wang.id)

    assert labels.ref(f"purchase:{order.order.id}") == f"代购单 #{order.order.id} 王大妈"
    assert labels.ref(f"villager:{wang.id}") == "村民 王大妈"
    assert labels.ref(f"parcel:{parcels[0].id}") == f"包裹 {parcels[0].pickup_code} 王大妈"
    several = ",".join(f"parcel:{p.id}" for p in parcels)
    assert labels.ref(several).endswith("等 5 件 王大妈")
    assert "parcel:" not in labels.ref(several)
    assert labels.ref("courier:ZTO") == "快递往来 中通"
    assert labels.ref("purchase:999") == "purchase:999"  # gone: shown as stored, never invented

    assert labels.account("cash") == "现金"
    assert labels.account("wechat") == "微信"
    assert labels.account(f"villager:{wang.id}") == "村民 王大妈"
    assert labels.account("income:parcel_fee") == "收入：保管费"
    assert labels.account("expense:utility:electricity") == "支出：电费"
    assert labels.account("courier:ZTO") == "快递往来 中通"


def test_a_statement_line_knows_its_order_only_when_it_has_one(services, partner):
    wang = services.villagers.add(partner, name="王大妈", phone="13611112222")
    services.purchases.create(
        partner, villager_id=wang.id, platform="pdd", items=[ItemLine("锅", 1, 5000)], deposit_fen=8000
    )
    services.purchases.refund_credit(partner, wang.id, 3000, "cash")  # posted under villager:N
    lines = services.purchases.statement(wang.id)
    assert [(line.kind, line.order_no) for line in lines] == [("purchase.payment", 1), ("purchase.refund", None)]
