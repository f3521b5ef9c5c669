import subprocess
import sys
import textwrap

import pytest

from station.db.models import AuditEvent, LedgerEntry, PrintJob
from station.db.parcel_models import CourierBatch, Parcel, ParcelNotice
from station.domain.errors import InvalidInput, NotAllowed
from station.services.parcels import DuplicateScan
from station.services.pickup import VerificationFailed
from tests.printing.decode import decode


@pytest.fixture
def batch(services, partner):
    return services.parcels.start_batch(partner, shelf=3, layer=2, courier_name="中通小王")


def scan(services, partner, batch, number):
    return services.parcels.check_in(partner, number, batch_id=batch.id).parcel


def test_check_in_assigns_codes_and_counts_the_batch(services, partner, batch):
    first = services.parcels.check_in(partner, "75123456780329\r\n", batch_id=batch.id)
    assert first.parcel.pickup_code == "3-2-0001" and first.parcel.carrier == "ZTO"
    assert first.batch_count == 1
    second = services.parcels.check_in(partner, "75999999990007", batch_id=batch.id)
    assert second.parcel.pickup_code == "3-2-0002"  # scan order, whatever the waybill's tail
    row = Parcel.get_by_id(first.parcel.id)
    assert row.raw_scan == "75123456780329\r\n" and row.status == "in"
    assert CourierBatch.get_by_id(batch.id).scanned_count == 2


def test_duplicate_scan_is_refused_and_writes_nothing(services, partner, batch):
    scan(services, partner, batch, "SF1234567890123")
    with pytest.raises(DuplicateScan) as caught:
        services.parcels.check_in(partner, "sf 1234567890123", batch_id=batch.id)
    assert caught.value.values["tracking_no"] == "SF1234567890123"
    assert Parcel.select().count() == 1
    assert CourierBatch.get_by_id(batch.id).scanned_count == 1


@pytest.mark.parametrize("raw", ["", "12", "SF123!4567890", "快递"])
def test_bad_scans_write_nothing(services, partner, batch, raw):
    with pytest.raises(InvalidInput):
        services.parcels.check_in(partner, raw, batch_id=batch.id)
    assert Parcel.select().count() == 0


def test_bad_shelf_is_refused(services, partner):
    with pytest.raises(InvalidInput):
        services.parcels.start_batch(partner, shelf=99, layer=1)
    with pytest.raises(InvalidInput):
        services.parcels.start_batch(partner, shelf=1, layer=0)


def test_recipient_by_phone_links_the_villager_and_tail_alone_is_kept(services, partner, batch):
    villager = services.villagers.add(partner, name="李大爷", phone="13900005678")
    p1 = scan(services, partner, batch, "SF1234567890001")
    p2 = scan(services, partner, batch, "SF1234567890002")
    linked = services.parcels.set_recipient(partner, p1.id, phone="139 0000 5678")
    assert linked.villager_id == villager.id and linked.recipient_name == "李大爷"
    tail_only = services.parcels.set_recipient(partner, p2.id, phone="5678")
    assert tail_only.villager_id is None and tail_only.phone_tail == "5678"
    with pytest.raises(InvalidInput):
        services.parcels.set_recipient(partner, p2.id, phone="56789")


def test_batch_end_with_a_mismatch_needs_a_note(services, partner, batch):
    for n in range(3):
        scan(services, partner, batch, f"SF123456789010{n}")
    with pytest.raises(InvalidInput) as caught:
        services.parcels.end_batch(partner, batch.id, claimed_count=4)
    assert caught.value.key == "parcels.mismatch_needs_note"
    ended = services.parcels.end_batch(partner, batch.id, claimed_count=4, note="快递员少给一件，已电话确认")
    assert ended.claimed_count == 4 and ended.ended
    assert AuditEvent.select().where(AuditEvent.kind == "parcels.batch_mismatch").count() == 1
    with pytest.raises(NotAllowed):
        services.parcels.check_in(partner, "SF1234567899999", batch_id=batch.id)


