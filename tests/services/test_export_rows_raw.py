"""The parcels of a month are exported from the database's own values (no per-cell model
conversion), and come out exactly as a model read would write them, however a time was stored."""

import datetime as dt

import pytest

from station.db.parcel_models import Parcel
from station.domain.periods import parse_month
from station.services.export_rows import _at, parcel_rows

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
