"""What is due when parcels leave the shelf, as lines of kinds, and how each kind is settled.

A hand-over (services.pickup) asks `charges_due` for the chosen parcels, the counter collects
the total with one payment method, and `settle` writes each line inside the hand-over's own
transaction (parcel + order + ledger + the one pickup receipt).

To add a kind of line (e.g. freight collect 到付): compute its lines in `charges_due` (one
`Charge` per parcel or order, `kind` a new name, `label` from the catalogue) and write what
it means in `settle` under the same `kind`. Nothing else changes: the dialog shows the lines
and prefills their total, the receipt lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from station.db.parcel_models import Parcel
from station.domain.errors import NotAllowed
from station.services.common import OperatorInfo
from station.services.couriers import collect_charges, uncollected
from station.services.ledger import LedgerService, Line

if TYPE_CHECKING:
    from station.services.purchases import PurchaseService

KINDS = ("holding_fee", "purchase", "courier_collect")


@dataclass(frozen=True)
class Charge:
    """One amount to collect at hand-over; `ref_id` is a parcel id or an order id by `kind`."""

    kind: str
    ref_id: int
    label: str  # shown in the dialog and printed on the receipt
    amount_fen: int


def charges_due(
    rows: Sequence[Parcel],
    *,
    holding_fee: Callable[[Parcel], int],
    purchases: PurchaseService | None,
    t: Callable[..., str],
) -> list[Charge]:
    """Every line due for these parcels (lines of 0 still settle something, e.g. an order paid ahead)."""
    lines = []
    for row in rows:
        fee = holding_fee(row)
        if fee:
            lines.append(Charge("holding_fee", row.id, t("handover.line.holding_fee", code=row.pickup_code), fee))
    for charge in uncollected([row.id for row in rows]):  # 到付 / 代收货款, owed to the courier
        label = t("couriers.charge_line", code=charge.pickup_code, kind_key=f"couriers.charge.{charge.kind}")
        lines.append(Charge("courier_collect", charge.parcel_id, label, charge.amount_fen))
    order_ids = [row.purchase_id for row in rows if row.purchase_id]
    if order_ids:
        if purchases is None:
            raise NotAllowed("handover.order_in_f3", no=order_ids[0])
        for order, due in purchases.due_at_hand_over(order_ids):
            lines.append(Charge("purchase", order.id, t("handover.line.purchase", no=order.id), due))
    return lines


def settle(
    by: OperatorInfo,
    charge: Charge,
    method: str,
    *,
    ledger: LedgerService,
    purchases: PurchaseService | None,
) -> str:
    """Write one line inside the caller's transaction; the hash of its last posting ('' if none)."""
    if charge.kind == "holding_fee":
        posting = ledger.post(
            "parcel.holding_fee",
            f"parcels:{charge.ref_id}",
            [Line(method, charge.amount_fen, method), Line("income:parcel_fee", -charge.amount_fen)],
            operator_id=by.id,
        )
        return posting.last_hash
    if charge.kind == "courier_collect":
        collected = collect_charges(by, [charge.ref_id], method, ledger)
        return collected.last_hash if collected else ""
    if charge.kind == "purchase" and purchases is not None:
        return purchases.settle_at_hand_over(by, charge.ref_id, charge.amount_fen, method)
    raise NotAllowed("handover.unknown_charge", kind=charge.kind)
