"""What the county export contains: each table's columns, defined once (name, type, masking),
and where its rows come from (station.services.export_rows)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from station.domain.phones import mask_name, mask_phone
from station.services.courier_export import courier_account_rows, shipment_rows
from station.services.export_rows import (
    Period,
    complaint_rows,
    consignment_sale_rows,
    day_close_rows,
    ledger_rows,
    parcel_rows,
    purchase_rows,
    restore_rows,
    settlement_rows,
    shift_rows,
    tariff_rows,
    utility_rows,
)
from station.services.xlsx_stream import DATE, DATETIME, INT, MONEY, TEXT  # the column kinds

__all__ = ["DATE", "DATETIME", "INT", "MONEY", "TABLES", "TEXT", "Column", "Period", "Privacy", "Table"]


@dataclass(frozen=True)
class Column:
    """One exported column, defined once: the CSV writer, the workbook, `verify` and `county
    load` all read it from here."""

    name: str
    kind: str  # TEXT | INT | MONEY | DATE | DATETIME
    mask: str = ""  # "" | "name" | "phone": masked unless the export is unmasked


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: Callable[[Period], Iterator[list]]  # raw values; masking is applied by `values`
    dated: tuple[str, ...] = ()  # a row belongs to the period when one of these falls in it

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.columns]

    def values(self, period: Period, privacy: Privacy) -> Iterator[list]:
        masks = [(i, c.mask) for i, c in enumerate(self.columns) if c.mask]
        for row in self.rows(period):
            for i, mask in masks:
                if row[i]:
                    row[i] = privacy.name(row[i]) if mask == "name" else privacy.phone(row[i])
            yield row


class Privacy:
    def __init__(self, masked: bool) -> None:
        self.masked = masked

    def name(self, text: str) -> str:
        return mask_name(text) if self.masked else text

    def phone(self, text: str) -> str:
        if text.startswith("****"):  # only the tail was ever known
            return text
        return mask_phone(text) if self.masked else text


LEDGER_COLUMNS = tuple(
    Column(name, kind)
    for name, kind in (
        ("id", INT),
        ("txn", INT),
        ("at", DATETIME),
        ("business_date", DATE),
        ("operator_id", INT),
        ("kind", TEXT),
        ("ref", TEXT),
        ("account", TEXT),
        ("amount_fen", INT),
        ("method", TEXT),
        ("memo", TEXT),
        ("reverses_txn", INT),
        ("prev_hash", TEXT),
        ("hash", TEXT),
        ("amount_yuan", MONEY),
        ("account_balance_yuan", MONEY),
    )
)


def _columns(*specs: str) -> tuple[Column, ...]:
    """ "name:kind" or "name:kind:mask" → columns."""
    return tuple(Column(*spec.split(":")) for spec in specs)


TABLES: tuple[Table, ...] = (
    Table("ledger", LEDGER_COLUMNS, ledger_rows, ("business_date",)),
    Table(
        "parcels",
        _columns(
            "id:int",
            "tracking_no:text",
            "carrier:text",
            "pickup_code:text",
            "status:text",
            "recipient:text:name",
            "phone:text:phone",
            "checked_in_at:datetime",
            "notified_at:datetime",
            "channel:text",
            "consent:int",
            "picked_up_at:datetime",
            "verified_by:text",
            "returned_at:datetime",
            "damaged:int",
            "purchase_id:int",
        ),
        parcel_rows,
        ("checked_in_at", "picked_up_at", "returned_at"),
    ),
    Table(
        "purchases",
        _columns(
            "id:int",
            "created_at:datetime",
            "villager:text:name",
            "platform:text",
            "order_no:text",
            "status:text",
            "items_yuan:money",
            "shipping_yuan:money",
            "service_fee_yuan:money",
            "total_yuan:money",
        ),
        purchase_rows,
        ("created_at",),
    ),
    Table(
        "consignment_sales",
        _columns(
            "id:int",
            "at:datetime",
            "lot_no:text",
            "consignor:text:name",
            "product:text",
            "unit:text",
            "qty_milli:int",
            "unit_price_yuan:money",
            "amount_yuan:money",
            "commission_bp:int",
            "commission_yuan:money",
            "payable_yuan:money",
            "method:text",
            "settlement_id:int",
        ),
        consignment_sale_rows,
        ("at",),
    ),
    Table(
        "settlements",
        _columns(
            "id:int",
            "statement_no:text",
            "settled_at:datetime",
            "consignor:text:name",
            "period_end:date",
            "gross_yuan:money",
            "commission_yuan:money",
            "payout_yuan:money",
            "method:text",
        ),
        settlement_rows,
        ("settled_at",),
    ),
    Table(
        "utility_bills",
        _columns(
            "id:int",
            "bill_period:text",
            "recorded_at:datetime",
            "category:text",
            "meter:text",
            "meter_start_milli:int",
            "meter_end_milli:int",
            "meter_replaced:int",
            "old_meter_final_milli:int",
            "usage_milli:int",
            "tariff_version:int",
            "billed_yuan:money",
            "village_yuan:money",
            "cap_yuan:money",
            "payable_yuan:money",
            "excess_yuan:money",
            "over_cap:int",
        ),
        utility_rows,
        ("recorded_at",),
    ),
    Table(
        "tariffs",
        _columns(
            "category:text",
            "version:int",
            "effective_from:date",
            "unit:text",
            "tiers:text",
            "fixed_fee_yuan:money",
            "source_note:text",
        ),
        tariff_rows,
    ),
    Table(
        "shifts",
        _columns(
            "id:int",
            "operator:text",
            "opened_at:datetime",
            "opening_yuan:money",
            "closed_at:datetime",
            "expected_yuan:money",
            "counted_yuan:money",
            "diff_yuan:money",
            "diff_note:text",
            "received_by:text",
        ),
        shift_rows,
        ("opened_at",),
    ),
    Table(
        "day_closes",
        _columns("date:date", "closed_at:datetime", "cash_diff_yuan:money", "report_hash:text", "totals:text"),
        day_close_rows,
        ("date",),
    ),
    Table(
        "complaints",
        _columns(
            "id:int",
            "opened_at:datetime",
            "villager:text:name",
            "channel:text",
            "category:text",
            "status:text",
            "closed_at:datetime",
            "outcome:text",
            "parcel_id:int",
            "purchase_id:int",
        ),
        complaint_rows,
        ("opened_at",),
    ),
    Table(
        "restores",
        _columns(
            "at:datetime",
            "operator:text:name",
            "source:text",
            "source_sha256:text",
            "removed_postings:int",
            "removed_yuan:money",
            "removed_parcels:int",
            "removed_orders:int",
            "removed_txns:text",
        ),
        restore_rows,
        ("at",),
    ),
    # Courier money (services/courier_export.py): each courier's month, and the parcels sent out
    # (receivers masked; their addresses stay at the station).
    Table(
        "courier_accounts",
        _columns(
            "courier:text",
            "period:text",
            "parcels:int",
            "fees_yuan:money",
            "collected_yuan:money",
            "sending_owed_yuan:money",
            "paid_by_courier_yuan:money",
            "paid_to_courier_yuan:money",
            "opening_yuan:money",
            "closing_yuan:money",
        ),
        courier_account_rows,
    ),
    Table(
        "shipments",
        _columns(
            "id:int",
            "shipment_no:text",
            "created_at:datetime",
            "courier:text",
            "sender:text:name",
            "receiver:text:name",
            "receiver_phone:text:phone",
            "province:text",
            "zone:text",
            "weight_g:int",
            "chargeable_g:int",
            "card_version:int",
            "quoted_yuan:money",
            "freight_yuan:money",
            "override_reason:text",
            "commission_yuan:money",
            "method:text",
            "tracking_no:text",
            "status:text",
        ),
        shipment_rows,
        ("created_at",),
    ),
)

TABLE_BY_NAME = {table.name: table for table in TABLES}
