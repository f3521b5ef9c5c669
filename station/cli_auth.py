"""Log-in for the command line: every command that reads personal data or changes records
names an operator (`--operator NAME`) and gives their PIN — typed without echo, or for a
script in the environment variable STATION_PIN. The role is checked against the permission
table and the command is written to the audit log with its arguments, refused or not."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station.config import StationConfig
from station.domain.errors import NotAllowed, StationError
from station.i18n.translator import Translator
from station.services.common import OperatorInfo, require
from station.services.registry import Services

PIN_ENV = "STATION_PIN"
NEW_PIN_ENV = "STATION_NEW_PIN"

Ask = Callable[[str], str]


@dataclass(frozen=True)
class CliSession:
    services: Services
    operator: OperatorInfo
    pin: str


def add_operator_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--operator",
        metavar="NAME",
        help=f"who runs this (asks for their PIN; scripts set {PIN_ENV})",
    )


def audit_args(args: argparse.Namespace) -> dict[str, Any]:
    """The command's arguments as the audit log keeps them (never a PIN: PINs are not arguments)."""
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in sorted(vars(args).items()) if k != "home"}


def command_name(args: argparse.Namespace) -> str:
    parts = [args.command or "run"]
    for sub in ("county_command", "operator_command"):
        if getattr(args, sub, None):
            parts.append(getattr(args, sub))
    return " ".join(parts)


def read_pin(t: Translator, name: str, environ: Mapping[str, str], ask: Ask, *, env: str = PIN_ENV) -> str:
    """The PIN from `env` (scripts) or typed without echo; no terminal and no variable: refused."""
    if env in environ:
        return environ[env]
    if not sys.stdin.isatty() and ask is getpass.getpass:
        raise NotAllowed("access.pin_needed", env=env)
    return ask(t("access.pin_prompt", name=name))


def read_new_pin(t: Translator, name: str, environ: Mapping[str, str], ask: Ask) -> str:
    """A new PIN: STATION_NEW_PIN for scripts, else typed twice without echo."""
    if NEW_PIN_ENV in environ:
        return environ[NEW_PIN_ENV]
    if not sys.stdin.isatty() and ask is getpass.getpass:
        raise NotAllowed("access.pin_needed", env=NEW_PIN_ENV)
    first = ask(t("access.new_pin_prompt", name=name))
    if ask(t("access.new_pin_again")) != first:
        raise NotAllowed("access.pins_differ")
    return first


def open_services(config: StationConfig) -> Services:
    from station.config import ensure_dirs
    from station.db.database import open_database
    from station.domain.clock import SystemClock
    from station.services.registry import build_services

    ensure_dirs(config)
    return build_services(open_database(config.db_path), config, SystemClock())


def log_in(
    config: StationConfig,
    args: argparse.Namespace,
    action: str | None,
    *,
    environ: Mapping[str, str] | None = None,
    ask: Ask = getpass.getpass,
    services: Services | None = None,
    allow_pin_change: bool = False,
) -> CliSession:
    """Open the station, log the operator in, check `action` (None: any role), audit the command."""
    environ = os.environ if environ is None else environ
    services = services or open_services(config)
    t = Translator(config.locale)
    command = command_name(args)
    name = getattr(args, "operator", None)
    if not name:
        with services.db.atomic():
            services.audit.record("cli.refused", None, ref=command, reason="no_operator", args=audit_args(args))
        raise NotAllowed("access.operator_required", command=command)
    pin = read_pin(t, name, environ, ask)
    operator = services.operators.login_by_name(name, pin, via="cli")
    try:
        if operator.pin_change_due and not allow_pin_change:
            raise NotAllowed("access.pin_change_due", name=operator.name)
        if action is not None:
            require(operator, action)
    except StationError as refused:
        with services.db.atomic():
            services.audit.record("cli.refused", operator.id, ref=command, reason=refused.key, args=audit_args(args))
        raise
    with services.db.atomic():
        services.audit.record("cli.command", operator.id, ref=command, args=audit_args(args))
    return CliSession(services, operator, pin)


def close_database() -> None:
    """The command is over: let go of the station's database (the models' proxy)."""
    from station.db.models import database

    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()


def record_open_command(services: Services, args: argparse.Namespace) -> None:
    """A command that needs no log-in but touches the station's database (demo) is still logged."""
    with services.db.atomic():
        services.audit.record("cli.command", None, ref=command_name(args), args=audit_args(args))