def test_notification_and_refused_consent_are_logged(services, partner, batch):
    p1 = scan(services, partner, batch, "SF1234567890001")
    p2 = scan(services, partner, batch, "SF1234567890002")
    with pytest.raises(NotAllowed):  # nobody to tell yet
        services.parcels.mark_notified(partner, [p1.id, p2.id], channel="phone", consent=True)
    assert ParcelNotice.select().count() == 0
    services.parcels.set_recipient(partner, p1.id, phone="5678")
    services.parcels.set_recipient(partner, p2.id, name="王五")
    services.parcels.mark_notified(partner, [p1.id, p2.id], channel="phone", consent=True)
    with pytest.raises(InvalidInput):
        services.parcels.mark_notified(partner, [p1.id], channel="wechat", consent=False)
    services.parcels.mark_notified(partner, [p1.id], channel="wechat", consent=False, note="要求送货上门")
    assert Parcel.get_by_id(p1.id).consent is False and Parcel.get_by_id(p2.id).consent is True
    assert [n[1] for n in services.parcels.notices(p1.id)] == ["phone", "wechat"]
    assert services.parcels.unnotified() == []
    assert ParcelNotice.select().count() == 3


def two_for_li(services, partner, batch):
    li = services.villagers.add(partner, name="李大爷", phone="13900005678")
    neighbour = services.villagers.add(partner, name="李小红", phone="13700005678")
    parcels = [scan(services, partner, batch, n) for n in ("SF1234567890001", "SF1234567890002", "SF1234567890003")]
    services.parcels.set_recipient(partner, parcels[0].id, villager_id=li.id)
    services.parcels.set_recipient(partner, parcels[1].id, villager_id=li.id)
    services.parcels.set_recipient(partner, parcels[2].id, villager_id=neighbour.id)
    return parcels


def test_phone_tail_finds_both_people_with_names_to_tell_them_apart(services, partner, batch):
    two_for_li(services, partner, batch)
    found = services.pickup.find_waiting("5678")
    assert sorted(p.recipient_name for p in found) == ["李大爷", "李大爷", "李小红"]


def test_code_brings_all_parcels_of_the_same_person(services, partner, batch):
    parcels = two_for_li(services, partner, batch)
    found = services.pickup.find_waiting(parcels[0].pickup_code)
    assert {p.id for p in found} == {parcels[0].id, parcels[1].id}
    assert [p.id for p in services.pickup.find_waiting("ld")] == [parcels[0].id, parcels[1].id]
    assert [p.id for p in services.pickup.find_waiting("SF1234567890003")] == [parcels[2].id]


def test_hand_over_by_phone_tail_prints_a_receipt_job(services, partner, batch):
    parcels = two_for_li(services, partner, batch)
    result = services.pickup.hand_over(partner, [parcels[0].id, parcels[1].id], method="phone", proof="5678")
    assert {p.status for p in result.parcels} == {"picked_up"}
    job = PrintJob.get_by_id(result.job_id)
    assert job.kind == "pickup" and job.status == "queued"
    printed = decode(bytes(job.payload))
    assert "李*" in printed.text and parcels[0].pickup_code in printed.text
    assert "取件凭条" in printed.text
    with pytest.raises(NotAllowed):
        services.pickup.hand_over(partner, [parcels[0].id], method="phone", proof="5678")


def test_wrong_verification_hands_over_nothing(services, partner, batch):
    parcels = two_for_li(services, partner, batch)
    with pytest.raises(VerificationFailed):
        services.pickup.hand_over(partner, [p.id for p in parcels], method="code", proof=parcels[0].pickup_code)
    with pytest.raises(VerificationFailed):
        services.pickup.hand_over(partner, [parcels[0].id], method="phone", proof="1234")
    assert Parcel.select().where(Parcel.status == "picked_up").count() == 0
    assert PrintJob.select().count() == 0


def test_override_is_partner_only_and_logged(services, partner, assistant, batch):
    parcel = scan(services, partner, batch, "SF1234567890001")
    with pytest.raises(NotAllowed):
        services.pickup.hand_over(assistant, [parcel.id], method="override", override_reason="熟人")
    with pytest.raises(InvalidInput):
        services.pickup.hand_over(partner, [parcel.id], method="override")
    services.pickup.hand_over(
        partner, [parcel.id], method="override", override_reason="本人手机没电，站长认识", collected_by="李大爷儿子"
    )
    row = Parcel.get_by_id(parcel.id)
    assert row.verified_by == "override" and row.collected_by == "李大爷儿子"
    assert AuditEvent.select().where(AuditEvent.kind == "pickup.override").count() == 1


