"""County loads of many folders: verified in parallel processes, then loaded each in its own
transaction — on PostgreSQL in several processes at once, each in its own connection and lane
(see `county_rows.lane_table`), one station's months in one of them, oldest first (a month
anchors to the one before)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from peewee import Database, PeeweeException

from station.db.county_models import CountyStation, connect_county, open_county
from station.domain.errors import InvalidInput
from station.services import county_bulk, county_schema, worker_pool
from station.services.county import Outcome, load_one
from station.services.export_verify import Manifest, read_manifest


def _order(manifest: Manifest | None) -> tuple:
    """Load a station's months oldest first, so a batch anchors month to month; two exports
    of one month the earlier made first (the later extends or replaces it), not by folder
    name. A stable sort keeps the order given for the rest."""
    if manifest is None:
        return (1, "", "", "")
    return (0, manifest.code, manifest.period.label, str(manifest.raw.get("generated_at", "")))


def load_many(
    url: str,
    directories: Sequence[Path],
    now: dt.datetime,
    *,
    replace_reason: str = "",
    official: Sequence[dict] | None = None,
    jobs: int | None = None,
) -> list[Outcome]:
    """Verify every folder against its station's enrolled key, `jobs` processes at once
    (default: the core count), then load each in its own transaction, oldest month first."""
    if jobs is not None and jobs < 1:
        raise InvalidInput("county.jobs_not_positive", jobs=jobs)
    db = connect_county(url)
    try:
        with _schema_lock(db):
            county_schema.create_row_tables(db)
        manifests = {directory: read_manifest(directory)[0] for directory in directories}  # read once
        ordered = sorted(directories, key=lambda directory: _order(manifests[directory]))
        keys = {}
        for directory in ordered:
            manifest = manifests[directory]
            station = CountyStation.get_or_none(CountyStation.code == manifest.code) if manifest else None
            if station is not None:
                keys[directory] = station.public_key
        checked = county_bulk.verify_many(list(keys), jobs, keys)
        return load_folders(
            db,
            ordered,
            now,
            checked=checked,
            jobs=jobs,
            replace_reason=replace_reason,
            official=official,
            url=url,
            manifests=manifests,
        )
    finally:
        db.close()


def load_folders(
    db: Database,
    ordered: Sequence[Path],
    now: dt.datetime,
    *,
    checked: Mapping[Path, list],
    jobs: int | None = None,
    replace_reason: str = "",
    official: Sequence[dict] | None = None,
    url: str = "",
    manifests: Mapping[Path, Manifest | None] | None = None,
) -> list[Outcome]:
    """Load verified folders (`checked`: the problems verify found in each), each in its own
    transaction, in the order given: a month anchors to the one before. On PostgreSQL (`db`,
    at `url`) `jobs` processes load at once (default: the core count), each in its own
    connection and lane, a station's folders all in one of them. `manifests`: each folder's, when
    the caller has read them already."""
    read = manifests if manifests is not None else {d: read_manifest(d)[0] for d in ordered}  # read once
    stations = [_station_of(directory, read[directory]) for directory in ordered]
    by_station: dict[str, list[int]] = {}  # positions in `ordered`
    for position, station in enumerate(stations):
        by_station.setdefault(station, []).append(position)
    workers = min(jobs or county_bulk.default_jobs(), len(by_station)) if county_bulk.is_postgres(db) else 1
    if workers == 1 or not url:
        items = [(position, ordered[position], stations[position]) for position in range(len(ordered))]
        task = _LaneTask(url, 0, items, {d: checked.get(d) for d in ordered}, now, replace_reason, official)
        return [outcome for _, outcome in _load_lane(db, task)]
    with _schema_lock(db), db.atomic():
        county_schema.create_lanes(db, workers)
    db.close()  # the loading processes open their own connections: none goes into them open
    tasks = [
        _LaneTask(
            url,
            lane,
            [(p, ordered[p], stations[p]) for p in positions],
            {ordered[p]: checked.get(ordered[p]) for p in positions},
            now,
            replace_reason,
            official,
        )
        for lane, positions in enumerate(_share_out(ordered, list(by_station.values()), workers))
    ]
    # Processes, not threads: the loads' Python (hashing what COPY reads, the manifest, the
    # figures) then runs beside each other too. Measured: ~17% faster than two threads.
    outcomes: dict[int, Outcome] = {}
    with worker_pool.processes(len(tasks)) as pool:  # they end with this one: see worker_pool
        running = [(task, pool.submit(_load_lane_in_process, task)) for task in tasks]
        for task, future in running:
            try:
                outcomes.update(future.result())
            except BrokenProcessPool:  # killed (out of memory, say): its loads each committed or not
                for position, directory, _ in task.items:
                    outcomes[position] = _skipped(directory, "county.load_process_died", {})
    return [outcomes[position] for position in range(len(ordered))]


@dataclass(frozen=True)
class _LaneTask:
    """One connection's share of a batch: `items` are (position in the batch, folder, station),
    a station's folders oldest first; `checked` what verify found in each folder."""

    url: str
    lane: int
    items: list[tuple[int, Path, str]]
    checked: dict[Path, list | None]
    now: dt.datetime
    replace_reason: str
    official: Sequence[dict] | None


