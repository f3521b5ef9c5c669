"""Courier accounts: delivery fees earned, 到付 collected for the courier, freight of parcels
sent, payments both ways; a statement per period, settlement posted to the ledger.

Sign: an account's balance is what the courier owes the station (negative: the station owes
the courier). Fees are derived from the parcels handed over (or checked in) at the card in
force each day; a settlement posts the fees not yet posted (`courier.fees`) and then the
payment, so after it the ledger's `courier:<code>` account and the statement agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from station.db.courier_models import CourierFeeAccrual, ParcelCharge
from station.db.models import LedgerEntry
from station.db.parcel_models import LIVE_STATUSES, Parcel
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.money import format_fen
from station.domain.periods import parse_month
from station.domain.rate_cards import FeeLine, normalise_courier
from station.printing.layout import Element, Row, Text
from station.printing.receipts import build_receipt
from station.services.common import CounterService, OperatorInfo, require, require_counter
from station.services.courier_reports import (
    FEES_KIND,
    Statement,
    account,
    account_balance,
    account_statement,
    courier_codes,
    income_by_courier,
    parcel_fee_lines,
    payments_after,
    posted_fees,
)
from station.services.dashboard import Tile
from station.services.ledger import PAYMENT_METHODS, LedgerService, Line, Posting
from station.services.rate_cards import RateCardService

CHARGE_KINDS = ("freight", "cod")  # 到付 freight | 代收货款 goods


@dataclass(frozen=True)
class ChargeInfo:
    parcel_id: int
    tracking_no: str
    pickup_code: str
    courier: str
    kind: str
    amount_fen: int
    collected_at: dt.datetime | None


@dataclass(frozen=True)
class Settled:
    courier: str
    through: dt.date
    fees_posted_fen: int
    paid_fen: int  # + the courier paid the station, − the station paid the courier
    job_id: int


def charge_info(charge: ParcelCharge, parcel: Parcel) -> ChargeInfo:
    return ChargeInfo(
        parcel.id,
        parcel.tracking_no,
        parcel.pickup_code,
        charge.courier,
        charge.kind,
        charge.amount_fen,
        charge.collected_at,
    )


def _still_due():
    """Not collected, or collected by a posting that was reversed since (the money went back)."""
    reversed_txns = LedgerEntry.select(LedgerEntry.reverses_txn).where(LedgerEntry.reverses_txn.is_null(False))
    return ParcelCharge.collected_at.is_null() | ParcelCharge.collected_txn.in_(reversed_txns)


def uncollected(parcel_ids: Sequence[int]) -> list[ChargeInfo]:
    """What must be paid before these parcels leave: uncollected 到付 / 代收货款."""
    query = (
        ParcelCharge.select(ParcelCharge, Parcel)
        .join(Parcel)
        .where(ParcelCharge.parcel.in_(list(parcel_ids)) & _still_due())
        .order_by(ParcelCharge.parcel)
    )
    return [charge_info(charge, charge.parcel) for charge in query]


def collect_charges(by: OperatorInfo, parcel_ids: Sequence[int], method: str, ledger: LedgerService) -> Posting | None:
    """Inside the caller's transaction (the hand-over's): take what is due on these parcels and
    owe it to each courier. None when nothing was due."""
    if method not in PAYMENT_METHODS:
        raise InvalidInput("ledger.unknown_method", method=method)
    due = uncollected(parcel_ids)
    if not due:
        return None
    total = sum(charge.amount_fen for charge in due)
    lines = [Line(method, total, method)]
    lines += [Line(account(c.courier), -c.amount_fen, memo=f"{c.kind} {c.tracking_no}") for c in due]
    posting = ledger.post("courier.collect", ",".join(f"parcel:{c.parcel_id}" for c in due), lines, operator_id=by.id)
    ParcelCharge.update(collected_at=posting.at, collected_txn=posting.txn).where(
        ParcelCharge.parcel.in_([c.parcel_id for c in due]) & _still_due()
    ).execute()
    return posting


class CourierService(CounterService[None]):
    def __init__(self, *args, rate_cards: RateCardService, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rate_cards = rate_cards

    # -- 到付 / 代收货款 ------------------------------------------------------------------
    def set_charge(self, by: OperatorInfo, parcel_id: int, *, kind: str, amount_fen: int) -> ChargeInfo:
        """The amount to collect when this parcel is handed over (0 removes it)."""
        require_counter(by)
        if kind not in CHARGE_KINDS:
            raise InvalidInput("couriers.bad_charge_kind", kind=kind)
        if amount_fen < 0:
            raise InvalidInput("couriers.negative")
        with self.db.atomic():
            parcel = Parcel.get_or_none(Parcel.id == parcel_id)
            if parcel is None:
                raise NotFound("parcels.not_found")
            if parcel.status not in LIVE_STATUSES:
                raise NotAllowed("pickup.already_handed_over", code=parcel.pickup_code)
            if not parcel.carrier:
                raise InvalidInput("couriers.parcel_without_courier", tracking_no=parcel.tracking_no)
            charge = ParcelCharge.get_or_none(ParcelCharge.parcel == parcel_id)
            if charge is not None and not uncollected([parcel_id]):
                raise NotAllowed("couriers.charge_collected", tracking_no=parcel.tracking_no)
            if charge is not None and amount_fen < charge.amount_fen:
                require(by, "counter.override")  # waiving money owed to the courier is the partner's call
            if amount_fen == 0:
                if charge is not None:
                    charge.delete_instance()
                    self.audit.record("couriers.charge_removed", by.id, ref=f"parcel:{parcel_id}")
                return ChargeInfo(parcel.id, parcel.tracking_no, parcel.pickup_code, parcel.carrier, kind, 0, None)
            if charge is None:
                charge = ParcelCharge(parcel=parcel_id, created_at=self.clock.now(), operator=by.id)
            charge.courier, charge.kind, charge.amount_fen = parcel.carrier, kind, amount_fen
            charge.save()
            self.audit.record(
                "couriers.charge_set", by.id, ref=f"parcel:{parcel_id}", charge=kind, amount_fen=amount_fen
            )
        return charge_info(charge, parcel)

    def charges_due(self, parcel_ids: Sequence[int]) -> list[ChargeInfo]:
        return uncollected(parcel_ids)

    def collect(self, by: OperatorInfo, parcel_ids: Sequence[int], *, method: str) -> int | None:
        """Collect what is due on these parcels; it becomes owed to each courier."""
        require_counter(by)
        with self.db.atomic():
            posting = collect_charges(by, parcel_ids, method, self.ledger)
        return posting.txn if posting else None

    # -- fees ---------------------------------------------------------------------------
    def fee_lines(self, courier: str, start: dt.date | None, end: dt.date) -> list[FeeLine]:
        return parcel_fee_lines(normalise_courier(courier), start, end)

    # -- statements ---------------------------------------------------------------------
    def statement(self, courier: str, period: str) -> Statement:
        """A month ("2026-11") of one courier's account: opening balance, lines, closing."""
        month = parse_month(period)
        return account_statement(normalise_courier(courier), month.label, month.start, month.last)

    def balance(self, courier: str, on: dt.date | None = None) -> int:
        """What the courier owes the station on a day (negative: what the station owes)."""
        return account_balance(normalise_courier(courier), on or self.clock.now().date())

    def couriers(self) -> list[str]:
        return courier_codes()

    # -- payments and settlement --------------------------------------------------------
    def record_payment(
        self, by: OperatorInfo, courier: str, amount_fen: int, *, direction: str, method: str, note: str = ""
    ) -> int:
        """Money between station and courier: `in` the courier paid, `out` the station paid."""
        require_counter(by)
        courier = normalise_courier(courier)
        if direction not in ("in", "out"):
            raise InvalidInput("couriers.bad_direction", direction=direction)
        if method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=method)
        if amount_fen <= 0:
            raise InvalidInput("money.zero", text=str(amount_fen))
        signed = amount_fen if direction == "in" else -amount_fen
        posting = self.ledger.post(
            "courier.payment",
            account(courier),
            [Line(method, signed, method), Line(account(courier), -signed, memo=note.strip())],
            operator_id=by.id,
        )
        return posting.txn

    def settle(self, by: OperatorInfo, courier: str, *, through: dt.date, method: str) -> Settled:
        """Post the fees earned up to `through`, then pay the balance whichever way it goes
        (the partner's call: it closes the account up to that day)."""
        require(by, "courier.settle")
        courier = normalise_courier(courier)
        if method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=method)
        today = self.clock.now().date()
        through = min(through, today)
        with self.db.atomic():
            last = (
                CourierFeeAccrual.select()
                .where(CourierFeeAccrual.courier == courier)
                .order_by(CourierFeeAccrual.through.desc())
                .first()
            )
            if last is not None and last.through > through:
                raise NotAllowed("couriers.settled_later", courier=courier, date=str(last.through))
            # Fees earned through that day, less those already posted (a reversed posting or an
            # undone hand-over is made good here).
            fees = self.fee_lines(courier, None, through)
            fee_fen = sum(line.amount_fen for line in fees) - posted_fees(courier)
            txn = None
            if fee_fen:
                txn = self.ledger.post(
                    FEES_KIND,
                    account(courier),
                    [Line(account(courier), fee_fen), Line("income:delivery_fee", -fee_fen)],
                    operator_id=by.id,
                ).txn
            # What is due through that day, less what was paid since (a settlement included).
            balance = account_balance(courier, through) + payments_after(courier, through)
            if balance == 0 and not fee_fen:
                raise NotAllowed("couriers.nothing_to_settle", courier=courier)
            # Every settlement marks its day, fees or not: one through an earlier day would count
            # this settlement's payment as paid "since" and pay it back (#23).
            CourierFeeAccrual.create(
                courier=courier,
                through=through,
                parcels=sum(line.parcels for line in fees),
                fee_fen=fee_fen,
                ledger_txn=txn,
                created_at=self.clock.now(),
                operator=by.id,
            )
            if balance:
                posting = self.ledger.post(
                    "courier.payment",
                    account(courier),
                    [Line(method, balance, method), Line(account(courier), -balance, memo=f"<= {through}")],
                    operator_id=by.id,
                )
                proof = posting.last_hash
            else:
                proof = f"{courier}/{through}"
            self.audit.record(
                "couriers.settled",
                by.id,
                ref=account(courier),
                through=str(through),
                fees_fen=fee_fen,
                paid_fen=balance,
            )
            job_id = self._settlement_receipt(by, courier, through, fee_fen, balance, proof)
        return Settled(courier, through, fee_fen, balance, job_id)

    def _settlement_receipt(
        self, by: OperatorInfo, courier: str, through: dt.date, fee_fen: int, paid_fen: int, proof: str
    ) -> int:
        t = self.t
        body: list[Element] = [
            Row(t("couriers.courier"), t(f"carrier.{courier}")),
            Row(t("couriers.through"), str(through)),
            Row(t("couriers.fees_posted"), format_fen(fee_fen)),
            Row(t("couriers.paid_in" if paid_fen >= 0 else "couriers.paid_out"), format_fen(abs(paid_fen)), bold=True),
        ]
        receipt = build_receipt(
            t, "courier_settlement", self.printing.context(by.name), body, proof=proof, signature=True
        )
        return self.printing.enqueue(receipt, ref=account(courier))

    def print_statement(self, by: OperatorInfo, courier: str, period: str) -> int:
        """The statement on paper, for the courier's signature."""
        statement = self.statement(courier, period)
        t = self.t
        body: list[Element] = [
            Row(t("couriers.courier"), t(f"carrier.{statement.courier}")),
            Row(t("couriers.period"), statement.period),
            Row(t("couriers.opening"), format_fen(statement.opening_fen)),
        ]
        for line in statement.lines:
            body.append(Row(f"{line.day:%m-%d} {t('couriers.kind.' + line.kind)}", format_fen(line.amount_fen)))
            if line.describe(t):
                body.append(Text(f"  {line.describe(t)}"))
        body.append(Row(t("couriers.closing"), format_fen(statement.closing_fen), bold=True))
        body.append(Text(t("couriers.owes_station" if statement.closing_fen >= 0 else "couriers.station_owes")))
        with self.db.atomic():
            receipt = build_receipt(
                t,
                "courier_statement",
                self.printing.context(by.name),
                body,
                proof=f"{statement.courier}/{period}",
                signature=True,
            )
            return self.printing.enqueue(receipt, ref=account(statement.courier))

    # -- home tile and reports ----------------------------------------------------------
    def income_by_courier(self, start: dt.date, end: dt.date) -> list[tuple[str, int, int, int]]:
        return income_by_courier(start, end)

    def tile(self) -> Tile:
        today = self.clock.now().date()
        rows = []
        for courier, parcels, fees, sent in self.income_by_courier(today.replace(day=1), today):
            balance = self.balance(courier, today)
            rows.append(
                (
                    f"carrier.{courier}",
                    self.t("couriers.tile_row", n=parcels, fees_fen=fees + sent, balance_fen=balance),
                    balance < 0,
                )
            )
        return Tile("tile.couriers", tuple(rows) or (("couriers.tile_none", "-", False),))
