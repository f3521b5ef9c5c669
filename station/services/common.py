"""What every service shares: the acting operator and role checks; the dependencies of the
counter services that take money and print receipts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from station.domain.errors import NotAllowed
from station.domain.permissions import ROLES, allowed

if TYPE_CHECKING:
    from peewee import Database

    from station.domain.clock import Clock
    from station.i18n.translator import Translator
    from station.printing.queue import PrintService
    from station.services.audit import AuditLog
    from station.services.ledger import LedgerService

ConfigT = TypeVar("ConfigT")

__all__ = ["ROLES", "CounterService", "OperatorInfo", "Session", "require", "require_counter", "require_role"]


@dataclass(frozen=True)
class OperatorInfo:
    """Who is at the counter; passed to every use case that writes."""

    id: int
    name: str
    role: str
    # A partner who logged in with a PIN shorter than the rule (set before 6 digits were
    # required): the TUI makes them change it before anything else, the CLI refuses.
    pin_change_due: bool = field(default=False, compare=False)

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"


def current_role(operator: OperatorInfo | None) -> str:
    """The operator's role as the database has it now: an OperatorInfo built by hand (a forged
    id or role) or one deactivated since log-in is worth nothing."""
    from station.db.models import Operator

    if operator is None:
        raise NotAllowed("login.required")
    row = Operator.get_or_none((Operator.id == operator.id) & (Operator.active == True))  # noqa: E712
    if row is None:
        raise NotAllowed("access.unknown_operator", id=operator.id)
    return row.role


def require(operator: OperatorInfo | None, action: str) -> OperatorInfo:
    """Refuse unless the permission table lets the operator's role do `action`; the operator back."""
    role = current_role(operator)
    if operator is None or not allowed(role, action):  # None: current_role refused it already
        raise NotAllowed("access.denied", role_key=f"role.{role}", action_key=f"action.{action}")
    return operator


def may(operator: OperatorInfo, action: str) -> bool:
    """Asking only (screens, the CLI): no exception, same table."""
    try:
        require(operator, action)
    except NotAllowed:
        return False
    return True


def require_role(operator: OperatorInfo, *roles: str) -> None:
    role = current_role(operator)
    if role not in roles:
        raise NotAllowed("error.role_required", role=role, needed="/".join(roles))


def require_counter(operator: OperatorInfo) -> None:
    """Counter work: partners and assistants; auditors only read."""
    require(operator, "counter.work")


class Session:
    """Who is logged in at this counter; shared by the app and its screens."""

    def __init__(self) -> None:
        self.operator: OperatorInfo | None = None

    @property
    def require(self) -> OperatorInfo:
        if self.operator is None:
            raise NotAllowed("login.required")
        return self.operator


class CounterService(Generic[ConfigT]):
    """A service that posts to the ledger and prints receipts (pick-up, consignments,
    settlements): the same seven dependencies, wired by services.registry."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        ledger: LedgerService,
        printing: PrintService,
        config: ConfigT,
        t: Translator,
    ) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.ledger = ledger
        self.printing = printing
        self.config = config
        self.t = t
