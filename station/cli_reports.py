"""Reports for the command line (and cron): plain tables or CSV, same figures as the TUI."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from rich.cells import cell_len

from station.domain.errors import InvalidInput
from station.domain.money import fen_to_yuan_text
from station.domain.periods import parse_date
from station.domain.spreadsheet import safe_cell
from station.domain.tariffs import format_scaled
from station.file_modes import write_private_file
from station.i18n.translator import Translator
from station.presenters.report_tables import ReportTable, save_xlsx
from station.services.registry import Services
from station.services.utility_reports import BILL_COLUMN_KEYS, summary


def emit(t: Translator, table: ReportTable, title: str, args: argparse.Namespace) -> str:
    """The report in the asked format, on stdout or in `--out FILE` (every format honours
    --out; xlsx needs it). A file is written whole or not at all."""
    if args.format == "xlsx":
        if not args.out:
            raise InvalidInput("report.out_required")
        return t("report.saved", path=str(save_xlsx(table, title, Path(args.out)))) + "\n"
    text = render(table.header, [[str(c) for c in row] for row in table.rows], args.format)
    if not args.out:
        return text
    # a CSV opened by Excel on the counter PC needs the BOM to read Chinese
    data = text.encode("utf-8-sig" if args.format == "csv" else "utf-8")
    return t("report.saved", path=str(write_private_file(Path(args.out), data))) + "\n"


def render(header: list[str], rows: list[list[str]], fmt: str) -> str:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([safe_cell(c) for c in header])
        writer.writerows([safe_cell(c) for c in row] for row in rows)
        return out.getvalue()
    widths = [max(cell_len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(c) + " " * (w - cell_len(str(c))) for c, w in zip(row, widths)).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join(lines) + "\n"


def utilities_report(services: Services, t: Translator, args: argparse.Namespace, *, masked: bool = True) -> str:
    year = args.year or services.clock.now().year
    header = [t(k) for k in BILL_COLUMN_KEYS]
    rows = [
        [
            r.period,
            t(f"utility.category.{r.category}"),
            format_scaled(r.usage_milli, 3),
            fen_to_yuan_text(r.billed_fen),
            fen_to_yuan_text(r.village_fen),
            fen_to_yuan_text(r.cap_fen),
            fen_to_yuan_text(r.payable_fen),
            fen_to_yuan_text(r.excess_fen) if r.excess_fen else "",
            r.versions_text,
        ]
        for r in summary(year)
    ]
    return emit(t, ReportTable(header, rows, ()), f"{t('report.title.utilities')} {year}", args)


def parcels_report(services: Services, t: Translator, args: argparse.Namespace, *, masked: bool = True) -> str:
    try:
        day = parse_date(args.date) if args.date else services.clock.now().date()
    except ValueError:
        raise InvalidInput("error.bad_date", text=args.date) from None
    log = services.parcel_reports.daily_log(day)
    carriers = sorted(set(log.arrivals) | set(log.pickups) | set(log.returns))
    header = [t("parcels.col_carrier"), t("report.arrivals"), t("report.pickups"), t("report.returns")]
    rows = [[t(f"carrier.{c}"), str(log.arrivals[c]), str(log.pickups[c]), str(log.returns[c])] for c in carriers]
    rows.append(
        [
            t("report.total"),
            str(sum(log.arrivals.values())),
            str(sum(log.pickups.values())),
            str(sum(log.returns.values())),
        ]
    )
    return emit(t, ReportTable(header, rows, ()), f"{t('report.title.parcels')} {day.isoformat()}", args)


def daily_report(services: Services, t: Translator, args: argparse.Namespace, *, masked: bool = True) -> str:
    """The day's figures for the county (same numbers as the Z report)."""
    from station.services.day_close import z_report

    try:
        day = parse_date(args.date) if args.date else services.clock.now().date()
    except ValueError:
        raise InvalidInput("error.bad_date", text=args.date) from None
    report = z_report(day)
    rows = [[t(f"ledger.kind.{kind}"), fen_to_yuan_text(total)] for kind, total in report.by_kind.items()]
    rows += [[t(f"method.{method}"), fen_to_yuan_text(total)] for method, total in report.by_method.items()]
    rows += [
        [t("dayclose.postings"), str(report.postings)],
        [t("dayclose.receipts"), str(report.receipts)],
        [t("dayclose.cash_diff"), fen_to_yuan_text(report.cash_diff_fen)],
        [t("dayclose.last_hash"), report.last_hash],
        [t("report.closed"), t("dialog.yes") if report.closed else t("dialog.no")],
    ]
    header = [t("dayclose.date"), report.date]
    return emit(t, ReportTable(header, rows, ()), f"{t('report.title.daily')} {report.date}", args)


def trend_report(name: str):
    def run(services: Services, t: Translator, args: argparse.Namespace, *, masked: bool = True) -> str:
        from station.domain.periods import parse_period
        from station.presenters.report_tables import REPORT_TABLES

        period = parse_period(args.period or "month", services.clock.now().date())
        table = REPORT_TABLES[name](t, period, services.config.parcels, masked)
        return emit(t, table, f"{t('report.title.' + name)} {period.label}", args)

    return run


def courier_account(services: Services, t: Translator, args: argparse.Namespace, *, masked: bool = True) -> str:
    """A courier's statement: money and parcel counts only, no villager's name in it."""
    from station.cli_couriers import courier_account_report

    return courier_account_report(services, t, args)


REPORTS = {
    "courier-account": courier_account,
    "utilities": utilities_report,
    "parcels": parcels_report,
    "daily": daily_report,
    **{
        name: trend_report(name)
        for name in (
            "parcels-trend",
            "income",
            "consignments",
            "purchases",
            "carriers",
            "hours",
            "pending",
            "courier-income",
        )
    },
}
