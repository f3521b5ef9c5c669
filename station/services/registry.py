"""Wire the services together over one database; the app, the CLI and tests all use this."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import Database

from station.config import StationConfig
from station.domain.clock import Clock
from station.services.audit import AuditLog
from station.domain.money import format_fen
from station.i18n.translator import Translator
from station.printing.queue import PrintService
from station.printing.transports import Transport, make_transport
from station.services.complaints import ComplaintService
from station.services.consignments import ConsignmentService
from station.services.day_close import DayCloseService
from station.services.exports import ExportService
from station.services.dashboard import DashboardService, Tile
from station.services.purchases import PurchaseService, purchases_tile
from station.services.settlements import SettlementService
from station.services.shifts import ShiftService
from station.services.ledger import LedgerService
from station.services.operators import OperatorService
from station.services.parcel_reports import ParcelReports
from station.services.parcels import ParcelService
from station.services.pickup import PickupService
from station.services.utilities import UtilityService
from station.services.utility_reports import UtilityTile
from station.services.villagers import VillagerService


@dataclass
class Services:
    db: Database
    config: StationConfig
    clock: Clock
    audit: AuditLog
    ledger: LedgerService
    operators: OperatorService
    villagers: VillagerService
    dashboard: DashboardService
    printing: PrintService
    parcels: ParcelService
    pickup: PickupService
    parcel_reports: ParcelReports
    utilities: UtilityService
    consignments: ConsignmentService
    settlements: SettlementService
    purchases: PurchaseService
    shifts: ShiftService
    day_close: DayCloseService
    complaints: ComplaintService
    exports: ExportService


def build_services(
    db: Database, config: StationConfig, clock: Clock, *, transport: Transport | None = None
) -> Services:
    t = Translator(config.locale)
    audit = AuditLog(clock)
    printing = PrintService(db, clock, config.printer, transport or make_transport(config.printer), t)
    ledger = LedgerService(
        db, clock, audit, approval_threshold_fen=config.counter.reversal_approval_fen
    )
    operators = OperatorService(db, clock, audit)
    villagers = VillagerService(db, clock, audit)
    dashboard = DashboardService(clock)
    parcels = ParcelService(db, clock, audit, config.parcels)
    pickup = PickupService(db, clock, audit, ledger, printing, config.parcels, t)
    parcel_reports = ParcelReports(db, clock, audit, printing, config.parcels, t, config.export_dir)
    dashboard.add(lambda: core_tile(villagers, ledger))
    dashboard.add(parcel_reports.tile)
    utilities = UtilityService(db, clock, audit, ledger, printing)
    dashboard.add(UtilityTile(db, clock))
    consignments = ConsignmentService(db, clock, audit, ledger, printing, config.counter, t)
    settlements = SettlementService(db, clock, audit, ledger, printing, config.counter, t)
    dashboard.add(lambda: settlements.tile(consignments.lots()))
    purchases = PurchaseService(db, clock, ledger, printing, t, config.counter.service_fee_fen)
    dashboard.add(lambda: purchases_tile(purchases))
    shifts = ShiftService(db, clock, audit, operators, printing, t)
    day_close = DayCloseService(db, clock, audit, printing, t, config.db_path, config.backup_dir,
                                config.counter.backups_kept)
    complaints = ComplaintService(db, clock, audit)
    dashboard.add(complaints.tile)
    exports = ExportService(db, clock, audit)
    return Services(
        db=db,
        config=config,
        clock=clock,
        audit=audit,
        ledger=ledger,
        operators=operators,
        villagers=villagers,
        dashboard=dashboard,
        printing=printing,
        parcels=parcels,
        pickup=pickup,
        parcel_reports=parcel_reports,
        utilities=utilities,
        consignments=consignments,
        settlements=settlements,
        purchases=purchases,
        shifts=shifts,
        day_close=day_close,
        complaints=complaints,
        exports=exports,
    )


def core_tile(villagers: VillagerService, ledger: LedgerService) -> Tile:
    return Tile(
        "tile.villagers",
        (
            ("tile.villagers_count", str(villagers.count()), False),
            ("tile.cash_balance", format_fen(ledger.balance("cash")), False),
        ),
    )
