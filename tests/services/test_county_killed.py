"""`county load --jobs N` killed (kill -9, the out-of-memory killer) in the middle of a batch:
its loading processes end with it, none goes on loading folders nobody reports or waits on
forever, and the same load again loads the county as one load would have."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from station.services.county_batch import load_many
from tests.services.test_county import NOW, county_rows, enrol_all

# The batch's parent: each loading process says its pid, then is slow to start loading.
PARENT = """
import datetime as dt, os, sys, time
from pathlib import Path
from station.services import county_batch

real = county_batch._load_lane_in_process

def slow(task):
    Path(sys.argv[2], f"lane{task.lane}").write_text(str(os.getpid()))
    time.sleep(20)
    return real(task)

county_batch._load_lane_in_process = slow  # forked: the loading processes see it
county_batch.load_many(sys.argv[1], [Path(d) for d in sys.argv[3:]], dt.datetime(2026, 11, 23, 9, 0), jobs=2)
"""


def alive(pid: int) -> bool:
    try:
        with Path(f"/proc/{pid}/stat").open() as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_the_loading_processes_end_with_a_killed_parent_and_the_same_load_again_loads_all(postgres, exports, tmp_path):
    dirs, _ = exports
    enrol_all(postgres, exports)
    said = tmp_path / "lanes"
    said.mkdir()
    parent = subprocess.Popen([sys.executable, "-c", PARENT, postgres, str(said), *map(str, dirs)])
    pids: list[int] = []
    try:
        for _ in range(600):
            pids = [int(p.read_text()) for p in said.iterdir() if p.read_text()]
            if len(pids) == 2:
                break
            time.sleep(0.05)
        assert len(pids) == 2, "the batch never reached its loads"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        for _ in range(100):
            if not any(map(alive, pids)):
                break
            time.sleep(0.05)
        assert not any(map(alive, pids)), "a loading process outlived the load it belonged to"
    finally:
        for pid in pids:  # what this test started, should it fail
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
    assert len(county_rows(postgres)["loads"]) == 0
    assert [o.status for o in load_many(postgres, dirs, NOW, jobs=2)] == ["loaded"] * 3
    sqlite = str(tmp_path / "county.db")
    enrol_all(sqlite, exports)
    load_many(sqlite, dirs, NOW, jobs=1)
    parallel, one_by_one = county_rows(postgres), county_rows(sqlite)
    assert parallel["loads"] == one_by_one["loads"]
    assert {k: len(v) for k, v in parallel.items()} == {k: len(v) for k, v in one_by_one.items()}
