"""Every report as a translated table (header, rows, chart columns): the CLI prints or saves it,
the TUI shows it. A presenter: the figures come from `services/reports.py` and friends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from station.config import ParcelConfig
from station.domain.periods import Period
from station.domain.phones import mask_name
from station.domain.spreadsheet import safe_cell
from station.domain.tariffs import format_scaled
from station.file_modes import write_private_file
from station.i18n.translator import Translator
from station.services import reports


@dataclass(frozen=True)
class ReportTable:
    header: list[str]
    rows: list[list]
    chart_columns: tuple[int, ...]  # numeric columns to chart (1-based), empty: no chart
    chart_kind: str = "line"  # line for trends over days, bar for rankings


Builder = Callable[[Translator, Period, ParcelConfig, bool], ReportTable]


def _yuan(fen: int) -> Decimal:
    """Exact yuan for tables and workbooks (a number to Excel, never a float)."""
    return Decimal(fen).scaleb(-2)


def parcels_trend(t: Translator, period: Period, config: ParcelConfig, masked: bool) -> ReportTable:
    rows = [
        [str(day), arrived, handed, overdue]
        for day, arrived, handed, overdue in reports.parcels_daily(period, config.overdue_days)
    ]
    return ReportTable(
        [t("report.day"), t("report.arrivals"), t("report.pickups"), t("report.overdue")], rows, (2, 3, 4)
    )


def income(t: Translator, period: Period, config: ParcelConfig, masked: bool) -> ReportTable:
    daily = reports.income_daily(period)
    kinds = sorted({kind for _, totals in daily for kind in totals})
    rows = [
        [str(day), *(_yuan(totals.get(kind, 0)) for kind in kinds), _yuan(sum(totals.values()))]
        for day, totals in daily
    ]
    return ReportTable(
        [t("report.day"), *(t(f"ledger.kind.{k}") for k in kinds), t("report.total")],
        rows,
        tuple(range(2, len(kinds) + 3)),
    )


def consignments(t: Translator, period: Period, config: ParcelConfig, masked: bool) -> ReportTable:
    rows = [
        [product, format_scaled(qty, 3), _yuan(sales), _yuan(commission)]
        for product, qty, sales, commission in reports.consignments_by_product(period)
    ]
    return ReportTable(
        [t("consign.product"), t("consign.quantity"), t("settle.gross"), t("settle.commission")], rows, (3, 4), "bar"
    )


def purchases(t: Translator, period: Period, config: ParcelConfig, masked: bool) -> ReportTable:
    rows = [
        [t(f"platform.{platform}"), count, _yuan(total)]
        for platform, count, total in reports.purchases_by_platform(period)
    ]
    return ReportTable([t("purchases.col_platform"), t("report.orders"), t("receipt.total")], rows, (3,), "bar")


def carriers(t: Translator, period: Period, config: ParcelConfig, masked: bool) -> ReportTable:
    rows = [[t(f"carrier.{carrier}"), n] for carrier, n in reports.carriers(period)]
    return ReportTable([t("parcels.col_carrier"), t("report.arrivals")], rows, (2,), "bar")


def hours(t: Translator, period: Period, config: ParcelConfig, masked: bool) -> ReportTable:
    rows = [[f"{hour:02d}:00", n] for hour, n in reports.busiest_hours(period)]
    return ReportTable([t("report.hour"), t("report.visits")], rows, (2,), "bar")


def pending(t: Translator, period: Period, config: ParcelConfig, masked: bool) -> ReportTable:
    rows = [
        [mask_name(name) if masked else name, parcels, orders]
        for name, parcels, orders in reports.pending_by_villager()
    ]
    return ReportTable([t("villagers.name"), t("report.pending_parcels"), t("report.open_orders")], rows, (2, 3), "bar")


def courier_income_table(t: Translator, period: Period, config: ParcelConfig, masked: bool) -> ReportTable:
    """F7 and `station report courier-income`: parcel income per courier for the period."""
    from station.services.courier_reports import income_by_courier

    rows = [
        [t(f"carrier.{courier}"), parcels, _yuan(fees), _yuan(commission), _yuan(fees + commission)]
        for courier, parcels, fees, commission in income_by_courier(period.start, period.last)
    ]
    header = [
        t("couriers.courier"),
        t("report.courier_parcels"),
        t("report.courier_fees"),
        t("report.courier_commission"),
        t("report.courier_income"),
    ]
    return ReportTable(header, rows, (5,), "bar")


REPORT_TABLES: dict[str, Builder] = {
    "parcels-trend": parcels_trend,
    "income": income,
    "consignments": consignments,
    "purchases": purchases,
    "carriers": carriers,
    "hours": hours,
    "pending": pending,
    "courier-income": courier_income_table,
}


def save_xlsx(table: ReportTable, title: str, path: Path) -> Path:
    """The report as a workbook with a native Excel chart of its figures."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, LineChart, Reference

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "report"
    sheet.append([safe_cell(c) for c in table.header])
    for row in table.rows:
        sheet.append([safe_cell(c) for c in row])
    sheet.freeze_panes = "A2"
    if table.chart_columns and table.rows:
        chart = LineChart() if table.chart_kind == "line" else BarChart()
        chart.title = title
        for column in table.chart_columns:
            data = Reference(sheet, min_col=column, min_row=1, max_row=len(table.rows) + 1)
            chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=len(table.rows) + 1))
        sheet.add_chart(chart, "H2")
    return write_workbook(workbook, path)


def write_workbook(workbook, path: Path) -> Path:
    """Saved whole in memory first, then written atomically: a full disk or /dev/full leaves no
    half file (and no zip left open to fail again when it is collected), only the error."""
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    return write_private_file(path, buffer.getvalue())
