"""`station report courier-account --courier ZTO --period 2026-11`: the statement as a table,
CSV or XLSX (same figures as the courier account screen)."""

from __future__ import annotations

import argparse
from decimal import Decimal

from station.domain.errors import InvalidInput
from station.i18n.translator import Translator
from station.services.couriers import Statement
from station.services.registry import Services


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def statement_rows(t: Translator, s: Statement) -> tuple[list[str], list[list]]:
    header = [t(k) for k in ("report.day", "couriers.col_kind", "couriers.col_detail", "couriers.col_amount")]
    rows: list[list] = [["", t("couriers.opening"), "", _yuan(s.opening_fen)]]
    for line in s.lines:
        rows.append([str(line.day), t(f"couriers.kind.{line.kind}"), line.describe(t), _yuan(line.amount_fen)])
    rows.append(["", t("couriers.closing"), "", _yuan(s.closing_fen)])
    received, paid = -s.total("payment", -1), s.total("payment", 1)
    rows.append(["", t("couriers.dir.in"), "", _yuan(received)])
    rows.append(["", t("couriers.dir.out"), "", _yuan(paid)])
    owes = "couriers.owes_station" if s.closing_fen >= 0 else "couriers.station_owes"
    rows.append(["", t(owes), "", _yuan(abs(s.closing_fen))])
    return header, rows


def courier_account_report(services: Services, t: Translator, args: argparse.Namespace) -> str:
    from station.cli_reports import emit
    from station.presenters.report_tables import ReportTable

    if not getattr(args, "courier", None):
        raise InvalidInput("couriers.report_needs_courier")
    period = args.period or services.clock.now().strftime("%Y-%m")
    statement = services.couriers.statement(args.courier, period)
    header, rows = statement_rows(t, statement)
    return emit(t, ReportTable(header, rows, ()), statement.courier, args)
