"""`station key`, `station verify` and `station county …`: the station's signing key and what
the county office runs on the exports it receives."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from station.config import StationConfig, ensure_dirs
from station.domain.money import fen_to_yuan_text
from station.i18n.translator import Translator


def add_parsers(commands) -> None:
    commands.add_parser("key", help="show the station's public key and fingerprint (for the county)")
    verify = commands.add_parser("verify", help="check an export directory (signature, files, rows, ledger chain)")
    verify.add_argument("dir", help="the export directory")
    verify.add_argument("--key", help="the station's public key as enrolled (refuse any other signer)")
    verify.add_argument("--deep", action="store_true", help="also compare every workbook cell with the CSV (slow)")
    county = commands.add_parser("county", help="the county office: enrol stations, load exports, report")
    actions = county.add_subparsers(dest="county_command", metavar="ACTION", required=True)
    enrol = actions.add_parser("enrol", help="enrol a station's public key (as shown by `station key`)")
    enrol.add_argument("code", help="the station code")
    enrol.add_argument("key", help="the station's public key (base64)")
    enrol.add_argument("--db", required=True, help="county.db (SQLite) or postgresql://user@/db?host=DIR")
    enrol.add_argument("--reason", default="", help="why an enrolled station gets a new key")
    load = actions.add_parser("load", help="verify and load export directories (each one transaction)")
    load.add_argument("dirs", nargs="+", help="export directories")
    load.add_argument("--db", required=True, help="county.db (SQLite) or postgresql://user@/db?host=DIR")
    load.add_argument("--replace", action="store_true", help="replace a loaded month or accept a broken link")
    load.add_argument("--reason", default="", help="why (required with --replace; kept in the county db)")
    load.add_argument("--tariffs", help="the county's official tariff file (TOML) to compare station tariffs with")
    load.add_argument("--jobs", type=int, help="folders verified at once (default: the core count)")
    report = actions.add_parser("report", help="per station and month, totals, station months over the cap")
    report.add_argument("--db", required=True)
    report.add_argument("--period", help="YYYY-MM (default: all loaded)")
    report.add_argument("--xlsx", help="also write the report to this XLSX file")
    receipt = actions.add_parser("check-receipt", help="is this receipt (its QR text) in the loaded exports?")
    receipt.add_argument("qr", help="the text of the receipt's QR code")
    receipt.add_argument("--db", required=True)


def cmd_key(config: StationConfig, args: argparse.Namespace) -> int:
    from station.services.signing import ensure_key, key_path

    t = Translator(config.locale)
    ensure_dirs(config)
    key = ensure_key(config.data_dir)
    print(
        t(
            "signing.key_shown",
            public_key=key.public_b64,
            fingerprint=key.fingerprint,
            path=str(key_path(config.data_dir)),
        )
    )
    return 0


def cmd_verify(config: StationConfig, args: argparse.Namespace) -> int:
    from station.services.export_verify import verify_export

    t = Translator(config.locale)
    if args.key:
        from station.services.signing import parse_public_key

        parse_public_key(args.key)
    manifest, problems = verify_export(Path(args.dir), args.key, deep=args.deep)  # the manifest it checked
    for problem in problems:
        print(t(problem.key, **problem.values))
    if problems or manifest is None:
        return 1
    print(t("verify.ok_deep" if args.deep else "verify.ok", path=args.dir))
    print(t("signing.signed_by", code=manifest.code, period=manifest.period.label, fingerprint=manifest.fingerprint))
    return 0


def cmd_county(config: StationConfig, args: argparse.Namespace) -> int:
    t = Translator(config.locale)
    return {"enrol": county_enrol, "load": county_load, "report": county_report, "check-receipt": check_receipt}[
        args.county_command
    ](t, args)


def county_enrol(t: Translator, args: argparse.Namespace) -> int:
    from station.domain.clock import SystemClock
    from station.services.county import connect_county, enrol

    db = connect_county(args.db)
    try:
        shown = enrol(db, args.code, args.key, SystemClock().now(), replace_reason=args.reason)
    finally:
        db.close()
    print(t("signing.enrolled", code=args.code.strip(), fingerprint=shown))
    return 0


def county_load(t: Translator, args: argparse.Namespace) -> int:
    from station.domain.clock import SystemClock
    from station.domain.errors import InvalidInput
    from station.services.county_batch import load_many

    if args.replace != bool(args.reason.strip()):
        raise InvalidInput("signing.replace_needs_reason")
    official = None
    if args.tariffs:
        from station.services.utility_reports import read_tariff_file

        official = read_tariff_file(Path(args.tariffs))
    outcomes = load_many(
        args.db,
        [Path(d) for d in args.dirs],
        SystemClock().now(),
        replace_reason=args.reason if args.replace else "",
        official=official,
        jobs=args.jobs,
    )
    for outcome in outcomes:
        line = t(outcome.key, **outcome.values)
        if outcome.refused:
            print(t("signing.refused", path=str(outcome.directory), reason=line))
        else:
            print(line)
        for flag in outcome.flags:
            print("  " + t("signing.flagged", code=outcome.station_code, detail=t(flag.key, **flag.values)))
    refused = sum(1 for o in outcomes if o.refused)
    unchanged = sum(1 for o in outcomes if o.status == "unchanged")  # already in: not loaded again
    print(t("signing.load_summary", loaded=len(outcomes) - refused - unchanged, unchanged=unchanged, refused=refused))
    return 1 if refused else 0


def existing_county(url: str):
    """The county database to read from: a mistyped SQLite path is refused, not created empty
    (an empty report of a new file would look like "nothing loaded")."""
    from station.domain.errors import NotFound
    from station.services.county import connect_county

    if not url.startswith(("postgresql://", "postgres://")):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            raise NotFound("county.no_db", path=str(path))
    return connect_county(url)


def county_report(t: Translator, args: argparse.Namespace) -> int:
    from station.cli_reports import render
    from station.domain.periods import parse_month
    from station.services.county import FIGURES, report

    if args.period:
        args.period = parse_month(args.period).label  # "2026-13" is refused, not an empty report
    db = existing_county(args.db)
    try:
        rows, totals, over = report(args.period)
    finally:
        db.close()
    header = [t("county.station"), t("utilities.col_period"), *(t(f"county.{name}") for name in FIGURES)]

    def shown(name: str, value: int) -> str:
        return fen_to_yuan_text(value) if name.endswith("_fen") else str(value)

    table = [
        [f"{r.station_code} {r.station_name}", r.period, *(shown(n, getattr(r, n)) for n in FIGURES)] for r in rows
    ]
    table.append([t("report.total"), args.period or "", *(shown(n, totals[n]) for n in FIGURES)])
    if args.xlsx:  # first: a reader that stops early (`| head`) must not cost the file
        save_county_xlsx(Path(args.xlsx), header, rows, totals, over, t, args.period or "")
    print(render(header, table, "table"), end="")
    print(t("county.over_cap", stations=t("list.sep").join(over) if over else "-"))
    return 0


def save_county_xlsx(path: Path, header, rows, totals, over, t: Translator, period: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from station.domain.spreadsheet import safe_cell
    from station.presenters.report_tables import write_workbook
    from station.services.county import FIGURES

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "county"
    sheet.append(header)

    def cells(values: dict) -> list:
        return [values[n] / 100 if n.endswith("_fen") else values[n] for n in FIGURES]

    for r in rows:
        name = safe_cell(f"{r.station_code} {r.station_name}")  # a station name is typed text
        sheet.append([name, safe_cell(r.period), *cells({n: getattr(r, n) for n in FIGURES})])
    sheet.append([t("report.total"), period, *cells(totals)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, name in enumerate(FIGURES, start=3):
        if name.endswith("_fen"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                cell.number_format = "0.00"
    sheet.freeze_panes = "A2"
    listed = workbook.create_sheet("over_cap")
    listed.append([t("county.station"), t("utilities.col_period")])
    for r in rows:
        if r.over_cap:
            listed.append([safe_cell(f"{r.station_code} {r.station_name}"), safe_cell(r.period)])
    write_workbook(workbook, path)


def check_receipt(t: Translator, args: argparse.Namespace) -> int:
    from station.services.county import check_receipt as check

    db = existing_county(args.db)
    try:
        result = check(args.qr)
    finally:
        db.close()
    print(t(result.key, **result.values), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1
