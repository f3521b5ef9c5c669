"""County loads of many folders: verified in parallel processes, then loaded each in its own
transaction — on PostgreSQL in several connections at once, each in a lane of its own (see
`county_rows.lane_table`), one station's months in one of them, oldest first (a month
anchors to the one before)."""

from __future__ import annotations

import datetime as dt
import queue
import sqlite3
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from peewee import Database, PeeweeException

from station.db.county_models import CountyStation, connect_county
from station.services import county_bulk
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
    db = connect_county(url)
    try:
        county_bulk.create_row_tables(db)
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
            db, ordered, now, checked=checked, jobs=jobs, replace_reason=replace_reason, official=official
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
) -> list[Outcome]:
    """Load verified folders (`checked`: the problems verify found in each), each in its own
    transaction. On PostgreSQL `jobs` connections load at once (default: the core count), one
    station's folders in one of them, in the order given: a month anchors to the one before."""
    stations = [_station_of(directory) for directory in ordered]  # each manifest read once here
    by_station: dict[str, list[int]] = {}  # positions in `ordered`
    for position, station in enumerate(stations):
        by_station.setdefault(station, []).append(position)
    workers = min(jobs or county_bulk.default_jobs(), len(by_station)) if county_bulk.is_postgres(db) else 1
    shared = workers > 1
    failures = _database_errors(db)
    lanes: queue.SimpleQueue[int] = queue.SimpleQueue()  # a lane is free while no load runs in it
    for lane in range(workers):
        lanes.put(lane)
    if shared:
        with db.atomic():
            county_bulk.create_lanes(db, workers)

    def load_station(positions: list[int]) -> list[tuple[int, Outcome]]:
        done: list[tuple[int, Outcome]] = []
        lane = lanes.get()
        failed: set[str] = set()  # stations a load of which failed in this batch
        try:
            for position in positions:
                directory = ordered[position]
                if stations[position] in failed:  # a later month anchors to the one that failed
                    done.append((position, _skipped(directory, "county.not_loaded_after_failure", {})))
                    continue
                try:
                    outcome = load_one(
                        db,
                        directory,
                        now,
                        replace_reason=replace_reason,
                        official=official,
                        checked=checked.get(directory),
                        lane=lane,
                    )
                except failures as error:  # rolled back; the other stations' loads go on, and are reported
                    db.close()  # the connection may be dead: the next station opens a new one
                    detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
                    outcome = _skipped(directory, "county.db_failed", {"detail": detail})
                    failed.add(stations[position])
                done.append((position, outcome))
            return done
        finally:
            lanes.put(lane)
            if shared:
                db.close()  # this thread's own connection (peewee keeps one per thread)

    if not shared:
        return [outcome for _, outcome in load_station(list(range(len(ordered))))]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = dict(found for station in pool.map(load_station, by_station.values()) for found in station)
    return [outcomes[position] for position in range(len(ordered))]


def _database_errors(db: Database) -> tuple[type[BaseException], ...]:
    """What a failing database raises: through peewee, or from a raw cursor (COPY on PostgreSQL)."""
    if county_bulk.is_postgres(db):
        from psycopg2 import Error  # only on PostgreSQL (the `postgres` extra)

        return (PeeweeException, Error)
    return (PeeweeException, sqlite3.Error)


def _station_of(directory: Path) -> str:
    manifest, _ = read_manifest(directory)
    return manifest.code if manifest else f"?{directory}"


def _skipped(directory: Path, key: str, values: dict) -> Outcome:
    manifest, _ = read_manifest(directory)
    code, period = (manifest.code, manifest.period.label) if manifest else ("", "")
    return Outcome(directory, "refused", key, {**values, "code": code, "period": period}, code, period)
