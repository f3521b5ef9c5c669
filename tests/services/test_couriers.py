"""Courier money: rate cards on file, 到付 collected and owed, 寄件, statements, settlement."""

from __future__ import annotations

import datetime as dt

import pytest

from station.db.courier_models import CourierRateCard, ParcelCharge, Shipment
from station.db.models import LedgerEntry, PrintJob
from station.domain.errors import InvalidInput, NotAllowed
from station.services.couriers import account
from station.services.rate_cards import read_cards, write_cards
from tests.courier_setup import SAMPLE, check_in, hand_over, send
from tests.printing.decode import decode


def test_the_sample_cards_import_and_round_trip_through_toml_and_csv(services, cards, tmp_path):
    assert [(c.courier, c.version) for c in cards] == [("ZTO", 1), ("YD", 1)]
    for name in ("cards.toml", "cards.csv"):
        written = write_cards(services.rate_cards.cards(), tmp_path / name)
        again = read_cards(written)
        assert sorted(again, key=lambda c: c.courier) == sorted(
            (c.__class__(**{**c.__dict__, "version": 0}) for c in services.rate_cards.cards()),
            key=lambda c: c.courier,
        )
    assert "SAMPLE" in SAMPLE.read_text(encoding="utf-8").splitlines()[0]


def test_a_file_with_one_bad_card_adds_nothing(services, partner, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace('delivery_fee_yuan = "0.40"', 'delivery_fee_yuan = "0.4.0"')
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput):
        services.rate_cards.import_file(partner, bad)
    assert CourierRateCard.select().count() == 0


def test_an_assistant_cannot_change_rate_cards(services, assistant):
    with pytest.raises(NotAllowed):
        services.rate_cards.import_file(assistant, SAMPLE)


def test_freight_collect_is_collected_at_hand_over_and_owed_to_the_courier(services, partner, cards):
    parcel = check_in(services, partner, "75123456780329")
    with pytest.raises(InvalidInput):
        services.couriers.set_charge(partner, parcel.id, kind="gift", amount_fen=100)
    services.couriers.set_charge(partner, parcel.id, kind="freight", amount_fen=1200)
    assert [c.amount_fen for c in services.couriers.charges_due([parcel.id])] == [1200]
    txn = services.couriers.collect(partner, [parcel.id], method="cash")
    assert services.ledger.balance(account("ZTO")) == -1200
    assert services.ledger.balance("cash") == 1200
    assert services.couriers.charges_due([parcel.id]) == []
    assert ParcelCharge.get().collected_txn == txn
    assert services.couriers.collect(partner, [parcel.id], method="cash") is None  # never twice
    with pytest.raises(NotAllowed):
        services.couriers.set_charge(partner, parcel.id, kind="freight", amount_fen=1)


def test_a_reversed_collection_makes_the_freight_due_again(services, partner, cards):
    """The money went back to the villager: the parcel must not then leave with nothing paid."""
    parcel = check_in(services, partner, "75123456780329")
    services.couriers.set_charge(partner, parcel.id, kind="freight", amount_fen=1200)
    txn = services.couriers.collect(partner, [parcel.id], method="cash")
    assert services.couriers.charges_due([parcel.id]) == []
    services.ledger.reverse(txn, "退给村民", partner)
    assert [c.amount_fen for c in services.couriers.charges_due([parcel.id])] == [1200]
    again = services.couriers.collect(partner, [parcel.id], method="cash")
    assert again != txn and services.couriers.charges_due([parcel.id]) == []
    assert services.ledger.balance(account("ZTO")) == -1200 and services.ledger.balance("cash") == 1200


def test_only_a_partner_lowers_or_waives_a_freight_collect_amount(services, partner, assistant, cards):
    parcel = check_in(services, partner, "75123456780329")
    services.couriers.set_charge(assistant, parcel.id, kind="freight", amount_fen=1200)
    services.couriers.set_charge(assistant, parcel.id, kind="freight", amount_fen=1500)  # raising it is counter work
    for lower in (0, 100):
        with pytest.raises(NotAllowed):
            services.couriers.set_charge(assistant, parcel.id, kind="freight", amount_fen=lower)
    assert [c.amount_fen for c in services.couriers.charges_due([parcel.id])] == [1500]
    services.couriers.set_charge(partner, parcel.id, kind="freight", amount_fen=0)
    assert services.couriers.charges_due([parcel.id]) == []


