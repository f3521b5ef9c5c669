"""Which screen each area opens, built when first opened."""

from __future__ import annotations

from collections.abc import Callable

from textual.screen import Screen

from station.config import StationConfig
from station.screens.home import HomeScreen
from station.services.common import Session
from station.services.registry import Services


def area_factories(
    services: Services, session: Session, print_job, config: Callable[[], StationConfig]
) -> dict[str, Callable[[], Screen]]:
    """One screen factory per area. An area's module is imported when it is first opened,
    so the log-in screen is up before the desks' code (and its libraries) has loaded."""

    def parcels():
        from station.screens.parcel_desk import ParcelDeskScreen

        return ParcelDeskScreen(
            services.parcels,
            services.pickup,
            services.parcel_reports,
            services.villagers,
            session,
            print_job,
            services.purchases,
            services.couriers,
            services.complaints,
        )

    def purchases():
        from station.screens.purchases import PurchasesScreen

        return PurchasesScreen(
            services.purchases, services.villagers, session, print_job, complaints=services.complaints
        )

    def consignments():
        from station.screens.consignments import ConsignmentsScreen

        return ConsignmentsScreen(
            services.consignments,
            services.settlements,
            services.villagers,
            session,
            print_job,
            complaints=services.complaints,
        )

    def utilities():
        from station.screens.utilities import UtilitiesScreen

        return UtilitiesScreen(services.utilities, session, print_job)

    def villagers():
        from station.screens.villagers import VillagersScreen

        return VillagersScreen(services.villagers, session)

    def shift():
        from station.screens.shift import ShiftScreen

        return ShiftScreen(
            shifts=services.shifts,
            ledger=services.ledger,
            ledger_labels=services.ledger_labels,
            day_close=services.day_close,
            backup=services.backup,
            operators=services.operators,
            audit=services.audit,
            complaints=services.complaints,
            villagers=services.villagers,
            session=session,
            print_job=print_job,
        )

    def reports():
        from station.screens.reports import ReportsScreen

        return ReportsScreen(services.exports, services.reports, session, config().export_dir, config().parcels)

    def couriers():
        from station.screens.sending import SendingScreen

        return SendingScreen(
            services.sending,
            services.couriers,
            services.rate_cards,
            services.villagers,
            services.printing,
            session,
            print_job,
        )

    return {
        "home": lambda: HomeScreen(services.dashboard),
        "parcels": parcels,
        "purchases": purchases,
        "consignments": consignments,
        "utilities": utilities,
        "villagers": villagers,
        "shift": shift,
        "reports": reports,
        "couriers": couriers,
    }
