"""Courier money in the county export: each courier's account for the month, and the parcels
sent out. The columns (and which are masked) are defined with the other tables in
services/export_tables.py; receivers' addresses never leave the station."""

from __future__ import annotations

from collections.abc import Iterator

from station.db.courier_models import Shipment
from station.db.models import Villager
from station.domain.money import fen_to_yuan_text
from station.services.courier_reports import account_statement, courier_codes


def courier_account_rows(period) -> Iterator[list]:
    """One row per courier with a card or money: the month's statement in figures.

    Balance sign: positive, the courier owes the station; negative, the station owes the courier.
    """
    end = period.last
    for courier in courier_codes():
        s = account_statement(courier, period.label, period.start, end)
        yield [
            courier,
            period.label,
            s.parcels,
            fen_to_yuan_text(s.fees_fen),
            fen_to_yuan_text(-s.total("collect")),
            fen_to_yuan_text(-s.total("sending")),
            fen_to_yuan_text(-s.total("payment", -1)),
            fen_to_yuan_text(s.total("payment", 1)),
            fen_to_yuan_text(s.opening_fen),
            fen_to_yuan_text(s.closing_fen),
        ]


def shipment_rows(period) -> Iterator[list]:
    """Raw values (names and phones unmasked): the export masks the columns marked for it."""
    query = (
        Shipment.select(Shipment, Villager)
        .join(Villager)
        .where((Shipment.created_at >= period.start_at) & (Shipment.created_at < period.end_at))
        .order_by(Shipment.id)
    )
    for s in query.iterator():
        yield [
            s.id,
            s.shipment_no,
            s.created_at.isoformat(sep=" "),
            s.courier,
            s.sender.name,
            s.receiver_name,
            s.receiver_phone,
            s.province,
            s.zone,
            s.weight_g,
            s.chargeable_g,
            s.card_version,
            fen_to_yuan_text(s.quoted_fen),
            fen_to_yuan_text(s.freight_fen),
            s.override_reason,
            fen_to_yuan_text(s.commission_fen),
            s.method,
            s.tracking_no,
            s.status,
        ]
