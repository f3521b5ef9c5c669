"""到付 at check-in: the amount to collect from the villager when the highlighted parcel is
handed over (freight collect, or the goods' price for 代收货款); it is owed to the courier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from station.domain.money import parse_yuan
from station.screens.form_dialog import FormDialog, FormField
from station.screens.sending import choices
from station.services.couriers import CHARGE_KINDS, ChargeInfo, CourierService

if TYPE_CHECKING:
    from station.screens.base import StationScreen
    from station.services.common import Session

    _Screen = StationScreen
else:
    _Screen = object


class ParcelChargeActions(_Screen):
    """Mixed into the check-in screen: Ctrl+Y sets the amount to collect on the parcel it acts on."""

    couriers: CourierService | None

    if TYPE_CHECKING:  # what the check-in screen it is mixed into has, for the type checker
        session: Session

    def charge_target(self):
        finder = getattr(self, "highlighted", None)
        return finder() if callable(finder) else getattr(self, "last", None)

    @work
    async def action_set_charge(self) -> None:
        parcel = self.charge_target()
        if parcel is None or self.couriers is None:
            return
        t, operator, couriers = self.t, self.session.require, self.couriers
        charge = await self.app.push_screen_wait(
            FormDialog(
                t("couriers.charge_title", code=parcel.pickup_code, tracking_no=parcel.tracking_no),
                [
                    FormField(
                        "kind", t("couriers.charge_kind"), "freight", choices(t, CHARGE_KINDS, "couriers.charge.")
                    ),
                    FormField("amount", t("couriers.charge_amount"), placeholder="12.50"),
                ],
                lambda v: couriers.set_charge(operator, parcel.id, kind=v["kind"], amount_fen=parse_yuan(v["amount"])),
                focus="amount",
            )
        )
        if charge is not None:
            self.charge_set(charge)

    def charge_set(self, charge: ChargeInfo) -> None:
        key = "couriers.charge_saved" if charge.amount_fen else "couriers.charge_cleared"
        self.notify(
            self.t(
                key, code=charge.pickup_code, kind_key=f"couriers.charge.{charge.kind}", amount_fen=charge.amount_fen
            )
        )