def test_sending_with_an_override_needs_a_reason(services, partner, cards, sender):
    details = dict(
        sender_id=sender.id,
        receiver_name="赵小明",
        receiver_phone="13712345678",
        receiver_address="杭州市西湖区文三路 1 号",
        province="浙江省",
        weight_g=3010,  # over the 3 kg flat band: ¥8 + 3 × ¥2
        contents="土鸡蛋",
        courier="ZTO",
        method="cash",
    )
    quote, _ = services.sending.quote("ZTO", "浙江省", 3010)
    assert quote.freight_fen == 1400
    with pytest.raises(InvalidInput) as refused:
        services.sending.send(partner, **details, freight_fen=1200)
    assert refused.value.key == "sending.override_needs_reason"
    assert Shipment.select().count() == 0 and LedgerEntry.select().count() == 0
    sent = services.sending.send(partner, **details, freight_fen=1200, override_reason="老客户优惠")
    shipment = sent.shipment
    assert (shipment.quoted_fen, shipment.freight_fen, shipment.commission_fen) == (1400, 1200, 120)
    assert services.ledger.balance("cash") == 1200
    assert services.ledger.balance(account("ZTO")) == -1080  # owed to the courier, less 10 %
    assert services.ledger.balance("income:sending_commission") == -120
    text = decode(PrintJob.get_by_id(sent.job_id).payload).text
    assert shipment.shipment_no in text and "137****5678" in text and "13712345678" not in text
    tracked = services.sending.set_tracking(partner, shipment.id, "75000011112222")
    assert tracked.tracking_no == "75000011112222"


def test_a_batch_to_the_courier_with_a_wrong_count_needs_a_note(services, partner, cards, sender):
    ids = []
    for _ in range(2):
        sent = send(services, partner, sender, weight_g=500, method="wechat")
        ids.append(sent.shipment.id)
    with pytest.raises(InvalidInput) as refused:
        services.sending.hand_over_batch(partner, "ZTO", ids, claimed_count=1)
    assert refused.value.key == "sending.count_mismatch"
    done = services.sending.hand_over_batch(partner, "zto", ids, claimed_count=2, courier_name="小王")
    assert done.count == 2
    assert services.sending.shipments(status="waiting") == []
    with pytest.raises(NotAllowed):
        services.sending.hand_over_batch(partner, "ZTO", ids, claimed_count=2)


def test_a_statement_equals_the_sum_of_its_lines_and_settling_posts_to_the_ledger(
    services, partner, cards, sender, clock
):
    # October: 2 parcels handed over (fees ¥1.00), November: 3 parcels + a 到付 + a 寄件 + a payment
    clock.at = dt.datetime(2026, 10, 30, 10, 0)
    for n in range(2):
        hand_over(services, partner, check_in(services, partner, f"7512345678{n:04d}").id)
    clock.at = dt.datetime(2026, 11, 2, 10, 0)
    ids = [check_in(services, partner, f"7512345679{n:04d}").id for n in range(3)]
    services.couriers.set_charge(partner, ids[0], kind="cod", amount_fen=5000)
    services.couriers.collect(partner, [ids[0]], method="cash")
    for pid in ids:
        hand_over(services, partner, pid)
    check_in(services, partner, "75123456790099")  # still on the shelf: earns nothing yet
    check_in(services, partner, "YT1234567890123", carrier="YTO")  # no card: nothing
    send(services, partner, sender, weight_g=1500)  # ¥15.00 freight, ¥1.50 commission → ¥13.50 owed to ZTO
    clock.at = dt.datetime(2026, 11, 5, 10, 0)
    services.couriers.record_payment(partner, "ZTO", 2000, direction="out", method="wechat", note="结10月")

    statement = services.couriers.statement("ZTO", "2026-11")
    assert statement.opening_fen == 100
    assert statement.closing_fen == statement.opening_fen + sum(line.amount_fen for line in statement.lines)
    assert statement.fees_fen == 150 and statement.parcels == 3
    assert statement.total("collect") == -5000
    assert statement.total("sending") == -1350
    assert statement.total("payment") == 2000
    assert statement.closing_fen == 100 + 150 - 5000 - 1350 + 2000 == -4100  # the station owes ZTO ¥41.00
    assert services.couriers.balance("ZTO") == -4100
    printed = decode(PrintJob.get_by_id(services.couriers.print_statement(partner, "ZTO", "2026-11")).payload).text
    assert "快递对账单" in printed and "期末余额" in printed and "-￥41.00" in printed and "本站应付快递公司" in printed

    settled = services.couriers.settle(partner, "ZTO", through=dt.date(2026, 11, 30), method="bank")
    assert settled.fees_posted_fen == 250 and settled.paid_fen == -4100
    assert services.ledger.balance(account("ZTO")) == 0
    assert services.ledger.balance("income:delivery_fee") == -250
    assert services.couriers.balance("ZTO") == 0
    after = services.couriers.statement("ZTO", "2026-11")
    assert after.closing_fen == 0 and after.total("payment") == 2000 + 4100  # both paid to ZTO
    with pytest.raises(NotAllowed):
        services.couriers.settle(partner, "ZTO", through=dt.date(2026, 11, 30), method="bank")
    assert services.ledger.verify_chain() is None
    # a card dated into a settled stretch would change posted fees: refused
    card = services.rate_cards.cards("ZTO")[0]
    with pytest.raises(InvalidInput):
        services.rate_cards.add(partner, card.__class__(**{**card.__dict__, "effective_from": dt.date(2026, 11, 3)}))


