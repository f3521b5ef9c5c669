"""Station set-up, operators, PIN log-in with lock-out, and PIN approval."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database

from station.db.models import Operator, Station
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound, StationError
from station.domain.pins import check_pin, hash_pin, normalise_pin, parse_pin
from station.domain.text import clean_name, clean_text
from station.services.audit import AuditLog
from station.services.common import ROLES, OperatorInfo, require_role

MAX_ATTEMPTS = 3
LOCK_SECONDS = 60


@dataclass(frozen=True)
class StationInfo:
    name: str
    code: str
    address: str
    partner_name: str
    county_office: str


class WrongPin(StationError):
    key = "login.wrong_pin"


class OperatorLocked(StationError):
    key = "login.locked"


def _info(row: Operator) -> OperatorInfo:
    return OperatorInfo(row.id, row.name, row.role)


def _clean_name(text: str, key: str) -> str:
    return clean_name(text, required_key=key)


class OperatorService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit

    # -- the station -------------------------------------------------------------------
    def needs_setup(self) -> bool:
        return not Station.select().exists() or not Operator.select().exists()

    def station(self) -> StationInfo | None:
        row = Station.select().first()
        if row is None:
            return None
        return StationInfo(row.name, row.code, row.address, row.partner_name, row.county_office)

    def set_up_station(
        self, *, station_name: str, station_code: str, partner_name: str, pin: str, address: str = ""
    ) -> OperatorInfo:
        """First run: the station row and its partner, in one transaction."""
        name = _clean_name(station_name, "setup.station_name_required")
        code = _clean_name(station_code, "setup.station_code_required")
        partner = _clean_name(partner_name, "setup.partner_name_required")
        pin_hash = hash_pin(parse_pin(pin))
        with self.db.atomic():
            if not self.needs_setup():
                raise NotAllowed("setup.already_done")
            now = self.clock.now()
            Station.create(name=name, code=code, partner_name=partner, address=clean_text(address), created_at=now)
            row = Operator.create(name=partner, role="partner", pin_hash=pin_hash, created_at=now)
            self.audit.record("station.setup", row.id, ref=code, station=name)
        return _info(row)

    # -- operators ---------------------------------------------------------------------
    def list_active(self) -> list[OperatorInfo]:
        query = Operator.select().where(Operator.active == True).order_by(Operator.id)  # noqa: E712
        return [_info(row) for row in query]

    def add_operator(self, by: OperatorInfo, *, name: str, role: str, pin: str) -> OperatorInfo:
        require_role(by, "partner")
        name = _clean_name(name, "operators.name_required")
        if role not in ROLES:
            raise InvalidInput("operators.bad_role", role=role)
        pin_hash = hash_pin(parse_pin(pin))
        with self.db.atomic():
            if Operator.select().where(Operator.name == name).exists():
                raise InvalidInput("operators.name_taken", name=name)
            row = Operator.create(name=name, role=role, pin_hash=pin_hash, created_at=self.clock.now())
            self.audit.record("operator.added", by.id, ref=f"operator:{row.id}", name=name, role=role)
        return _info(row)

    # -- log-in ------------------------------------------------------------------------
    def login(self, operator_id: int, pin: str) -> OperatorInfo:
        """Check a PIN; three wrong ones lock the operator for a minute."""
        row = self._check(operator_id, pin, audit_kind="login")
        self.audit.record("login.ok", row.id)
        return _info(row)

    def logout(self, operator: OperatorInfo) -> None:
        with self.db.atomic():
            self.audit.record("logout", operator.id)

    def approve(self, operator_id: int, pin: str) -> OperatorInfo:
        """A second operator confirms with their PIN (approvals, shift handover)."""
        return _info(self._check(operator_id, pin, audit_kind="approval"))

    def _check(self, operator_id: int, pin: str, *, audit_kind: str) -> Operator:
        now = self.clock.now()
        with self.db.atomic():
            row = Operator.get_or_none((Operator.id == operator_id) & (Operator.active == True))  # noqa: E712
            if row is None:
                raise NotFound("login.no_such_operator")
            if row.locked_until and row.locked_until > now:
                seconds = int((row.locked_until - now).total_seconds()) + 1
                raise OperatorLocked(name=row.name, seconds=seconds)
            if check_pin(normalise_pin(pin), row.pin_hash):
                row.failed_attempts = 0
                row.locked_until = None
                row.save()
                return row
            row.failed_attempts += 1
            locked = row.failed_attempts >= MAX_ATTEMPTS
            if locked:
                row.failed_attempts = 0
                row.locked_until = now + dt.timedelta(seconds=LOCK_SECONDS)
            row.save()
            self.audit.record(f"{audit_kind}.failed", row.id, locked=locked)
        if locked:
            raise OperatorLocked(name=row.name, seconds=LOCK_SECONDS)
        raise WrongPin(remaining=MAX_ATTEMPTS - row.failed_attempts)