def _share_out(ordered: Sequence[Path], groups: list[list[int]], workers: int) -> list[list[int]]:
    """The stations' folders in `workers` shares of about the same bytes (largest station first,
    each to the lightest share), a station's folders in one share, in their order."""
    weights = [sum(_csv_bytes(ordered[p]) for p in group) for group in groups]
    shares: list[list[int]] = [[] for _ in range(workers)]
    loads = [0] * workers
    for index in sorted(range(len(groups)), key=lambda i: -weights[i]):
        lightest = loads.index(min(loads))
        shares[lightest].extend(groups[index])
        loads[lightest] += weights[index]
    return [share for share in shares if share]


def _csv_bytes(directory: Path) -> int:
    try:
        return sum(path.stat().st_size for path in directory.glob("*.csv"))
    except OSError:  # a folder that went: it is refused when its turn comes
        return 0


def _load_lane_in_process(task: _LaneTask) -> list[tuple[int, Outcome]]:
    db = open_county(task.url)
    try:
        return _load_lane(db, task)
    finally:
        db.close()


def _load_lane(db: Database, task: _LaneTask) -> list[tuple[int, Outcome]]:
    """The task's folders one by one, each in its own transaction in `db`, in the task's lane.
    A database failure refuses that folder (rolled back) and the station's later months in the
    task; the other stations go on."""
    failures = _database_errors(db)
    done: list[tuple[int, Outcome]] = []
    failed: set[str] = set()  # stations a load of which failed in this batch
    for position, directory, station in task.items:
        if station in failed:  # a later month anchors to the one that failed
            done.append((position, _skipped(directory, "county.not_loaded_after_failure", {})))
            continue
        try:
            outcome = load_one(
                db,
                directory,
                task.now,
                replace_reason=task.replace_reason,
                official=task.official,
                checked=task.checked.get(directory),
                lane=task.lane,
            )
        except failures as error:  # rolled back; the other stations' loads go on, and are reported
            db.close()  # the connection may be dead: the next station opens a new one
            detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
            outcome = _skipped(directory, "county.db_failed", {"detail": detail})
            failed.add(station)
        done.append((position, outcome))
    return done


# PostgreSQL: the advisory lock a `county load` holds while it makes (or brings up to date) the
# row tables and their lanes. Two loads starting at once each made the same tables: one of them
# failed ("already exists"), as an unexpected error before any folder was said.
SCHEMA_LOCK = 0x636F756E7479  # "county"


@contextmanager
def _schema_lock(db: Database) -> Iterator[None]:
    if not county_bulk.is_postgres(db):
        yield
        return
    db.execute_sql("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK,))
    try:
        yield
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK,))


def _database_errors(db: Database) -> tuple[type[BaseException], ...]:
    """What a failing database raises: through peewee, or from a raw cursor (COPY on PostgreSQL)."""
    if county_bulk.is_postgres(db):
        from psycopg2 import Error  # only on PostgreSQL (the `postgres` extra)

        return (PeeweeException, Error)
    return (PeeweeException, sqlite3.Error)


def _station_of(directory: Path, manifest: Manifest | None) -> str:
    return manifest.code if manifest else f"?{directory}"


def _skipped(directory: Path, key: str, values: dict) -> Outcome:
    manifest, _ = read_manifest(directory)
    code, period = (manifest.code, manifest.period.label) if manifest else ("", "")
    return Outcome(directory, "refused", key, {**values, "code": code, "period": period}, code, period)
