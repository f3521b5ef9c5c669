"""Station set-up, operators, PIN log-in with escalating lock-out, and PIN approval.

A PIN is checked outside any transaction (scrypt takes ≥ 100 ms); the attempt counter, the
lock and a re-hash at the current cost are then written in one short transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from peewee import Database

from station.db.models import Operator, Station
from station.domain.clock import Clock
from station.domain.errors import InvalidInput, NotAllowed, NotFound, StationError
from station.domain.permissions import ROLES, allowed
from station.domain.pins import (
    DEFAULT_COST,
    PinCost,
    check_pin,
    hash_pin,
    needs_rehash,
    normalise_pin,
    parse_new_pin,
    pin_too_short,
)
from station.domain.station_codes import parse_station_code
from station.domain.text import clean_name, clean_text
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require
from station.services.signing import ensure_key, load_key

MAX_ATTEMPTS = 3
LOCK_MINUTES = (1, 5, 15, 60)  # the first lock, the second, … ; the level resets at a good log-in
LOCK_SECONDS = LOCK_MINUTES[0] * 60


def lock_duration(level: int) -> dt.timedelta:
    return dt.timedelta(minutes=LOCK_MINUTES[min(max(level, 1), len(LOCK_MINUTES)) - 1])


@dataclass(frozen=True)
class StationInfo:
    name: str
    code: str
    address: str
    partner_name: str
    county_office: str


@dataclass(frozen=True)
class OperatorRow:
    """One line of the operators screen / `station operator list`."""

    id: int
    name: str
    role: str
    active: bool
    locked_until: dt.datetime | None
    lock_level: int


class WrongPin(StationError):
    key = "login.wrong_pin"


class OperatorLocked(StationError):
    key = "login.locked"


def _info(row: Operator, *, pin_change_due: bool = False) -> OperatorInfo:
    return OperatorInfo(row.id, row.name, row.role, pin_change_due)


def _clean_name(text: str, key: str) -> str:
    return clean_name(text, required_key=key)


class OperatorService:
    def __init__(
        self, db: Database, clock: Clock, audit: AuditLog, cost: PinCost = DEFAULT_COST, key_dir: Path | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.audit = audit
        self.cost = cost
        self.key_dir = key_dir  # where the station's signing key is made at set-up (the data dir)

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
        code = parse_station_code(station_code)
        partner = _clean_name(partner_name, "setup.partner_name_required")
        pin_hash = hash_pin(parse_new_pin(pin, "partner"), self.cost)
        if self.key_dir is not None and self.needs_setup():
            ensure_key(self.key_dir)  # the export signing key, made with the station (kept if one exists)
        with self.db.atomic():
            if not self.needs_setup():
                raise NotAllowed("setup.already_done")
            now = self.clock.now()
            Station.create(name=name, code=code, partner_name=partner, address=clean_text(address), created_at=now)
            row = Operator.create(name=partner, role="partner", pin_hash=pin_hash, created_at=now)
            self.audit.record("station.setup", row.id, ref=code, station=name)
        return _info(row)

    def key_fingerprint(self) -> str:
        """The signing key's fingerprint, read out to the county when it enrols the station."""
        key = load_key(self.key_dir) if self.key_dir is not None else None
        return key.fingerprint if key else ""

    # -- operators ---------------------------------------------------------------------
    def list_active(self) -> list[OperatorInfo]:
        query = Operator.select().where(Operator.active == True).order_by(Operator.id)  # noqa: E712
        return [_info(row) for row in query]

    def list_all(self, by: OperatorInfo) -> list[OperatorRow]:
        require(by, "operators.manage")
        return [
            OperatorRow(row.id, row.name, row.role, row.active, row.locked_until, row.lock_level)
            for row in Operator.select().order_by(Operator.active.desc(), Operator.id)
        ]

    def find(self, name: str) -> OperatorInfo:
        """An active operator by name (the CLI's `--operator NAME`)."""
        row = Operator.get_or_none((Operator.name == " ".join((name or "").split())) & (Operator.active == True))  # noqa: E712
        if row is None:
            raise NotFound("login.no_such_operator")
        return _info(row)

    def add_operator(self, by: OperatorInfo, *, name: str, role: str, pin: str) -> OperatorInfo:
        require(by, "operators.manage")
        name = _clean_name(name, "operators.name_required")
        if role not in ROLES:
            raise InvalidInput("operators.bad_role", role=role)
        pin_hash = hash_pin(parse_new_pin(pin, role), self.cost)
        with self.db.atomic():
            if Operator.select().where(Operator.name == name).exists():
                raise InvalidInput("operators.name_taken", name=name)
            row = Operator.create(name=name, role=role, pin_hash=pin_hash, created_at=self.clock.now())
            self.audit.record("operator.added", by.id, ref=f"operator:{row.id}", name=name, role=role)
        return _info(row)

    def reset_pin(self, by: OperatorInfo, operator_id: int, pin: str) -> OperatorInfo:
        """A partner sets a new PIN for someone (forgotten, or a 4-digit partner PIN); unlocks too."""
        require(by, "operators.manage")
        row = self._row(operator_id)
        pin_hash = hash_pin(parse_new_pin(pin, row.role), self.cost)
        with self.db.atomic():
            Operator.update(pin_hash=pin_hash, failed_attempts=0, locked_until=None, lock_level=0).where(
                Operator.id == row.id
            ).execute()
            self.audit.record("operator.pin_reset", by.id, ref=f"operator:{row.id}", name=row.name)
        return _info(row)

    def change_own_pin(self, operator_id: int, old_pin: str, new_pin: str) -> OperatorInfo:
        """Anyone changes their own PIN with the old one (a partner with a 4-digit PIN must)."""
        row = self._check(operator_id, old_pin, audit_kind="pin_change")
        pin_hash = hash_pin(parse_new_pin(new_pin, row.role), self.cost)
        with self.db.atomic():
            Operator.update(pin_hash=pin_hash).where(Operator.id == row.id).execute()
            self.audit.record("operator.pin_changed", row.id, ref=f"operator:{row.id}")
        return _info(row)

    def deactivate(self, by: OperatorInfo, operator_id: int) -> None:
        require(by, "operators.manage")
        row = self._row(operator_id)
        if row.id == by.id:
            raise NotAllowed("access.not_yourself")
        with self.db.atomic():
            Operator.update(active=False).where(Operator.id == row.id).execute()
            self.audit.record("operator.deactivated", by.id, ref=f"operator:{row.id}", name=row.name)

    def unlock(self, by: OperatorInfo, operator_id: int) -> None:
        require(by, "operators.manage")
        row = self._row(operator_id)
        with self.db.atomic():
            Operator.update(failed_attempts=0, locked_until=None, lock_level=0).where(Operator.id == row.id).execute()
            self.audit.record("operator.unlocked", by.id, ref=f"operator:{row.id}", name=row.name)

    def _row(self, operator_id: int) -> Operator:
        row = Operator.get_or_none((Operator.id == operator_id) & (Operator.active == True))  # noqa: E712
        if row is None:
            raise NotFound("login.no_such_operator")
        return row

    # -- log-in ------------------------------------------------------------------------
    def login(self, operator_id: int, pin: str, *, via: str = "tui") -> OperatorInfo:
        """Check a PIN; three wrong ones lock the operator for 1, then 5, 15, 60 minutes."""
        row = self._check(operator_id, pin, audit_kind="login")
        due = pin_too_short((pin or "").strip(), row.role)
        with self.db.atomic():
            self.audit.record("login.ok", row.id, via=via, pin_change_due=due)
        return _info(row, pin_change_due=due)

    def login_by_name(self, name: str, pin: str, *, via: str = "cli") -> OperatorInfo:
        try:
            operator = self.find(name)
        except NotFound:
            with self.db.atomic():
                self.audit.record("login.failed", None, name=name, via=via, reason="no_such_operator")
            raise
        return self.login(operator.id, pin, via=via)

    def logout(self, operator: OperatorInfo) -> None:
        with self.db.atomic():
            self.audit.record("logout", operator.id)

    def approve(self, operator_id: int, pin: str, *, action: str | None = None, ref: str = "") -> OperatorInfo:
        """A second operator confirms with their PIN (approvals, shift handover); with `action`,
        their role must also be allowed to do it. Refusals are in the audit log."""
        row = self._check(operator_id, pin, audit_kind="approval")
        if action is not None and not allowed(row.role, action):
            with self.db.atomic():
                self.audit.record("approval.refused", row.id, ref=ref, action=action, role=row.role)
            raise NotAllowed("access.approver_role", name=row.name, role_key=f"role.{row.role}")
        with self.db.atomic():
            self.audit.record("approval.ok", row.id, ref=ref, action=action or "")
        return _info(row)

    def _check(self, operator_id: int, pin: str, *, audit_kind: str) -> Operator:
        row = self._row(operator_id)
        now = self.clock.now()
        try:
            self._refuse_if_locked(row, now)
        except OperatorLocked:
            with self.db.atomic():
                self.audit.record(f"{audit_kind}.failed", row.id, locked=True, lock_level=row.lock_level)
            raise
        pin = normalise_pin(pin)  # full-width digits from an IME: the same PIN as at set-up
        good = check_pin(pin, row.pin_hash)
        rehash = hash_pin(pin, self.cost) if good and needs_rehash(row.pin_hash, self.cost) else None
        with self.db.atomic():
            row = Operator.get_by_id(row.id)  # another counter may have failed meanwhile
            self._refuse_if_locked(row, now)
            if good:
                row.failed_attempts, row.locked_until, row.lock_level = 0, None, 0
                if rehash is not None:
                    row.pin_hash = rehash
                    self.audit.record("pin.rehashed", row.id, n=self.cost.n, r=self.cost.r, p=self.cost.p)
                row.save()
                return row
            row.failed_attempts += 1
            locked = row.failed_attempts >= MAX_ATTEMPTS
            if locked:
                row.failed_attempts = 0
                row.lock_level += 1
                row.locked_until = now + lock_duration(row.lock_level)
            row.save()
            self.audit.record(f"{audit_kind}.failed", row.id, locked=locked, lock_level=row.lock_level)
        if locked:
            raise OperatorLocked(name=row.name, seconds=int(lock_duration(row.lock_level).total_seconds()))
        raise WrongPin(remaining=MAX_ATTEMPTS - row.failed_attempts)

    @staticmethod
    def _refuse_if_locked(row: Operator, now: dt.datetime) -> None:
        if row.locked_until and row.locked_until > now:
            seconds = int((row.locked_until - now).total_seconds()) + 1
            raise OperatorLocked(name=row.name, seconds=seconds)
