"""Overdue parcels, returns to the courier, the daily parcel log and the home tile."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from peewee import fn

from station.config import ParcelConfig
from station.db.parcel_models import LIVE_STATUSES, Parcel, on_shelf
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.overdue import bucket, days_on_shelf
from station.domain.spreadsheet import safe_cell
from station.printing.layout import Element, Row, Text
from station.printing.receipts import build_receipt
from station.services.common import CounterService, OperatorInfo, require_counter
from station.services.dashboard import Tile
from station.services.parcels import ParcelInfo, parcel_info


@dataclass(frozen=True)
class OverdueParcel:
    parcel: ParcelInfo
    days: int
    bucket: int


@dataclass(frozen=True)
class ReturnBatch:
    batch_no: str
    parcels: tuple[ParcelInfo, ...]
    job_id: int


@dataclass(frozen=True)
class DailyLog:
    day: dt.date
    arrivals: Counter
    pickups: Counter
    returns: Counter
    rows: tuple[tuple[str, str, str, str], ...]  # (time, event, carrier, tracking no)


def _day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time())
    return start, start + dt.timedelta(days=1)


class ParcelReports(CounterService[ParcelConfig]):
    """Overdue lists, return batches and the parcels tile; built like the other counter services,
    plus the folder its lists are saved to."""

    def __init__(self, *args, export_dir: Path, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.export_dir = export_dir

    def overdue(self, *, min_bucket: int = 1) -> list[OverdueParcel]:
        """Live parcels at least `overdue_days[0]` days on the shelf, oldest first."""
        now = self.clock.now()
        first = self.config.overdue_days[0]
        cutoff = dt.datetime.combine(now.date() - dt.timedelta(days=first - 1), dt.time())
        query = Parcel.select().where(on_shelf() & (Parcel.checked_in_at < cutoff)).order_by(Parcel.checked_in_at)
        found = []
        for row in query:
            days = days_on_shelf(row.checked_in_at, now)
            level = bucket(days, self.config.overdue_days)
            if level >= min_bucket:
                found.append(OverdueParcel(parcel_info(row), days, level))
        return found

    def return_to_courier(
        self, by: OperatorInfo, parcel_ids: Sequence[int], *, confirm_count: int, courier: str = ""
    ) -> ReturnBatch:
        """Hand parcels back to the courier; the count typed must match the parcels chosen."""
        require_counter(by)
        ids = list(dict.fromkeys(parcel_ids))
        if not ids:
            raise InvalidInput("parcels.none_selected")
        if confirm_count != len(ids):
            raise InvalidInput("returns.count_mismatch", chosen=len(ids), typed=confirm_count)
        now = self.clock.now()
        with self.db.atomic():
            start, end = _day_range(now.date())
            batches_today = (
                Parcel.select(fn.COUNT(fn.DISTINCT(Parcel.return_batch)))
                .where((Parcel.returned_at >= start) & (Parcel.returned_at < end))
                .scalar()
            )
            batch_no = f"R{now:%Y%m%d}-{batches_today + 1:02d}"
            rows = []
            for pid in ids:
                row = Parcel.get_or_none(Parcel.id == pid)
                if row is None:
                    raise NotFound("parcels.not_found")
                if row.status not in LIVE_STATUSES:
                    raise NotAllowed("parcels.not_on_shelf", code=row.pickup_code, status=row.status)
                row.status, row.returned_at, row.return_batch = "returned", now, batch_no
                row.save()
                rows.append(row)
            infos = tuple(parcel_info(r) for r in rows)
            self.audit.record("parcels.returned", by.id, ref=batch_no, count=len(rows), courier=courier)
            job_id = self._queue_return_list(by, batch_no, infos, courier)
        return ReturnBatch(batch_no, infos, job_id)

    def _queue_return_list(self, by: OperatorInfo, batch_no: str, parcels, courier: str) -> int:
        t = self.t
        body: list[Element] = [Row(t("returns.batch"), batch_no), Row(t("returns.courier"), courier or "-")]
        for parcel in parcels:
            body.append(Text(f"{parcel.tracking_no} {t('carrier.' + (parcel.carrier or 'unknown'))}"))
        body.append(Row(t("receipt.count"), str(len(parcels)), bold=True))
        receipt = build_receipt(
            t,
            "return_list",
            self.printing.context(by.name),
            body,
            proof=",".join(p.tracking_no for p in parcels),
            signature=True,
        )
        return self.printing.enqueue(receipt, ref=batch_no)

    def return_with_list(
        self, by: OperatorInfo, parcel_ids: Sequence[int], *, count_text: str, courier: str = ""
    ) -> tuple[ReturnBatch, Path]:
        """Return the parcels and write their CSV return list: both, or neither (one transaction)."""
        cleaned = (count_text or "").strip()
        if not cleaned.isdigit():
            raise InvalidInput("handover.return_count_invalid")
        with self.db.atomic():
            batch = self.return_to_courier(by, parcel_ids, confirm_count=int(cleaned), courier=courier)
            path = self.write_return_list(batch.batch_no, self.export_dir / f"return-{batch.batch_no}.csv")
        return batch, path

    def write_return_list(self, batch_no: str, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = Parcel.select().where(Parcel.return_batch == batch_no).order_by(Parcel.id)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(["batch", "tracking_no", "carrier", "pickup_code", "checked_in_at", "returned_at"])
            for row in rows:
                writer.writerow(
                    safe_cell(v)
                    for v in (
                        batch_no,
                        row.tracking_no,
                        row.carrier,
                        row.pickup_code,
                        row.checked_in_at,
                        row.returned_at,
                    )
                )
        return path

    def daily_log(self, day: dt.date) -> DailyLog:
        start, end = _day_range(day)
        arrivals: Counter[str] = Counter()
        pickups: Counter[str] = Counter()
        returns: Counter[str] = Counter()
        events = []
        for field, counter, name in (
            (Parcel.checked_in_at, arrivals, "in"),
            (Parcel.picked_up_at, pickups, "picked_up"),
            (Parcel.returned_at, returns, "returned"),
        ):
            for row in Parcel.select().where((field >= start) & (field < end)):
                counter[row.carrier or "unknown"] += 1
                at = getattr(row, field.name)
                events.append((at.strftime("%H:%M:%S"), name, row.carrier or "unknown", row.tracking_no))
        events.sort()
        return DailyLog(day, arrivals, pickups, returns, tuple(events))

    def write_daily_log(self, day: dt.date, path: Path) -> Path:
        log = self.daily_log(day)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(["date", "time", "event", "carrier", "tracking_no"])
            for time, event, carrier, tracking_no in log.rows:
                writer.writerow([safe_cell(v) for v in (day.isoformat(), time, event, carrier, tracking_no)])
        return path

    def tile(self) -> Tile:
        now = self.clock.now()
        start, end = _day_range(now.date())
        live = Parcel.select().where(on_shelf())
        buckets = Counter(o.bucket for o in self.overdue())
        d1, d2, d3 = self.config.overdue_days
        return Tile(
            "tile.parcels",
            (
                ("tile.parcels_in_stock", str(live.count()), False),
                (
                    "tile.parcels_arrived",
                    str(Parcel.select().where((Parcel.checked_in_at >= start) & (Parcel.checked_in_at < end)).count()),
                    False,
                ),
                (
                    "tile.parcels_picked_up",
                    str(Parcel.select().where((Parcel.picked_up_at >= start) & (Parcel.picked_up_at < end)).count()),
                    False,
                ),
                (
                    "tile.parcels_unnotified",
                    str(live.where(Parcel.status == "in").count()),
                    live.where(Parcel.status == "in").exists(),
                ),
                (self.t("tile.overdue_bucket", low=d1, high=d2), str(buckets[1]), bool(buckets[1])),
                (self.t("tile.overdue_bucket", low=d2, high=d3), str(buckets[2]), bool(buckets[2])),
                (self.t("tile.overdue_over", days=d3), str(buckets[3]), bool(buckets[3])),
            ),
            opens="parcels.overdue",
        )