def test_undo_the_same_day_with_a_reason(services, partner, batch, clock):
    parcel = scan(services, partner, batch, "SF1234567890329")
    services.pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code)
    other = scan(services, partner, batch, "SF9999999990329")  # takes the freed seq 329
    assert other.pickup_code == parcel.pickup_code
    with pytest.raises(InvalidInput):
        services.pickup.undo_hand_over(partner, parcel.id, "")
    back = services.pickup.undo_hand_over(partner, parcel.id, "给错人了，已追回")
    assert back.status == "in" and back.pickup_code != other.pickup_code
    clock.advance(days=1)
    services.pickup.hand_over(partner, [parcel.id], method="code", proof=back.pickup_code)
    clock.advance(days=1)
    with pytest.raises(NotAllowed):
        services.pickup.undo_hand_over(partner, parcel.id, "late")


def test_overdue_buckets_and_batch_return(services, partner, batch, clock):
    old = scan(services, partner, batch, "SF1234567890001")
    clock.advance(days=5)
    mid = scan(services, partner, batch, "SF1234567890002")
    clock.advance(days=5)
    scan(services, partner, batch, "SF1234567890003")
    overdue = services.parcel_reports.overdue()
    assert [(o.parcel.id, o.days, o.bucket) for o in overdue] == [(old.id, 10, 2), (mid.id, 5, 1)]
    with pytest.raises(InvalidInput) as caught:
        services.parcel_reports.return_to_courier(partner, [old.id, mid.id], confirm_count=3)
    assert caught.value.key == "returns.count_mismatch"
    returned = services.parcel_reports.return_to_courier(partner, [old.id, mid.id], confirm_count=2, courier="中通小王")
    assert returned.batch_no == "R20261203-01"
    assert Parcel.get_by_id(old.id).status == "returned"
    assert "退件清单" in decode(bytes(PrintJob.get_by_id(returned.job_id).payload)).text
    assert services.parcel_reports.overdue() == []


def test_holding_fee_posts_to_the_ledger(config, clock, partner, services):
    import dataclasses

    from station.services.pickup import PickupService

    fee_config = dataclasses.replace(config.parcels, holding_fee_after_days=7, holding_fee_per_day_fen=50)
    pickup = PickupService(
        services.db, clock, services.audit, services.ledger, services.printing, fee_config, services.printing.t
    )
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, "SF1234567890001", batch_id=batch.id).parcel
    clock.advance(days=10)
    with pytest.raises(NotAllowed):  # the fee is due: nothing leaves unpaid
        pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code)
    assert pickup.plan([parcel.id]).due_fen == 150
    result = pickup.hand_over(partner, [parcel.id], method="code", proof=parcel.pickup_code, paid_fen=150)
    assert result.fee_fen == 150
    assert services.ledger.balance("income:parcel_fee") == -150
    assert LedgerEntry.select().count() == 2


def test_daily_log_by_carrier_and_csv(services, partner, batch, tmp_path):
    scan(services, partner, batch, "SF1234567890001")
    p = scan(services, partner, batch, "75123456789012")
    services.pickup.hand_over(partner, [p.id], method="code", proof=p.pickup_code)
    log = services.parcel_reports.daily_log(services.clock.now().date())
    assert log.arrivals == {"SF": 1, "ZTO": 1} and log.pickups == {"ZTO": 1}
    path = services.parcel_reports.write_daily_log(log.day, tmp_path / "log.csv")
    text = path.read_bytes().decode("utf-8-sig")
    assert text.count("\r\n") == 4 and "75123456789012" in text


def test_two_processes_checking_in_never_share_a_code(config, services, partner, tmp_path):
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    script = textwrap.dedent(f"""
        import sys
        from station.config import load_config
        from station.db.database import open_database
        from station.domain.clock import SystemClock
        from station.services.common import OperatorInfo
        from station.services.registry import build_services
        from station.services.parcels import DuplicateScan
        config = load_config({{"STATION_HOME": {str(config.data_dir)!r}}})
        services = build_services(open_database(config.db_path), config, SystemClock())
        me = OperatorInfo({partner.id}, "p", "partner")
        prefix = sys.argv[1]
        for n in range(60):
            try:
                services.parcels.check_in(me, f"{{prefix}}{{n:011d}}", batch_id={batch.id})
            except DuplicateScan:
                pass
    """)
    runner = tmp_path / "checkin.py"
    runner.write_text(script)
    procs = [subprocess.Popen([sys.executable, str(runner), prefix]) for prefix in ("SF00", "YT00")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    live = list(Parcel.select())
    assert len(live) == 120
    assert len({(p.shelf, p.seq) for p in live}) == 120
    assert len({p.pickup_code for p in live}) == 120
