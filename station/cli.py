"""The `station` command: the TUI by default, and subcommands for the office and the county."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from station import cli_operator
from station.cli_auth import add_operator_option, close_database, log_in, open_services, record_open_command
from station.cli_backup import add_commands as add_backup_commands
from station.cli_backup import cmd_backup, cmd_check, cmd_restore, holding_station_lock, restore_after_app
from station.cli_county import add_parsers as add_county_parsers
from station.cli_county import cmd_county, cmd_key, cmd_verify
from station.config import ConfigError, StationConfig, guess_locale, load_config
from station.file_modes import private_umask
from station.i18n.translator import Translator


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="station", description="Counter software for a village e-commerce service station."
    )
    parser.add_argument("--home", help="data directory (default: the user data dir; env STATION_HOME)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="start the counter TUI (the default)")
    demo = commands.add_parser("demo", help="fill a fresh database with demo data")
    demo.add_argument("--villagers", type=int, default=60, help="generated villagers (default 60)")
    demo.add_argument("--code", help="station code (default: the demo station's); make several to roll up")
    demo.add_argument("--name", help="station name (default: the demo station's)")
    commands.add_parser("where", help="print where the data, config and logs live")
    add_operator_option(commands.add_parser("print-test", help="print a test page (Chinese text, QR, column ruler)"))
    report = commands.add_parser("report", help="print a report (utilities, parcels)")
    report.add_argument(
        "name",
        choices=[
            "utilities",
            "parcels",
            "daily",
            "parcels-trend",
            "income",
            "consignments",
            "purchases",
            "carriers",
            "hours",
            "pending",
            "courier-account",
            "courier-income",
        ],
        help="which report",
    )
    report.add_argument("--period", help="day | week | month | YYYY-MM | YYYY-MM-DD | FROM..TO (trend reports)")
    report.add_argument("--out", help="file to write (xlsx)")
    report.add_argument("--year", type=int, help="year (utilities)")
    report.add_argument("--date", help="day YYYY-MM-DD (parcels)")
    report.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
    report.add_argument("--courier", help="courier code, e.g. ZTO (courier-account)")
    add_operator_option(report)
    export = commands.add_parser("export", help="export a month for the county (CSV + XLSX + manifest)")
    export.add_argument("--period", required=True, help="month, YYYY-MM")
    export.add_argument("--out", required=True, help="an empty or new directory")
    export.add_argument("--unmasked", action="store_true", help="phones and names in full (partner or auditor)")
    add_operator_option(export)
    add_county_parsers(commands)  # key, verify, county …
    add_backup_commands(commands)  # backup, restore, check
    cli_operator.add_parser(commands)
    return parser


def cmd_run(config: StationConfig, args: argparse.Namespace) -> int:
    from station.app import make_app

    with holding_station_lock(config, "station run"):
        request = make_app(config).run()
    return restore_after_app(args, request)  # a restore asked for in the app (F8, Ctrl+T)


def cmd_demo(config: StationConfig, args: argparse.Namespace) -> int:
    from station.services.demo import fill_demo

    t = Translator(config.locale)
    services = open_services(config)
    # refuses a database that is not empty
    summary = fill_demo(services, villagers=args.villagers, code=args.code, name=args.name)
    record_open_command(services, args)
    print(
        t(
            "demo.done",
            path=str(config.db_path),
            villagers=summary.villagers,
            partner=summary.partner,
            pin=summary.partner_pin,
        )
    )
    return 0


def cmd_where(config: StationConfig, args: argparse.Namespace) -> int:
    print(f"data:   {config.data_dir}")
    print(f"db:     {config.db_path}")
    print(f"config: {config.config_file}")
    print(f"logs:   {config.log_dir}")
    return 0


def cmd_print_test(config: StationConfig, args: argparse.Namespace) -> int:
    t = Translator(config.locale)
    session = log_in(config, args, "print.test")
    services = session.services
    job = services.printing.run(services.printing.print_test_page(session.operator.name))
    if job.status != "printed":
        print(t("print.failed", no=job.receipt_no, error=job.last_error), file=sys.stderr)
        return 1
    print(t("print.printed", no=job.receipt_no, kind=config.printer.kind))
    return 0


def cmd_report(config: StationConfig, args: argparse.Namespace) -> int:
    from station.cli_reports import REPORTS
    from station.services.common import may

    session = log_in(config, args, "report.view")
    masked = not may(session.operator, "report.names")  # villagers' names: partner and auditor only
    print(REPORTS[args.name](session.services, Translator(config.locale), args, masked=masked), end="")
    return 0


def cmd_export(config: StationConfig, args: argparse.Namespace) -> int:
    from pathlib import Path

    t = Translator(config.locale)
    session = log_in(config, args, "export.unmasked" if args.unmasked else "export.masked")
    result = session.services.exports.export(session.operator, args.period, Path(args.out), masked=not args.unmasked)
    print(t("export.done", path=str(result.out_dir), rows=sum(result.rows.values()), sha=result.manifest_sha256))
    return 0


COMMANDS = {
    "county": cmd_county,
    "key": cmd_key,
    "export": cmd_export,
    "verify": cmd_verify,
    "report": cmd_report,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "check": cmd_check,
    "run": cmd_run,
    "demo": cmd_demo,
    "where": cmd_where,
    "print-test": cmd_print_test,
    "operator": cli_operator.cmd_operator,
}


def main(argv: Sequence[str] | None = None) -> int:
    private_umask()  # the database, backups and exports are the user's alone (0600 / 0700)
    args = build_parser().parse_args(argv)
    try:
        config = load_config(os.environ, home=args.home)
    except ConfigError as error:
        print(f"station: {Translator(guess_locale(os.environ, args.home)).error(error)}", file=sys.stderr)
        return 2
    from station.cli_checks import run_checked

    try:
        return run_checked(COMMANDS[args.command or "run"], config, args)
    finally:
        close_database()


if __name__ == "__main__":
    raise SystemExit(main())
