"""Farm produce on consignment: intake, counter sales with commission, stock moves, stocktake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from peewee import fn

from station.config import CounterConfig
from station.db.consignment_models import ConsignmentLot, ConsignmentSale, StockMove
from station.db.models import Villager
from station.domain.commission import UNITS, commission_fen, markdown_price_fen, sale_amount_fen
from station.domain.errors import InvalidInput, NotFound
from station.domain.money import format_fen
from station.domain.tariffs import format_scaled
from station.domain.text import clean_name, clean_text
from station.printing.layout import Row
from station.printing.receipts import build_receipt
from station.services.common import CounterService, OperatorInfo, require_counter
from station.services.ledger import PAYMENT_METHODS, Line

MOVE_KINDS = ("in", "sale", "writeoff", "return", "adjust")


@dataclass(frozen=True)
class LotInfo:
    id: int
    lot_no: str
    consignor_id: int
    consignor_name: str
    product: str
    grade: str
    unit: str
    received_milli: int
    stock_milli: int
    unit_price_fen: int
    commission_bp: int
    received_at: dt.datetime
    expires_on: dt.date | None
    age_days: int
    near_expiry: bool
    expired: bool
    markdown_price_fen: int | None  # a suggested lower price for ageing stock


@dataclass(frozen=True)
class SaleLine:
    lot_id: int
    qty_milli: int
    unit_price_fen: int | None = None  # None: the lot's list price
    reason: str = ""


@dataclass(frozen=True)
class SaleResult:
    sale_ids: tuple[int, ...]
    amount_fen: int
    commission_fen: int
    job_id: int


@dataclass(frozen=True)
class IntakeResult:
    lot: LotInfo
    job_id: int


def stock_of(lot_id: int) -> int:
    """Current stock is the sum of the lot's moves, nothing else."""
    return StockMove.select(fn.COALESCE(fn.SUM(StockMove.qty_milli), 0)).where(StockMove.lot == lot_id).scalar()


