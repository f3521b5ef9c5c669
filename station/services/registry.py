"""Wire the services together over one database; the app, the CLI and tests all use this.

Each service is built, and its module imported, the first time it is asked for: the log-in
screen needs two of them, and importing all twenty (with their dataclasses) would double the
time to a usable screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar, overload

from peewee import Database

from station.config import PrinterConfig, StationConfig
from station.domain.clock import Clock
from station.i18n.translator import Translator
from station.printing.transports import Transport

if TYPE_CHECKING:
    from station.printing.queue import PrintService
    from station.services.audit import AuditLog
    from station.services.backup import BackupService
    from station.services.complaints import ComplaintService
    from station.services.consignments import ConsignmentService
    from station.services.couriers import CourierService
    from station.services.dashboard import DashboardService, Tile
    from station.services.day_close import DayCloseService
    from station.services.exports import ExportService
    from station.services.integrity import IntegrityService
    from station.services.ledger import LedgerService
    from station.services.ledger_labels import LedgerLabels
    from station.services.operators import OperatorService
    from station.services.parcel_reports import ParcelReports
    from station.services.parcels import ParcelService
    from station.services.pickup import PickupService
    from station.services.purchases import PurchaseService
    from station.services.rate_cards import RateCardService
    from station.services.reports import ReportService
    from station.services.sending import SendingService
    from station.services.settings import SettingsService
    from station.services.settlements import SettlementService
    from station.services.shifts import ShiftService
    from station.services.utilities import UtilityService
    from station.services.villagers import VillagerService


T = TypeVar("T")


class built_once(Generic[T]):
    """Like functools.cached_property, but safe when two workers ask first at the same moment
    (a service with state, like the printer's, must exist once)."""

    def __init__(self, build: Callable[[Services], T]) -> None:
        self.build = build
        self.name = build.__name__

    @overload
    def __get__(self, services: None, owner: type) -> built_once[T]: ...
    @overload
    def __get__(self, services: Services, owner: type) -> T: ...
    def __get__(self, services: Services | None, owner: type) -> T | built_once[T]:
        if services is None:
            return self
        with services._building:
            if self.name not in services.__dict__:  # once stored there, Python skips this method
                services.__dict__[self.name] = self.build(services)
        return services.__dict__[self.name]


class Services:
    def __init__(self, db: Database, config: StationConfig, clock: Clock, transport: Transport | None) -> None:
        self._building = threading.RLock()  # one service may build the ones it needs
        self.db = db
        self.config = config
        self.clock = clock
        self.t = Translator(config.locale)
        self._transport = transport

    def __repr__(self) -> str:
        built = sorted(name for name in vars(self) if not name.startswith("_") and name not in ("db", "config"))
        return f"Services({self.config.db_path}, built={built})"

    @built_once
    def audit(self) -> AuditLog:
        from station.services.audit import AuditLog

        return AuditLog(self.clock)

    @built_once
    def printing(self) -> PrintService:
        from station.printing.queue import PrintService
        from station.printing.transports import make_transport

        transport = self._transport or make_transport(self.config.printer)
        return PrintService(self.db, self.clock, self.config.printer, transport, self.t)

    @built_once
    def ledger(self) -> LedgerService:
        from station.services.ledger import LedgerService

        return LedgerService(
            self.db,
            self.clock,
            self.audit,
            approval_threshold_fen=self.config.counter.reversal_approval_fen,
            approvals=lambda: self.operators,
        )

    @built_once
    def operators(self) -> OperatorService:
        from station.domain.pins import PinCost
        from station.services.operators import OperatorService

        security = self.config.security
        return OperatorService(
            self.db, self.clock, self.audit, PinCost(security.pin_cost, security.pin_cost_r), self.config.data_dir
        )

    @built_once
    def settings(self) -> SettingsService:
        from station.printing.transports import make_transport
        from station.services.settings import SettingsService

        def use_printer(printer: PrinterConfig) -> None:
            self.printing.use_printer(printer, make_transport(printer))

        return SettingsService(self.db, self.audit, self.config, use_printer)

    @built_once
    def villagers(self) -> VillagerService:
        from station.services.villagers import VillagerService

        return VillagerService(self.db, self.clock, self.audit)

    @built_once
    def parcels(self) -> ParcelService:
        from station.services.parcels import ParcelService

        return ParcelService(self.db, self.clock, self.audit, self.config.parcels)

    @built_once
    def pickup(self) -> PickupService:
        from station.services.pickup import PickupService

        return PickupService(
            self.db,
            self.clock,
            self.audit,
            self.ledger,
            self.printing,
            self.config.parcels,
            self.t,
            purchases=self.purchases,
        )

    @built_once
    def parcel_reports(self) -> ParcelReports:
        from station.services.parcel_reports import ParcelReports

        return ParcelReports(
            self.db,
            self.clock,
            self.audit,
            self.ledger,
            self.printing,
            self.config.parcels,
            self.t,
            export_dir=self.config.export_dir,
        )

    @built_once
    def utilities(self) -> UtilityService:
        from station.services.utilities import UtilityService

        return UtilityService(self.db, self.clock, self.audit, self.ledger, self.printing)

    @built_once
    def consignments(self) -> ConsignmentService:
        from station.services.consignments import ConsignmentService

        return ConsignmentService(
            self.db, self.clock, self.audit, self.ledger, self.printing, self.config.counter, self.t
        )

    @built_once
    def settlements(self) -> SettlementService:
        from station.services.settlements import SettlementService

        return SettlementService(
            self.db, self.clock, self.audit, self.ledger, self.printing, self.config.counter, self.t
        )

    @built_once
    def purchases(self) -> PurchaseService:
        from station.services.purchases import PurchaseService

        return PurchaseService(
            self.db,
            self.clock,
            self.ledger,
            self.printing,
            self.t,
            self.config.counter.service_fee_fen,
            holding_fee_due=lambda parcel: self.pickup.holding_fee_due(parcel),
        )

    @built_once
    def shifts(self) -> ShiftService:
        from station.services.shifts import ShiftService

        return ShiftService(self.db, self.clock, self.audit, self.operators, self.printing, self.t)

    @built_once
    def day_close(self) -> DayCloseService:
        from station.services.day_close import DayCloseService

        return DayCloseService(self.db, self.clock, self.audit, self.printing, self.t, self.backup, self.integrity)

    @built_once
    def backup(self) -> BackupService:
        from station.services.backup import BackupService

        return BackupService(
            self.db,
            self.clock,
            self.audit,
            self.operators,
            self.config.db_path,
            self.config.backup_dir,
            self.config.counter.backups_kept,
        )

    @built_once
    def integrity(self) -> IntegrityService:
        from station.services.integrity import IntegrityService

        return IntegrityService(self.db, self.clock, self.audit)

    @built_once
    def complaints(self) -> ComplaintService:
        from station.services.complaints import ComplaintService

        return ComplaintService(self.db, self.clock, self.audit)

    @built_once
    def ledger_labels(self) -> LedgerLabels:
        from station.services.ledger_labels import LedgerLabels

        return LedgerLabels(self.t)

    @built_once
    def exports(self) -> ExportService:
        from station.services.exports import ExportService

        return ExportService(self.db, self.clock, self.audit, self.config.data_dir)

    @built_once
    def reports(self) -> ReportService:
        from station.services.reports import ReportService

        return ReportService(self.db, self.clock, self.config.parcels)

    @built_once
    def rate_cards(self) -> RateCardService:
        from station.services.rate_cards import RateCardService

        return RateCardService(self.db, self.clock, self.audit)

    @built_once
    def couriers(self) -> CourierService:
        from station.services.couriers import CourierService

        return CourierService(
            self.db, self.clock, self.audit, self.ledger, self.printing, None, self.t, rate_cards=self.rate_cards
        )

    @built_once
    def sending(self) -> SendingService:
        from station.services.sending import SendingService

        return SendingService(
            self.db, self.clock, self.audit, self.ledger, self.printing, None, self.t, rate_cards=self.rate_cards
        )

    @built_once
    def dashboard(self) -> DashboardService:
        """The home screen's tiles, in the order the counter reads them."""
        from station.services.dashboard import DashboardService
        from station.services.purchases import purchases_tile
        from station.services.utility_reports import UtilityTile

        dashboard = DashboardService(self.clock)
        dashboard.add(self.core_tile)
        dashboard.add(self.parcel_reports.tile)
        dashboard.add(self.couriers.tile)
        dashboard.add(UtilityTile(self.db, self.clock))
        dashboard.add(lambda: self.settlements.tile(self.consignments.lots()))
        dashboard.add(lambda: purchases_tile(self.purchases))
        dashboard.add(self.complaints.tile)
        return dashboard

    def core_tile(self) -> Tile:
        from station.domain.money import format_fen
        from station.services.dashboard import Tile

        shift = self.shifts.current()
        cash: tuple[tuple[str, str, bool], ...]
        if shift is None:  # no drawer counted in: what the books say
            cash = (("tile.cash_balance", format_fen(self.ledger.balance("cash")), False),)
        else:  # what should be in the drawer: the opening float and the shift's cash
            cash = (
                ("tile.drawer_cash", format_fen(shift.expected_cash_fen), False),
                ("tile.opening_float", format_fen(shift.opening_cash_fen), False),
            )
        return Tile("tile.villagers", (("tile.villagers_count", str(self.villagers.count()), False), *cash))


def build_services(
    db: Database, config: StationConfig, clock: Clock, *, transport: Transport | None = None
) -> Services:
    return Services(db, config, clock, transport)
