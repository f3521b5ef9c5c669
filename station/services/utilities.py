"""Utility ledger: versioned village tariffs, bills from meter readings, the 3 % cap enforced."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import Database, IntegrityError

from station.db.utility_models import Tariff, UtilityBill
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotFound
from station.domain.money import format_fen
from station.domain.periods import parse_month
from station.domain.tariffs import CATEGORIES, CapResult, Tier, apply_cap, format_scaled, validate_tiers
from station.printing.layout import Row
from station.printing.queue import PrintService
from station.printing.receipts import build_receipt
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require, require_counter
from station.services.ledger import PAYMENT_METHODS, LedgerService, Line


@dataclass(frozen=True)
class TariffInfo:
    id: int
    category: str
    version: int
    effective_from: dt.date
    unit: str
    tiers: tuple[Tier, ...]
    fixed_fee_fen: int
    source_note: str


@dataclass(frozen=True)
class BillInfo:
    """One month's bill of one category, or (id 0, period `YYYY`) a year's total of them: the
    one bill record the F5 screen, the CLI report and the charts read."""

    id: int
    category: str
    meter: str
    period: str
    usage_milli: int
    billed_fen: int
    village_fen: int
    cap_fen: int
    payable_fen: int
    excess_fen: int
    tariff_version: int
    meter_start_milli: int | None
    meter_end_milli: int | None
    payer_note: str
    tariff_versions: tuple[int, ...] = ()  # a year total: every tariff version its months used

    @property
    def over_cap(self) -> bool:
        return self.excess_fen > 0

    @property
    def is_total(self) -> bool:
        return self.id == 0

    @property
    def versions_text(self) -> str:
        return ",".join(str(v) for v in (self.tariff_versions or (self.tariff_version,)))


@dataclass(frozen=True)
class RecordedBill:
    bill: BillInfo
    result: CapResult
    tariff: TariffInfo
    job_id: int | None = None


def tariff_info(row: Tariff) -> TariffInfo:
    tiers = tuple(Tier(upper, rate) for upper, rate in json.loads(row.tiers_json))
    return TariffInfo(
        row.id, row.category, row.version, row.effective_from, row.unit, tiers, row.fixed_fee_fen, row.source_note
    )


def bill_info(row: UtilityBill) -> BillInfo:
    return BillInfo(
        row.id,
        row.category,
        row.meter,
        row.period,
        row.usage_milli,
        row.billed_fen,
        row.village_fen,
        row.cap_fen,
        row.payable_fen,
        row.excess_fen,
        row.tariff_version,
        row.meter_start_milli,
        row.meter_end_milli,
        row.payer_note,
    )


class UtilityService:
    def __init__(
        self, db: Database, clock: Clock, audit: AuditLog, ledger: LedgerService, printing: PrintService | None = None
    ) -> None:
        self.printing = printing
        self.db = db
        self.clock = clock
        self.audit = audit
        self.ledger = ledger

    # -- tariffs -----------------------------------------------------------------------
    def add_tariff(
        self,
        by: OperatorInfo,
        *,
        category: str,
        effective_from: dt.date,
        tiers: Sequence[Tier],
        fixed_fee_fen: int = 0,
        unit: str = "",
        source_note: str = "",
    ) -> TariffInfo:
        """A new version; bills already recorded keep the version they were computed with."""
        require(by, "settings.change")
        if category not in CATEGORIES:
            raise InvalidInput("utility.bad_category", category=category)
        validate_tiers(tiers, fixed_fee_fen)
        with self.db.atomic():
            if (
                Tariff.select()
                .where((Tariff.category == category) & (Tariff.effective_from == effective_from))
                .exists()
            ):
                raise InvalidInput("tariff.same_date", category=category, date=str(effective_from))
            last = Tariff.select().where(Tariff.category == category).order_by(Tariff.version.desc()).first()
            row = Tariff.create(
                category=category,
                version=(last.version if last else 0) + 1,
                effective_from=effective_from,
                unit=unit.strip(),
                tiers_json=json.dumps([[t.upper_milli, t.rate_1e4] for t in tiers]),
                fixed_fee_fen=fixed_fee_fen,
                source_note=source_note.strip(),
                created_at=self.clock.now(),
                operator=by.id,
            )
            self.audit.record("tariff.added", by.id, ref=f"tariff:{row.id}", category=category, version=row.version)
        return tariff_info(row)

    def tariffs(self, category: str | None = None) -> list[TariffInfo]:
        query = Tariff.select().order_by(Tariff.category, Tariff.effective_from.desc())
        if category:
            query = query.where(Tariff.category == category)
        return [tariff_info(row) for row in query]

    def tariff_for(self, category: str, period_start: dt.date) -> TariffInfo:
        row = (
            Tariff.select()
            .where((Tariff.category == category) & (Tariff.effective_from <= period_start))
            .order_by(Tariff.effective_from.desc())
            .first()
        )
        if row is None:
            raise NotFound(
                "utility.no_tariff", category_key=f"utility.category.{category}", period=period_start.strftime("%Y-%m")
            )
        return tariff_info(row)

    # -- bills -------------------------------------------------------------------------
    def preview(self, *, category: str, period: str, usage_milli: int, billed_fen: int) -> tuple[CapResult, TariffInfo]:
        """What recording this bill would compute, without writing anything."""
        start = parse_month(period).start
        tariff = self.tariff_for(category, start)
        return apply_cap(usage_milli, tariff.tiers, tariff.fixed_fee_fen, billed_fen), tariff

    def record_bill(
        self,
        by: OperatorInfo,
        *,
        category: str,
        period: str,
        billed_fen: int,
        meter_start_milli: int | None = None,
        meter_end_milli: int | None = None,
        usage_milli: int | None = None,
        old_meter_final_milli: int | None = None,
        meter: str = "main",
        method: str = "cash",
        payer_note: str = "",
    ) -> RecordedBill:
        """Compute village amount, cap, payable, excess; post the payable; flag the excess."""
        require_counter(by)
        if category not in CATEGORIES:
            raise InvalidInput("utility.bad_category", category=category)
        if method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=method)
        month = parse_month(period)
        period, start = month.label, month.start
        with self.db.atomic():
            usage = self._usage(
                category, meter, period, meter_start_milli, meter_end_milli, usage_milli, old_meter_final_milli
            )
            tariff = self.tariff_for(category, start)
            result = apply_cap(usage, tariff.tiers, tariff.fixed_fee_fen, billed_fen)
            try:
                row = UtilityBill.create(
                    category=category,
                    meter=meter,
                    period=period,
                    meter_start_milli=meter_start_milli,
                    meter_end_milli=meter_end_milli,
                    meter_replaced=old_meter_final_milli is not None,
                    old_meter_final_milli=old_meter_final_milli,
                    usage_milli=usage,
                    billed_fen=billed_fen,
                    village_fen=result.village_fen,
                    cap_fen=result.cap_fen,
                    payable_fen=result.payable_fen,
                    excess_fen=result.excess_fen,
                    tariff=tariff.id,
                    tariff_version=tariff.version,
                    payer_note=payer_note.strip(),
                    method=method,
                    recorded_at=self.clock.now(),
                    operator=by.id,
                )
            except IntegrityError as error:
                raise InvalidInput(
                    "utility.period_taken", category_key=f"utility.category.{category}", period=period
                ) from error
            if result.payable_fen:
                posting = self.ledger.post(
                    "utility.payment",
                    f"utility_bill:{row.id}",
                    [
                        Line(f"expense:utility:{category}", result.payable_fen),
                        Line(method, -result.payable_fen, method),
                    ],
                    operator_id=by.id,
                )
                row.ledger_txn = posting.txn
                row.save()
            if result.excess_fen:
                self.audit.record(
                    "utility.excess",
                    by.id,
                    ref=f"utility_bill:{row.id}",
                    category=category,
                    period=period,
                    billed_fen=billed_fen,
                    cap_fen=result.cap_fen,
                    excess_fen=result.excess_fen,
                )
            job_id = self._receipt(self.printing, by, row, result, tariff) if self.printing else None
        return RecordedBill(bill_info(row), result, tariff, job_id)

    def _receipt(
        self, printing: PrintService, by: OperatorInfo, row: UtilityBill, result: CapResult, tariff: TariffInfo
    ) -> int:
        t = printing.t
        body = [
            Row(t("utilities.col_category"), t(f"utility.category.{row.category}")),
            Row(t("utilities.col_period"), row.period),
            Row(t("utilities.col_usage"), f"{format_scaled(row.usage_milli, 3)} {tariff.unit}"),
            Row(t("utilities.col_version"), str(tariff.version)),
            Row(t("utilities.col_billed"), format_fen(result.billed_fen)),
            Row(t("utilities.col_village"), format_fen(result.village_fen)),
            Row(t("utilities.col_cap"), format_fen(result.cap_fen)),
            Row(t("utilities.col_payable"), format_fen(result.payable_fen), bold=True),
        ]
        if result.excess_fen:
            body.append(Row(t("utilities.col_excess"), format_fen(result.excess_fen), bold=True))
        receipt = build_receipt(
            t, "utility_bill", printing.context(by.name), body, proof=f"utility_bill:{row.id}:{result.payable_fen}"
        )
        return printing.enqueue(receipt, ref=f"utility_bill:{row.id}")

    def _usage(self, category, meter, period, start, end, usage, old_final) -> int:
        """Usage from readings (never backwards, replacement aware) or as given (flat fees)."""
        if start is None and end is None:
            if usage is None or usage < 0:
                raise InvalidInput("utility.usage_required")
            return usage
        if start is None or end is None:
            raise InvalidInput("utility.both_readings")
        if end < start:
            raise InvalidInput("utility.reading_backwards", start=format_scaled(start, 3), end=format_scaled(end, 3))
        previous = (
            UtilityBill.select()
            .where(
                (UtilityBill.category == category)
                & (UtilityBill.meter == meter)
                & (UtilityBill.period < period)
                & UtilityBill.meter_end_milli.is_null(False)
            )
            .order_by(UtilityBill.period.desc())
            .first()
        )
        if old_final is not None:
            # A new meter: usage on the old one up to its final reading, plus the new one's.
            before = previous.meter_end_milli if previous else old_final
            if old_final < before:
                raise InvalidInput(
                    "utility.reading_backwards", start=format_scaled(before, 3), end=format_scaled(old_final, 3)
                )
            return (old_final - before) + (end - start)
        if previous is not None and start < previous.meter_end_milli:
            raise InvalidInput(
                "utility.reading_before_last",
                start=start / 1000,
                last=previous.meter_end_milli / 1000,
                period=previous.period,
            )
        return end - start

    def bills(self, *, year: int | None = None, category: str | None = None) -> list[BillInfo]:
        query = UtilityBill.select().order_by(UtilityBill.period.desc(), UtilityBill.category)
        if year:
            query = query.where(UtilityBill.period.startswith(f"{year}-"))
        if category:
            query = query.where(UtilityBill.category == category)
        return [bill_info(row) for row in query]

    def summary(self, year: int) -> list[BillInfo]:
        """The year's bills by month and category, then a total per category."""
        return year_summary(year)

    def explain(self, bill_id: int) -> RecordedBill:
        row = UtilityBill.get_or_none(UtilityBill.id == bill_id)
        if row is None:
            raise NotFound("utility.no_bill")
        tariff = tariff_info(row.tariff)
        result = apply_cap(row.usage_milli, tariff.tiers, tariff.fixed_fee_fen, row.billed_fen)
        return RecordedBill(bill_info(row), result, tariff)


def year_summary(year: int) -> list[BillInfo]:
    """Per month and category, then a year total per category (id 0, period `YYYY`)."""
    bills = [
        bill_info(row)
        for row in UtilityBill.select()
        .where(UtilityBill.period.startswith(f"{year}-"))
        .order_by(UtilityBill.period, UtilityBill.category)
    ]
    totals = []
    for category in CATEGORIES:
        of = [b for b in bills if b.category == category]
        if of:
            versions = tuple(sorted({b.tariff_version for b in of}))
            totals.append(
                BillInfo(
                    id=0,
                    category=category,
                    meter="",
                    period=str(year),
                    usage_milli=sum(b.usage_milli for b in of),
                    billed_fen=sum(b.billed_fen for b in of),
                    village_fen=sum(b.village_fen for b in of),
                    cap_fen=sum(b.cap_fen for b in of),
                    payable_fen=sum(b.payable_fen for b in of),
                    excess_fen=sum(b.excess_fen for b in of),
                    tariff_version=versions[-1],
                    meter_start_milli=None,
                    meter_end_milli=None,
                    payer_note="",
                    tariff_versions=versions,
                )
            )
    return bills + totals
