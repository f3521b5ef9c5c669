"""County loads of many folders: verified in parallel processes, then loaded each in its own
transaction — on PostgreSQL in several connections at once, one station's months in one of
them, oldest first (a month anchors to the one before)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from peewee import Database

from station.db.county_models import CountyStation, connect_county
from station.services import county_bulk
from station.services.county import Outcome, load_one
from station.services.export_verify import read_manifest


def _order(directory: Path) -> tuple:
    """Load a station's months oldest first, so a batch anchors month to month."""
    manifest, _ = read_manifest(directory)
    return (0, manifest.code, manifest.period.label, str(directory)) if manifest else (1, "", "", str(directory))


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
        ordered = sorted(directories, key=_order)
        keys = {}
        for directory in ordered:
            manifest, _ = read_manifest(directory)
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
    by_station: dict[str, list[int]] = {}  # positions in `ordered`
    for position, directory in enumerate(ordered):
        manifest, _ = read_manifest(directory)
        by_station.setdefault(manifest.code if manifest else f"?{directory}", []).append(position)
    workers = min(jobs or county_bulk.default_jobs(), len(by_station)) if county_bulk.is_postgres(db) else 1
    shared = workers > 1

    def load_station(positions: list[int]) -> list[tuple[int, Outcome]]:
        try:
            return [
                (
                    position,
                    load_one(
                        db,
                        ordered[position],
                        now,
                        replace_reason=replace_reason,
                        official=official,
                        checked=checked.get(ordered[position]),
                        shared=shared,
                    ),
                )
                for position in positions
            ]
        finally:
            if shared:
                db.close()  # this thread's own connection (peewee keeps one per thread)

    if not shared:
        return [outcome for _, outcome in load_station(list(range(len(ordered))))]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = dict(found for station in pool.map(load_station, by_station.values()) for found in station)
    return [outcomes[position] for position in range(len(ordered))]
