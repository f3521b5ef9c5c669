"""What every service shares: the acting operator and role checks."""

from __future__ import annotations

from dataclasses import dataclass

from station.domain.errors import NotAllowed

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
