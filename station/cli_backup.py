"""`station backup`, `station restore FILE --operator NAME` and `station check [--json]`."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from station.cli_auth import add_operator_option, log_in, read_pin
from station.config import StationConfig, ensure_dirs
from station.file_modes import station_loose_files
from station.i18n.translator import Translator


def add_commands(commands) -> None:
    add_operator_option(commands.add_parser("backup", help="write a checked backup copy of the database now"))
    restore = commands.add_parser(
        "restore", help="replace the database with a checked backup (a partner's PIN; current one kept aside)"
    )
    restore.add_argument("file", help="the backup file")
    add_operator_option(restore)  # the partner who restores
    check = commands.add_parser("check", help="check integrity, ledger chain, balances, print queue, backups")
    check.add_argument("--json", action="store_true", help="machine-readable output")


@contextlib.contextmanager
def holding_station_lock(config: StationConfig, purpose: str) -> Iterator[None]:
    """The counter app runs holding the station lock, so a restore elsewhere is refused."""
    from station.services.station_lock import StationLock

    ensure_dirs(config)
    with StationLock(config.data_dir, config.db_path, purpose):
        yield


def restore_argv(args: argparse.Namespace, request) -> list[str]:
    """The `station restore` that finishes a restore asked for in the counter app."""
    home = ["--home", args.home] if getattr(args, "home", None) else []
    return [sys.executable, "-m", "station", *home, "restore", str(request.source), "--operator", request.operator_name]


def restore_after_app(args: argparse.Namespace, request) -> int:
    """The app has quit and closed the database: replace this process by the restore (a fresh
    process holds no connection to the file it swaps). The PIN given in the app goes along."""
    from station.services.backup import RestoreRequest

    if not isinstance(request, RestoreRequest):
        return 0
    os.execve(sys.executable, restore_argv(args, request), {**os.environ, "STATION_PIN": request.pin})
    return 1  # not reached: execve does not return


def _services(config: StationConfig):
    from station.cli import open_services

    return open_services(config)


def cmd_backup(config: StationConfig, args: argparse.Namespace) -> int:
    t = Translator(config.locale)
    session = log_in(config, args, "backup.make")
    result = session.services.day_close.backup(session.operator)
    print(t("backup.done", **result.values()))
    return 0


def cmd_restore(config: StationConfig, args: argparse.Namespace) -> int:
    from station.cli_auth import audit_args, open_services
    from station.services.station_lock import refuse_if_open_elsewhere

    t = Translator(config.locale)
    if not args.operator:
        print(f"station: {t('backup.operator_required')}", file=sys.stderr)
        return 2
    ensure_dirs(config)
    refuse_if_open_elsewhere(config.data_dir, config.db_path)  # before asking anyone for a PIN
    services = open_services(config)
    if services.operators.needs_setup():
        # A new PC: no station to log in to; the restore checks the PIN against the backup's partner.
        pin = read_pin(t, args.operator, os.environ, getpass.getpass)
    else:
        pin = log_in(config, args, "backup.restore", services=services).pin  # role checked, audit-logged
    result = services.backup.restore(Path(args.file), args.operator, pin)
    restored = open_services(config)
    with restored.db.atomic():  # the restored database learns who ran the command, too
        operator = next((o for o in restored.operators.list_active() if o.name == args.operator.strip()), None)
        restored.audit.record("cli.command", operator.id if operator else None, ref="restore", args=audit_args(args))
    print(t("backup.restored_ok", path=str(result.path), source=args.file, aside=str(result.aside or "-")))
    removed = result.removed
    print(
        t(
            "backup.restored_removed",
            postings=removed.postings,
            total_fen=removed.total_fen,
            parcels=removed.parcels,
            orders=removed.orders,
        )
    )
    return 0


def _loose(config: StationConfig) -> list[Path]:
    """PIN hashes, phones, the signing key: the user's alone. config.toml holds no secret, so a
    hand-edited one that others can read is fine; one that others can *write* is not."""
    return [
        path
        for path in station_loose_files(config)
        if path != config.config_file or path.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    ]


def cmd_check(config: StationConfig, args: argparse.Namespace) -> int:
    t = Translator(config.locale)
    services = _services(config)
    report = services.integrity.check(services.backup.backup_age())
    problems = [{"key": p.key, "values": p.values, "text": t(p.key, **p.values)} for p in report.problems]
    for path in _loose(config):
        values = {"path": str(path), "mode": f"{stat.S_IMODE(path.stat().st_mode):o}"}
        problems.append({"key": "check.loose_file", "values": values, "text": t("check.loose_file", **values)})
    ok = not problems
    if args.json:
        out = {"ok": ok, "db": str(config.db_path), "entries": report.entries, "problems": problems}
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    elif ok:
        print(t("check.ok", db=str(config.db_path), entries=report.entries))
    else:
        for problem in problems:
            print(problem["text"])
    return 0 if ok else 1