def test_fees_follow_the_contract_basis(services, partner, cards, clock):
    clock.at = dt.datetime(2026, 11, 2, 10, 0)
    check_in(services, partner, "312345678901234", carrier="YD")  # Yunda pays per check-in
    lines = services.couriers.fee_lines("YD", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert [(line.day, line.parcels, line.amount_fen) for line in lines] == [(dt.date(2026, 11, 2), 1, 40)]
    income = services.couriers.income_by_courier(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert income == [("YD", 1, 40, 0)]


def test_settling_last_month_leaves_this_months_money_for_later(services, partner, cards, clock):
    clock.at = dt.datetime(2026, 10, 30, 10, 0)
    for n in range(4):
        hand_over(services, partner, check_in(services, partner, f"7512345678{n:04d}").id)  # ¥2.00 fees
    clock.at = dt.datetime(2026, 11, 3, 10, 0)
    parcel = check_in(services, partner, "75123456790001")
    services.couriers.set_charge(partner, parcel.id, kind="freight", amount_fen=800)
    services.couriers.collect(partner, [parcel.id], method="cash")  # November: ¥8.00 owed to ZTO
    settled = services.couriers.settle(partner, "ZTO", through=dt.date(2026, 10, 31), method="cash")
    assert (settled.fees_posted_fen, settled.paid_fen) == (200, 200)  # ZTO paid October's fees
    assert services.couriers.statement("ZTO", "2026-10").closing_fen == 200  # before the payment (Nov 3)
    november = services.couriers.statement("ZTO", "2026-11")
    assert november.opening_fen == 200 and november.closing_fen == 200 - 800 - 200
    with pytest.raises(NotAllowed):  # October is settled: nothing more is due for it
        services.couriers.settle(partner, "ZTO", through=dt.date(2026, 10, 31), method="cash")
    # the fee posting is reversed by mistake: the next settlement posts it again
    fee_txn = LedgerEntry.get(LedgerEntry.kind == "courier.fees").txn
    services.ledger.reverse(fee_txn, "误冲", partner)
    assert services.couriers.balance("ZTO") == -800  # the statement does not move
    again = services.couriers.settle(partner, "ZTO", through=dt.date(2026, 11, 3), method="cash")
    assert (again.fees_posted_fen, again.paid_fen) == (200, -800)
    assert services.ledger.balance(account("ZTO")) == 0 and services.couriers.balance("ZTO") == 0
    assert services.ledger.balance("income:delivery_fee") == -200
    with pytest.raises(NotAllowed):
        services.couriers.settle(partner, "ZTO", through=dt.date(2026, 10, 31), method="cash")


def test_export_rows_carry_each_couriers_month_and_the_parcels_sent(services, partner, cards, sender):
    from station.domain.periods import parse_month
    from station.services.courier_export import courier_account_rows, shipment_rows
    from station.services.export_tables import TABLE_BY_NAME

    hand_over(services, partner, check_in(services, partner, "75123456780001").id)
    send(services, partner, sender, receiver_name="买家王五", receiver_address="上海市浦东新区某路 8 号", weight_g=800)
    month = parse_month("2026-11")
    accounts = {row[0]: row for row in courier_account_rows(month)}
    assert len(accounts["ZTO"]) == len(TABLE_BY_NAME["courier_accounts"].columns)
    assert accounts["ZTO"][2:4] == [1, "0.50"] and accounts["ZTO"][5] == "9.00"  # ¥10 freight less 10 %
    assert accounts["ZTO"][-1] == "-8.50" and accounts["YD"][2] == 0
    (shipment,) = list(shipment_rows(month))
    assert len(shipment) == len(TABLE_BY_NAME["shipments"].columns)
    assert "上海市浦东新区某路 8 号" not in shipment  # the address never leaves the station
    assert list(shipment_rows(parse_month("2026-10"))) == []


def test_the_county_export_carries_courier_accounts_and_masked_shipments(services, partner, cards, sender, tmp_path):
    import csv

    from station.services.export_verify import verify

    def read_csv(path):
        return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))

    hand_over(services, partner, check_in(services, partner, "75123456780001").id)
    send(services, partner, sender, receiver_name="买家王五", receiver_address="上海市浦东新区某路 8 号", weight_g=800)
    out = tmp_path / "export"
    services.exports.export(partner, "2026-11", out)
    assert verify(out) == []
    accounts = {row["courier"]: row for row in read_csv(out / "courier_accounts.csv")}
    assert accounts["ZTO"]["fees_yuan"] == "0.50" and accounts["ZTO"]["closing_yuan"] == "-8.50"
    (shipment,) = read_csv(out / "shipments.csv")
    assert (shipment["receiver"], shipment["receiver_phone"], shipment["sender"]) == ("买***", "137****5678", "赵**")
    raw = (out / "shipments.csv").read_text(encoding="utf-8-sig")
    assert "13712345678" not in raw and "浦东" not in raw


