"""`station demo` stopped part-way (killed, a disk error) leaves the database as it found it, so
running it again fills it: it was a dozen transactions, and a second run refused the station
half of them had set up as "not empty"."""

from __future__ import annotations

import pytest

from station.services import demo
from station.services.demo import fill_demo


class Killed(RuntimeError):
    pass


def test_a_demo_stopped_part_way_leaves_the_database_empty_and_runs_again(services, monkeypatch):
    def stop(*args, **kwargs):
        raise Killed  # late: the station, its operators, villagers and most areas are written

    monkeypatch.setattr(demo, "demo_couriers", stop)
    with pytest.raises(Killed):
        fill_demo(services, villagers=5)
    assert services.operators.needs_setup()
    monkeypatch.undo()
    summary = fill_demo(services, villagers=5)
    assert summary.villagers == services.villagers.count() > 5
