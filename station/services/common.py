"""What every service shares: the acting operator and role checks; the dependencies of the
counter services that take money and print receipts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from station.domain.errors import NotAllowed

if TYPE_CHECKING:
    from peewee import Database

    from station.domain.clock import Clock
    from station.i18n.translator import Translator
    from station.printing.queue import PrintService
    from station.services.audit import AuditLog
    from station.services.ledger import LedgerService

ConfigT = TypeVar("ConfigT")

ROLES = ("partner", "assistant", "auditor")


@dataclass(frozen=True)
class OperatorInfo:
    """Who is at the counter; passed to every use case that writes."""

    id: int
    name: str
    role: str

    @property
    def is_partner(self) -> bool:
        return self.role == "partner"


def require_role(operator: OperatorInfo, *roles: str) -> None:
    if operator.role not in roles:
        raise NotAllowed("error.role_required", role=operator.role, needed="/".join(roles))


def require_counter(operator: OperatorInfo) -> None:
    """Counter work: partners and assistants; auditors only read."""
    require_role(operator, "partner", "assistant")


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