def test_the_county_roll_up_shows_what_parcel_work_earns(services, partner, cards, sender, clock, config, tmp_path):
    from station.services.county import connect_county, enrol, report
    from station.services.county_batch import load_many
    from station.services.signing import load_key

    for n in range(4):
        hand_over(services, partner, check_in(services, partner, f"7512345678{n:04d}").id)  # ¥2.00 fees
    send(services, partner, sender, weight_g=800)  # ¥10.00 freight, ¥1.00 commission, ¥9.00 owed to ZTO
    out = tmp_path / "export"
    services.exports.export(partner, "2026-11", out)
    url = str(tmp_path / "county.db")
    db = connect_county(url)
    enrol(db, "ZJ-0317", load_key(config.data_dir).public_b64, clock.now())
    db.close()
    assert [o.status for o in load_many(url, [out], clock.now())] == ["loaded"]
    db = connect_county(url)
    rows, totals, _ = report("2026-11")
    assert (rows[0].parcel_income_fen, rows[0].courier_balance_fen) == (300, 200 - 900)
    assert totals["parcel_income_fen"] == 300
    db.close()


def test_settling_a_couriers_account_is_the_partners_call(services, partner, assistant):
    """An assistant records a single payment to or from the courier; closing the account up to
    a day (fees posted, the whole balance paid) is refused and leaves no posting."""
    services.couriers.record_payment(assistant, "ZTO", 2000, direction="in", method="cash")
    entries = LedgerEntry.select().count()
    with pytest.raises(NotAllowed) as refused:
        services.couriers.settle(assistant, "ZTO", through=services.clock.now().date(), method="cash")
    assert refused.value.key == "access.denied" and refused.value.values["action_key"] == "action.courier.settle"
    assert LedgerEntry.select().count() == entries and services.couriers.balance("ZTO") == -2000
    settled = services.couriers.settle(partner, "ZTO", through=services.clock.now().date(), method="cash")
    assert settled.paid_fen == -2000 and services.couriers.balance("ZTO") == 0
