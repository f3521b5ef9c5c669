"""Human labels for what the ledger stores as keys: a posting's reference ("purchase:1" →
"代购单 #1 王大妈") and an account ("cash" → "现金", "villager:3" → "村民 王大妈").

Screens list postings with these labels, never the raw keys. Each call reads the database:
run it in a worker like any service call.
"""

from __future__ import annotations

from station.db.consignment_models import ConsignmentLot, ConsignmentSale, ConsignmentSettlement
from station.db.courier_models import Shipment
from station.db.models import Villager
from station.db.oversight_models import Shift
from station.db.parcel_models import Parcel
from station.db.purchase_models import Purchase
from station.db.utility_models import UtilityBill
from station.i18n.translator import Translator
from station.services.ledger import PAYMENT_METHODS

MAX_CODES = 3  # a hand-over of many parcels: the first codes, then "等 N 件"


class LedgerLabels:
    def __init__(self, t: Translator) -> None:
        self.t = t

    def ref(self, ref: str) -> str:
        """A posting's reference as a partner reads it; an unknown form is shown as it is."""
        kinds = {part.partition(":")[0] for part in ref.split(",")}
        if kinds <= {"parcel", "parcels"}:
            return self._parcels([part.partition(":")[2] for part in ref.split(",")]) or ref
        kind, _, key = ref.partition(":")
        label = getattr(self, f"_{kind}", None)
        found = label(key) if label is not None and key else None
        return found or self._plain(ref)

    def account(self, account: str) -> str:
        """A ledger account: a payment method, a villager, a consignor, a courier, or a book account."""
        if account in PAYMENT_METHODS:
            return self.t(f"method.{account}")
        kind, _, key = account.partition(":")
        if kind in ("villager", "consignor") and key.isdigit():
            name = self._name(int(key))
            return self.t(f"ledger.account.{kind}", name=name) if name else account
        if kind == "courier" and key:
            return self.t("ledger.ref.courier", carrier_key=f"carrier.{key}")
        if kind == "expense" and key.startswith("utility:"):
            return self.t("ledger.account.expense_utility", category_key=f"utility.category.{key[8:]}")
        shown = self.t(f"ledger.account.{account}")
        return shown if shown != f"ledger.account.{account}" else account

    # -- one per reference kind ------------------------------------------------------------
    def _plain(self, ref: str) -> str:
        if ref == "demo":
            return self.t("ledger.ref.demo")
        return ref

    def _purchase(self, key: str) -> str | None:
        row = Purchase.get_or_none(Purchase.id == _int(key))
        if row is None:
            return None
        return self.t("ledger.ref.purchase", no=row.id, name=self._name(row.villager_id) or "-")

    def _villager(self, key: str) -> str | None:
        name = self._name(_int(key))
        return self.t("ledger.account.villager", name=name) if name else None

    def _parcels(self, keys: list[str]) -> str | None:
        ids = [_int(k) for k in keys]
        rows = list(Parcel.select().where(Parcel.id.in_(ids)).order_by(Parcel.id))
        if not rows:
            return None
        codes = self.t("list.sep").join(r.pickup_code for r in rows[:MAX_CODES])
        name = rows[0].recipient_name or self._name(rows[0].villager_id) or "-"
        if len(rows) > MAX_CODES:
            return self.t("ledger.ref.parcels_more", codes=codes, n=len(rows), name=name)
        return self.t("ledger.ref.parcel", codes=codes, name=name)

    def _sale(self, key: str) -> str | None:
        row = ConsignmentSale.get_or_none(ConsignmentSale.id == _int(key))
        if row is None:
            return None
        lot = ConsignmentLot.get_by_id(row.lot_id)
        return self.t("ledger.ref.sale", lot=lot.lot_no, product=lot.product)

    def _settlement(self, key: str) -> str | None:
        row = ConsignmentSettlement.get_or_none(ConsignmentSettlement.id == _int(key))
        if row is None:
            return None
        return self.t("ledger.ref.settlement", no=row.statement_no, name=self._name(row.consignor_id) or "-")

    def _shipment(self, key: str) -> str | None:
        row = Shipment.get_or_none(Shipment.id == _int(key))
        if row is None:
            return None
        return self.t("ledger.ref.shipment", no=row.shipment_no, name=self._name(row.sender_id) or "-")

    def _utility_bill(self, key: str) -> str | None:
        row = UtilityBill.get_or_none(UtilityBill.id == _int(key))
        if row is None:
            return None
        return self.t("ledger.ref.utility_bill", category_key=f"utility.category.{row.category}", period=row.period)

    def _courier(self, key: str) -> str:
        return self.t("ledger.ref.courier", carrier_key=f"carrier.{key}")

    def _shift(self, key: str) -> str | None:
        row = Shift.get_or_none(Shift.id == _int(key))
        if row is None:
            return None
        return self.t("ledger.ref.shift", no=row.id, name=row.operator.name)

    def _name(self, villager_id: int | None) -> str:
        if not villager_id:
            return ""
        row = Villager.get_or_none(Villager.id == villager_id)
        return row.name if row else ""


def _int(text: str) -> int:
    return int(text) if text.isdigit() else -1
