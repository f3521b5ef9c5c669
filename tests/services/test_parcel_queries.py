"""The fixed-SQL hot paths (db/parcel_queries) agree with the peewee models they bypass."""

import datetime as dt
import sqlite3

import pytest
from peewee import fn

from station.db import parcel_queries
from station.db.parcel_models import Parcel
from station.services.parcels import ParcelInfo, parcel_info
from tests.conftest import NOV_23_0900


@pytest.fixture
def batch(services, partner):
    return services.parcels.start_batch(partner, shelf=2, layer=1)


def test_a_checked_in_row_is_what_the_model_would_have_written(services, partner, batch):
    checked = services.parcels.check_in(partner, "YT1234567890123", batch_id=batch.id)
    row = Parcel.get_by_id(checked.parcel.id)
    by_model = Parcel(
        tracking_no=row.tracking_no,
        tracking_tail=row.tracking_no[-4:],
        raw_scan=row.raw_scan,
        carrier=row.carrier,
        shelf=2,
        layer=1,
        seq=row.seq,
        pickup_code=row.pickup_code,
        checked_in_at=NOV_23_0900,
        batch=batch.id,
        checked_in_by=partner.id,
    )
    names = [field.name for field in Parcel._meta.sorted_fields if field.name != "id"]
    assert {name: row.__data__.get(name) for name in names} == {name: by_model.__data__.get(name) for name in names}
    assert checked.parcel == parcel_info(row)
    assert isinstance(row.checked_in_at, dt.datetime) and row.checked_in_at == NOV_23_0900


def test_a_time_with_microseconds_reads_back_the_same(services, partner, batch, clock):
    clock.at = dt.datetime(2026, 11, 23, 9, 30, 15, 123456)
    checked = services.parcels.check_in(partner, "YT1234567890124", batch_id=batch.id)
    assert Parcel.get_by_id(checked.parcel.id).checked_in_at == clock.at
    assert services.pickup.find_waiting(checked.parcel.pickup_code)[0].checked_in_at == clock.at


def test_look_ups_return_exactly_the_model_rows_in_every_state(services, partner, batch):
    zhang = services.villagers.add(partner, name="张三", phone="13800001111")
    ids = [services.parcels.check_in(partner, f"ZT{n:013d}", batch_id=batch.id).parcel.id for n in range(1, 7)]
    services.parcels.set_recipient(partner, ids[0], villager_id=zhang.id)
    services.parcels.set_recipient(partner, ids[1], villager_id=zhang.id)
    services.parcels.set_recipient(partner, ids[2], name="李四", phone="1111")  # tail only, same tail as 张三
    services.parcels.set_recipient(partner, ids[3], name="李四", phone="1111")
    services.parcels.mark_damaged(partner, ids[1], note="外箱破损")
    services.parcels.mark_notified(partner, [ids[0]], channel="phone", consent=True)
    services.parcels.mark_notified(partner, [ids[3]], channel="sms", consent=False, note="要送货上门")
    handed = services.pickup.hand_over(partner, [ids[4]], method="code", proof=Parcel.get_by_id(ids[4]).pickup_code)

    def model_rows(*parcel_ids):
        rows = Parcel.select().where(Parcel.id.in_(parcel_ids))
        return sorted((parcel_info(r) for r in rows), key=lambda p: (p.recipient_name, p.phone_tail, p.pickup_code))

    by_code = services.pickup.find_waiting(Parcel.get_by_id(ids[1]).pickup_code)
    assert by_code == model_rows(ids[0], ids[1])  # the villager's two, not 李四's
    assert by_code[0].consent is True and by_code[1].damaged is True and by_code[0].notified_at is not None
    assert services.pickup.find_waiting(Parcel.get_by_id(ids[2]).pickup_code) == model_rows(ids[2], ids[3])
    assert services.pickup.find_waiting(Parcel.get_by_id(ids[5]).pickup_code) == model_rows(ids[5])
    assert services.pickup.find_waiting("1111") == model_rows(ids[0], ids[1], ids[2], ids[3])
    assert services.pickup.find_waiting(handed.parcels[0].pickup_code) == []  # gone from the shelf
    tail = Parcel.get_by_id(ids[5]).tracking_tail
    assert services.pickup.find_waiting(tail) == model_rows(ids[5])
    assert services.pickup.find_waiting(Parcel.get_by_id(ids[5]).tracking_no.lower()) == model_rows(ids[5])


def test_every_statement_uses_a_live_parcel_index(services, partner):
    """The point of the module: no statement falls back to scanning the shelf or the history."""
    raw = sqlite3.connect(services.config.db_path)
    try:
        for sql in (
            parcel_queries.BY_CODE,
            parcel_queries.BY_TAIL,
            parcel_queries.BY_TRACKING_NO,
            parcel_queries.SEQS_ON_SHELF,
            parcel_queries.MAX_SEQ_ON_SHELF,
        ):
            plan = " | ".join(row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + sql, (1,) * sql.count("?")))
            searches = [step for step in plan.split(" | ") if step.startswith(("SEARCH p ", "SEARCH parcel "))]
            assert searches, plan
            assert all("parcel_live_" in step or "PRIMARY KEY" in step for step in searches), plan
        indexes = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'parcel'")}
        assert not indexes & {"parcel_phone_tail", "parcel_tracking_tail", "parcel_pickup_code"}  # m009
    finally:
        raw.close()


def test_check_in_on_an_ended_batch_counts_nothing(services, partner, batch):
    services.parcels.check_in(partner, "YT1234567890123", batch_id=batch.id)
    services.parcels.end_batch(partner, batch.id, claimed_count=1)
    before = (Parcel.select().count(), Parcel.select(fn.SUM(Parcel.seq)).scalar())
    with pytest.raises(Exception) as caught:
        services.parcels.check_in(partner, "YT1234567890999", batch_id=batch.id)
    assert caught.value.key == "parcels.batch_ended"
    assert (Parcel.select().count(), Parcel.select(fn.SUM(Parcel.seq)).scalar()) == before
    assert isinstance(services.pickup.find_waiting("0123")[0], ParcelInfo)
