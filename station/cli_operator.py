"""`station operator add|list|reset-pin|deactivate|unlock|change-pin`: a partner manages the
counter's operators (with their own PIN); anyone changes their own PIN."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Mapping

from station.cli_auth import Ask, add_operator_option, log_in, read_new_pin
from station.config import StationConfig
from station.domain.permissions import ROLES
from station.i18n.translator import Translator


def add_parser(commands: argparse._SubParsersAction) -> None:
    operator = commands.add_parser("operator", help="add, list, reset the PIN of, deactivate or unlock operators")
    actions = operator.add_subparsers(dest="operator_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an operator (new PIN asked twice, or STATION_NEW_PIN)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    listing = actions.add_parser("list", help="every operator with role, state and lock")
    reset = actions.add_parser("reset-pin", help="set a new PIN for an operator (also unlocks)")
    reset.add_argument("name")
    deactivate = actions.add_parser("deactivate", help="an operator who left: can no longer log in")
    deactivate.add_argument("name")
    unlock = actions.add_parser("unlock", help="lift a lock-out after wrong PINs")
    unlock.add_argument("name")
    change = actions.add_parser("change-pin", help="change your own PIN (the operator named by --operator)")
    for parser in (add, listing, reset, deactivate, unlock, change):
        add_operator_option(parser)


def cmd_operator(
    config: StationConfig,
    args: argparse.Namespace,
    *,
    environ: Mapping[str, str] | None = None,
    ask: Ask = getpass.getpass,
) -> int:
    import os

    environ = os.environ if environ is None else environ
    t = Translator(config.locale)
    if args.operator_command == "change-pin":
        session = log_in(config, args, None, environ=environ, ask=ask, allow_pin_change=True)
        new_pin = read_new_pin(t, session.operator.name, environ, ask)
        session.services.operators.change_own_pin(session.operator.id, session.pin, new_pin)
        print(t("access.pin_changed", name=session.operator.name))
        return 0
    session = log_in(config, args, "operators.manage", environ=environ, ask=ask)
    operators, by = session.services.operators, session.operator
    if args.operator_command == "list":
        for row in operators.list_all(by):
            state = t("access.state_active") if row.active else t("access.state_inactive")
            locked = t("access.locked_until", at=f"{row.locked_until:%Y-%m-%d %H:%M}") if row.locked_until else ""
            print(f"{row.name}\t{t('role.' + row.role)}\t{state}\t{locked}".rstrip())
        return 0
    if args.operator_command == "add":
        pin = read_new_pin(t, args.name, environ, ask)
        added = operators.add_operator(by, name=args.name, role=args.role, pin=pin)
        print(t("access.added", name=added.name, role_key=f"role.{added.role}"))
        return 0
    target = operators.find(args.name)
    if args.operator_command == "reset-pin":
        operators.reset_pin(by, target.id, read_new_pin(t, target.name, environ, ask))
        print(t("access.pin_reset", name=target.name))
    elif args.operator_command == "deactivate":
        operators.deactivate(by, target.id)
        print(t("access.deactivated", name=target.name))
    else:
        operators.unlock(by, target.id)
        print(t("access.unlocked", name=target.name))
    return 0