class ConsignmentService(CounterService[CounterConfig]):
    def lot_info(self, row: ConsignmentLot, stock: int | None = None) -> LotInfo:
        today = self.clock.now().date()
        age = (today - row.received_at.date()).days
        near = row.expires_on is not None and (row.expires_on - today).days <= self.config.near_expiry_days
        markdown = None
        if self.config.markdown_after_days and self.config.markdown_bp and age >= self.config.markdown_after_days:
            markdown = markdown_price_fen(row.unit_price_fen, self.config.markdown_bp)
        return LotInfo(
            row.id,
            row.lot_no,
            row.consignor_id,
            row.consignor.name,
            row.product,
            row.grade,
            row.unit,
            row.qty_milli,
            stock_of(row.id) if stock is None else stock,
            row.unit_price_fen,
            row.commission_bp,
            row.received_at,
            row.expires_on,
            age,
            near,
            row.expires_on is not None and row.expires_on < today,
            markdown,
        )

    # -- intake ------------------------------------------------------------------------
    def intake(
        self,
        by: OperatorInfo,
        *,
        consignor_id: int,
        product: str,
        unit: str,
        qty_milli: int,
        unit_price_fen: int,
        grade: str = "",
        commission_bp: int | None = None,
        expires_on: dt.date | None = None,
    ) -> IntakeResult:
        require_counter(by)
        product = clean_name(product, required_key="consign.product_required")
        grade = clean_name(grade)
        if unit not in UNITS:
            raise InvalidInput("consign.bad_unit", unit=unit)
        if qty_milli <= 0:
            raise InvalidInput("consign.qty_positive")
        if unit_price_fen < 0:
            raise InvalidInput("money.negative", text=str(unit_price_fen))
        rate = self.config.commission_bp if commission_bp is None else commission_bp
        if not 0 <= rate <= 10000:
            raise InvalidInput("consign.bad_rate", text=str(rate))
        now = self.clock.now()
        if expires_on is not None and expires_on < now.date():
            raise InvalidInput("consign.expiry_before_intake", date=str(expires_on))
        with self.db.atomic():
            if Villager.get_or_none(Villager.id == consignor_id) is None:
                raise NotFound("villagers.not_found")
            today = ConsignmentLot.select().where(ConsignmentLot.lot_no.startswith(f"L{now:%Y%m%d}-")).count()
            row = ConsignmentLot.create(
                lot_no=f"L{now:%Y%m%d}-{today + 1:02d}",
                consignor=consignor_id,
                product=product,
                grade=grade.strip(),
                unit=unit,
                qty_milli=qty_milli,
                unit_price_fen=unit_price_fen,
                commission_bp=rate,
                received_at=now,
                expires_on=expires_on,
                operator=by.id,
            )
            StockMove.create(lot=row.id, at=now, kind="in", qty_milli=qty_milli, operator=by.id, ref=row.lot_no)
            lot = self.lot_info(row, qty_milli)
            job_id = self._intake_receipt(by, lot)
        return IntakeResult(lot, job_id)

    def _intake_receipt(self, by: OperatorInfo, lot: LotInfo) -> int:
        t = self.t
        unit = t(f"unit.{lot.unit}")
        body = [
            Row(t("consign.lot_no"), lot.lot_no, bold=True),
            Row(t("consign.consignor"), lot.consignor_name),
            Row(t("consign.product"), f"{lot.product} {lot.grade}".strip()),
            Row(t("consign.quantity"), f"{format_scaled(lot.received_milli, 3)} {unit}"),
            Row(t("consign.unit_price"), f"{format_fen(lot.unit_price_fen)}/{unit}"),
            Row(t("consign.commission"), f"{format_scaled(lot.commission_bp, 2)}%"),
        ]
        if lot.expires_on:
            body.append(Row(t("consign.expires"), str(lot.expires_on)))
        receipt = build_receipt(
            t, "consign_intake", self.printing.context(by.name), body, proof=lot.lot_no, signature=True
        )
        return self.printing.enqueue(receipt, ref=f"lot:{lot.id}")

    # -- sales -------------------------------------------------------------------------
    def sell(self, by: OperatorInfo, lines: Sequence[SaleLine], *, method: str) -> SaleResult:
        """One counter sale over one or more lots; commission frozen on each sale row."""
        require_counter(by)
        if method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=method)
        if not lines:
            raise InvalidInput("consign.nothing_to_sell")
        now = self.clock.now()
        with self.db.atomic():
            sales, ledger_lines, receipt_rows = [], [], []
            for line in lines:
                lot = ConsignmentLot.get_or_none(ConsignmentLot.id == line.lot_id)
                if lot is None:
                    raise NotFound("consign.no_lot")
                if line.qty_milli <= 0:
                    raise InvalidInput("consign.qty_positive")
                stock = stock_of(lot.id)
                if line.qty_milli > stock:
                    raise InvalidInput(
                        "consign.over_stock", lot=lot.lot_no, stock=format_scaled(stock, 3), unit_key=f"unit.{lot.unit}"
                    )
                price = lot.unit_price_fen if line.unit_price_fen is None else line.unit_price_fen
                if price < 0:
                    raise InvalidInput("money.negative", text=str(price))
                if price != lot.unit_price_fen and not line.reason.strip():
                    raise InvalidInput("consign.price_reason_required", lot=lot.lot_no)
                amount = sale_amount_fen(line.qty_milli, price)
                commission = commission_fen(amount, lot.commission_bp)
                sale = ConsignmentSale.create(
                    lot=lot.id,
                    at=now,
                    qty_milli=line.qty_milli,
                    unit_price_fen=price,
                    amount_fen=amount,
                    commission_bp=lot.commission_bp,
                    commission_fen=commission,
                    payable_fen=amount - commission,
                    method=method,
                    price_reason=line.reason.strip(),
                    operator=by.id,
                )
                StockMove.create(
                    lot=lot.id, at=now, kind="sale", qty_milli=-line.qty_milli, operator=by.id, ref=f"sale:{sale.id}"
                )
                sales.append(sale)
                ledger_lines += [
                    Line(f"consignor:{lot.consignor_id}", -(amount - commission)),
                    Line("income:consignment_commission", -commission),
                ]
                receipt_rows += [
                    Row(f"{lot.product} {lot.grade}".strip(), format_fen(amount)),
                    Row(f"  {format_scaled(line.qty_milli, 3)} {self.t('unit.' + lot.unit)} × {format_fen(price)}", ""),
                ]
            total = sum(s.amount_fen for s in sales)
            posting = self.ledger.post(
                "consignment.sale",
                f"sale:{sales[0].id}",
                [Line(method, total, method), *ledger_lines],
                operator_id=by.id,
            )
            for sale in sales:
                sale.ledger_txn = posting.txn
                sale.save()
            receipt_rows += [
                Row(self.t("receipt.total"), format_fen(total), bold=True),
                Row(self.t("receipt.paid_by"), self.t(f"method.{method}")),
            ]
            receipt = build_receipt(
                self.t,
                "consign_sale",
                self.printing.context(by.name),
                receipt_rows,
                proof=posting.last_hash,
                amount_fen=posting.amount_fen,
            )
            job_id = self.printing.enqueue(receipt, ref=f"sale:{sales[0].id}")
        return SaleResult(tuple(s.id for s in sales), total, sum(s.commission_fen for s in sales), job_id)

    # -- stock moves -------------------------------------------------------------------
    def move_out(self, by: OperatorInfo, lot_id: int, qty_milli: int, *, kind: str, reason: str) -> int:
        """Write-off (spoilage, damage) or return of unsold stock to the consignor."""
        require_counter(by)
        if kind not in ("writeoff", "return"):
            raise InvalidInput("consign.bad_move", kind=kind)
        reason = clean_text(reason, required_key="consign.reason_required")
        if qty_milli <= 0:
            raise InvalidInput("consign.qty_positive")
        with self.db.atomic():
            lot = ConsignmentLot.get_or_none(ConsignmentLot.id == lot_id)
            if lot is None:
                raise NotFound("consign.no_lot")
            stock = stock_of(lot_id)
            if qty_milli > stock:
                raise InvalidInput(
                    "consign.over_stock", lot=lot.lot_no, stock=format_scaled(stock, 3), unit_key=f"unit.{lot.unit}"
                )
            StockMove.create(
                lot=lot_id, at=self.clock.now(), kind=kind, qty_milli=-qty_milli, reason=reason.strip(), operator=by.id
            )
            self.audit.record(f"consign.{kind}", by.id, ref=f"lot:{lot_id}", qty_milli=qty_milli, reason=reason)
        return stock - qty_milli

    def stocktake(self, by: OperatorInfo, counts: Mapping[int, tuple[int, str]]) -> list[tuple[str, int, int, str]]:
        """Counted quantities per lot; each difference becomes an adjustment with its reason."""
        require_counter(by)
        report = []
        with self.db.atomic():
            for lot_id, (counted, reason) in counts.items():
                lot = ConsignmentLot.get_or_none(ConsignmentLot.id == lot_id)
                if lot is None:
                    raise NotFound("consign.no_lot")
                if counted < 0:
                    raise InvalidInput("consign.qty_positive")
                expected = stock_of(lot_id)
                if counted != expected:
                    if not reason.strip():
                        raise InvalidInput("consign.stocktake_reason", lot=lot.lot_no)
                    StockMove.create(
                        lot=lot_id,
                        at=self.clock.now(),
                        kind="adjust",
                        qty_milli=counted - expected,
                        reason=reason.strip(),
                        ref="stocktake",
                        operator=by.id,
                    )
                report.append((lot.lot_no, expected, counted, reason.strip()))
            self.audit.record(
                "consign.stocktake", by.id, lots=len(report), differences=sum(1 for r in report if r[1] != r[2])
            )
        return report

    # -- lists -------------------------------------------------------------------------
    def lots(self, *, in_stock_only: bool = True, consignor_id: int | None = None) -> list[LotInfo]:
        stock = fn.COALESCE(fn.SUM(StockMove.qty_milli), 0).alias("stock")
        query = (
            ConsignmentLot.select(ConsignmentLot, Villager, stock)
            .join(Villager, on=ConsignmentLot.consignor == Villager.id)
            .switch(ConsignmentLot)
            .join(StockMove, on=StockMove.lot == ConsignmentLot.id)
            .group_by(ConsignmentLot.id)
            .order_by(ConsignmentLot.received_at)
        )
        if consignor_id is not None:
            query = query.where(ConsignmentLot.consignor == consignor_id)
        if in_stock_only:
            query = query.having(stock > 0)
        # peewee sets the aliased sum on each row; its stubs know only the model's fields.
        return [self.lot_info(row, row.stock) for row in query]  # type: ignore[attr-defined]
