"""Who may do what: the one role → actions table. Services check it; screens and the CLI only ask."""

from __future__ import annotations

ROLES = ("partner", "assistant", "auditor")

# Every action a service or a command checks, with what it covers (the README prints this table).
ACTIONS: dict[str, str] = {
    "counter.work": "parcels, pick-ups, purchases, consignments, utility bills, villagers, shifts",
    "counter.override": "hand a parcel over without code/phone/ID check; charge an order still owed; "
    "lower or remove a freight-collect amount",
    "ledger.reverse": "reverse a posting (above the threshold with a second partner's PIN)",
    "ledger.reverse_with_approval": "ask for a reversal that a partner approves with their PIN",
    "day.close": "close the day (Z report)",
    "courier.settle": "settle a courier's account (the fees earned posted and the balance paid in one go)",
    "settings.change": "printer settings, tariffs",
    "report.view": "reports (villagers' names masked)",
    "report.names": "reports with villagers' names unmasked",
    "export.masked": "county export with phones and names masked",
    "export.unmasked": "county export with phones and names (audit-logged before any file)",
    "audit.view": "read the audit log",
    "backup.make": "write a backup copy of the database",
    "backup.restore": "replace the database with a backup",
    "operators.manage": "add operators, reset PINs, deactivate, unlock",
    "print.test": "print a test page",
}

_COUNTER = {"counter.work", "ledger.reverse_with_approval", "report.view", "export.masked", "print.test"}
_READ_ONLY = {"report.view", "report.names", "export.masked", "export.unmasked", "audit.view"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "partner": frozenset(ACTIONS),
    "assistant": frozenset(_COUNTER),
    "auditor": frozenset(_READ_ONLY),
}


def allowed(role: str, action: str) -> bool:
    """True when `role` may do `action`; an unknown role or action is never allowed."""
    if action not in ACTIONS:
        raise KeyError(action)  # a typo in a service must fail loudly, not silently deny or allow
    return action in PERMISSIONS.get(role, frozenset())


def roles_for(action: str) -> tuple[str, ...]:
    return tuple(role for role in ROLES if allowed(role, action))
