"""Crash safety (SIGKILL mid-write), a full disk, two processes on one database."""

import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import peewee
import pytest

from station.db.database import open_database
from station.db.models import LedgerEntry
from station.db.parcel_models import Parcel
from station.domain.clock import SystemClock
from station.services.db_errors import as_station_error
from station.services.ledger import Line
from station.services.registry import build_services

WRITER = textwrap.dedent("""
    import sys
    import time
    from station.config import load_config
    from station.db.database import open_database
    from station.domain.clock import SystemClock
    from station.services.common import OperatorInfo
    from station.services.ledger import Line
    from station.services.registry import build_services

    config = load_config({"STATION_HOME": sys.argv[1]})
    services = build_services(open_database(config.db_path), config, SystemClock())
    me = OperatorInfo(1, "p", "partner")
    batch = services.parcels.start_batch(me, shelf=1, layer=1)
    n = int(sys.argv[2])
    pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0  # a counter's think time between sales
    while True:
        n += 1
        with services.db.atomic():
            posting = services.ledger.post("purchase.payment", f"purchase:{n}",
                                           [Line("cash", n, "cash"), Line("villager:1", -n)], operator_id=1)
            services.parcels.check_in(me, f"SF{n:013d}", batch_id=batch.id)
        print(posting.txn, flush=True)  # reported only after the commit
        time.sleep(pause)
""")


def test_sigkill_at_random_moments_loses_nothing_committed(config, services, partner, tmp_path):
    services.db.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(20261123)
    reported: set[int] = set()
    for trial in range(20):
        process = subprocess.Popen(
            [sys.executable, str(script), str(config.data_dir), str(trial * 100000)], stdout=subprocess.PIPE, text=True
        )
        first = process.stdout.readline()  # started and committing (start-up is slow on a busy machine)
        time.sleep(rng.random() * 0.4)
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        reported |= {int(line) for line in (first + out).split()}
        raw = sqlite3.connect(config.db_path)
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"trial {trial}"
        raw.close()
    db = open_database(config.db_path)
    own = build_services(db, config, SystemClock())
    assert own.ledger.verify_chain() is None
    in_db = {row.txn for row in LedgerEntry.select(LedgerEntry.txn).distinct()}
    assert reported and reported <= in_db
    parcels = Parcel.select().count()
    assert parcels == len(in_db)  # each committed posting came with its parcel, none half-written
    db.close()


def test_a_full_disk_is_a_clear_error_and_writes_nothing(services, partner):
    pages = services.db.execute_sql("PRAGMA page_count").fetchone()[0]
    services.db.execute_sql(f"PRAGMA max_page_count = {pages + 3}")
    batch = services.parcels.start_batch(partner, shelf=1, layer=1)
    memo = "x" * 3000
    written = 0
    with pytest.raises(peewee.OperationalError) as caught:
        for _n in range(10_000):
            services.ledger.post(
                "x", "", [Line("cash", 1, memo=memo), Line("y", -1, memo=memo)], operator_id=partner.id
            )
            written += 1
    error = as_station_error(caught.value)
    assert error is not None and error.key == "db.full"
    assert LedgerEntry.select().count() == written * 2  # the failed posting left no line behind
    assert services.ledger.verify_chain() is None
    services.db.execute_sql("PRAGMA max_page_count = 1073741823")
    services.parcels.check_in(partner, "SF1234567890123", batch_id=batch.id)  # and work goes on


def test_a_counter_and_an_export_work_side_by_side(config, services, partner, tmp_path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    services.db.close()
    process = subprocess.Popen(
        [sys.executable, str(script), str(config.data_dir), "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        db = open_database(config.db_path)
        own = build_services(db, config, SystemClock())
        for n in range(5):
            own.exports.export(partner, SystemClock().now().strftime("%Y-%m"), tmp_path / f"export-{n}")
            own.parcel_reports.tile()
    finally:
        process.send_signal(signal.SIGKILL)
        _, err = process.communicate(timeout=30)
    assert "locked" not in err
    from station.services.exports import verify

    assert verify(tmp_path / "export-4") == []
    db.close()
