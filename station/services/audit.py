"""The audit log: logins, overrides, reversals, exports, configuration changes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from peewee import JOIN

from station.db.models import AuditEvent, Operator
from station.domain.clock import Clock


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    operator_name: str
    kind: str
    ref: str
    detail: dict[str, Any]


class AuditLog:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def record(self, kind: str, operator_id: int | None, ref: str = "", **detail: Any) -> None:
        AuditEvent.create(
            at=self.clock.now(),
            operator=operator_id,
            kind=kind,
            ref=ref,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        )

    def read(self, by, **filters: Any) -> list[AuditRow]:
        """The audit log for a screen or command: partners and auditors only."""
        from station.services.common import require

        require(by, "audit.view")
        return self.list(**filters)

    def check_reader(self, by) -> None:
        """Refuse who may not read the log before a filter is typed (NotAllowed)."""
        from station.services.common import require

        require(by, "audit.view")

    def list(
        self,
        *,
        kind: str | None = None,
        operator_id: int | None = None,
        day: dt.date | None = None,
        limit: int = 500,
    ) -> list[AuditRow]:
        query = (
            AuditEvent.select(AuditEvent, Operator.id, Operator.name)
            .join(Operator, JOIN.LEFT_OUTER)
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
        if kind:
            query = query.where(AuditEvent.kind.startswith(kind))
        if operator_id:
            query = query.where(AuditEvent.operator == operator_id)
        if day:
            start = dt.datetime.combine(day, dt.time())
            query = query.where((AuditEvent.at >= start) & (AuditEvent.at < start + dt.timedelta(days=1)))
        return [
            AuditRow(
                row.id,
                row.at,
                row.operator.name if row.operator else "",
                row.kind,
                row.ref,
                json.loads(row.detail or "{}"),
            )
            for row in query
        ]
