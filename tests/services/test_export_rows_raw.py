"""The parcels of a month are exported from the database's own values (no per-cell model
conversion), and come out exactly as a model read would write them, however a time was stored."""

import datetime as dt

import pytest

from station.db.migrations import m014_parcel_returned_at_index
from station.db.parcel_models import Parcel
from station.domain.periods import parse_month
from station.services.export_rows import _at, parcel_rows, parcels_of_month

TIMES = ["checked_in_at", "notified_at", "picked_up_at", "returned_at"]


@pytest.mark.parametrize(
    "stored",
    [
        "2026-11-23 09:00:00",  # as peewee writes a datetime
        "2026-11-23 09:00:00.250000",  # with microseconds
        "2026-11-23T09:00:00",  # written by something else: converted as a model read would
        "2026-11-23",  # a date alone: midnight
        "2026-11-23 09:00:00.5",  # a short fraction: read as .500000
        "not a time",
        None,
    ],
)
def test_parcel_times_come_out_as_a_model_read_writes_them(services, partner, stored):
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id).parcel
    values = {name: stored for name in TIMES[1:]}
    services.db.execute_sql(
        "UPDATE parcel SET notified_at = ?, picked_up_at = ?, returned_at = ?, consent = 1 WHERE id = ?",
        (*values.values(), parcel.id),
    )
    [row] = list(parcel_rows(parse_month("2026-11")))
    model = Parcel.get_by_id(parcel.id)
    assert row[7:9] == [_at(model.checked_in_at), _at(model.notified_at)]
    assert (row[11], row[13]) == (_at(model.picked_up_at), _at(model.returned_at))
    assert row[10] == 1 and row[14] == 0
    assert isinstance(model.checked_in_at, dt.datetime)


def assert_three_index_ranges(db, month: str) -> None:
    sql, params = parcels_of_month(parse_month(month)).sql()
    plan = [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
    assert not any(step.startswith("SCAN") for step in plan), plan
    for index in ("parcel_checked_in_at", "parcel_picked_up_at", "parcel_returned_at"):
        assert any(f"USING INDEX {index} " in step for step in plan), plan


def test_the_months_parcels_are_three_index_ranges_not_the_whole_history(services):
    """A station with years of parcels exports a month by reading that month's: the query is
    planned as a search of the three times' indexes (m014 adds the third), never a scan."""
    assert_three_index_ranges(services.db, "2026-11")


@pytest.mark.parametrize(
    "theirs",
    [
        "ON parcel (returned_at)",  # what peewee's index=True or a hand would make: SQLite then scans
        "ON parcel (status)",
        "ON ledger_entry (at)",
    ],
)
def test_an_index_already_named_parcel_returned_at_is_replaced_by_the_migrations_own(services, theirs):
    """A database where someone made an index of that name before m014 ran: the migration does
    not take the name for its index (the export would read every parcel again)."""
    services.db.execute_sql("DROP INDEX parcel_returned_at")
    services.db.execute_sql(f"CREATE INDEX parcel_returned_at {theirs}")
    with services.db.atomic():
        m014_parcel_returned_at_index(services.db)
    assert_three_index_ranges(services.db, "2026-11")


def test_a_parcel_is_in_the_month_it_was_checked_in_picked_up_or_returned_in_by_id(services, partner):
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    ids = [services.parcels.check_in(partner, f"SF12345678901{n:02d}", batch_id=batch.id).parcel.id for n in range(5)]
    october, december = "2026-10-20 10:00:00", "2026-12-02 10:00:00"
    for parcel_id, checked_in, picked_up, returned in (
        (ids[0], october, None, "2026-11-05 08:00:00"),  # returned in the month only
        (ids[1], october, "2026-11-30 23:59:59", None),  # picked up in the month only
        (ids[2], october, december, None),  # nothing in the month
        (ids[3], october, None, None),  # nothing in the month
    ):
        services.db.execute_sql(
            "UPDATE parcel SET checked_in_at = ?, picked_up_at = ?, returned_at = ? WHERE id = ?",
            (checked_in, picked_up, returned, parcel_id),
        )
    assert [row[0] for row in parcel_rows(parse_month("2026-11"))] == [ids[0], ids[1], ids[4]]
