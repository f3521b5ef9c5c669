"""Settling with a farmer: preview the unsettled sales, pay out, print the statement to sign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from station.config import CounterConfig
from station.db.consignment_models import ConsignmentLot, ConsignmentSale, ConsignmentSettlement, StockMove
from station.db.models import Villager
from station.domain.errors import InvalidInput, NotAllowed, NotFound
from station.domain.money import format_fen
from station.domain.tariffs import format_scaled
from station.printing.layout import Element, Row, Text
from station.printing.receipts import build_receipt
from station.services.common import CounterService, OperatorInfo, require_counter
from station.services.dashboard import Tile
from station.services.ledger import PAYMENT_METHODS, Line

SETTLE_METHODS = ("cash", "wechat", "alipay")  # how a farmer is paid at the counter (ledger account = method)


@dataclass(frozen=True)
class StatementLine:
    at: dt.datetime
    product: str
    qty_milli: int
    unit: str
    amount_fen: int
    commission_bp: int
    commission_fen: int
    payable_fen: int


@dataclass(frozen=True)
class SettlementPreview:
    consignor_id: int
    consignor_name: str
    period_end: dt.date
    lines: tuple[StatementLine, ...]
    write_offs: tuple[tuple[dt.datetime, str, int, str, str], ...]  # at, product, qty, unit, reason
    gross_fen: int
    commission_fen: int
    payout_fen: int
    below_minimum: bool


@dataclass(frozen=True)
class Settled:
    statement_no: str
    preview: SettlementPreview
    job_id: int


class SettlementService(CounterService[CounterConfig]):
    def _unsettled(self, consignor_id: int, period_end: dt.date):
        end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time())
        return (
            ConsignmentSale.select(ConsignmentSale, ConsignmentLot)
            .join(ConsignmentLot)
            .where(
                (ConsignmentLot.consignor == consignor_id)
                & ConsignmentSale.settlement.is_null()
                & (ConsignmentSale.at < end)
            )
            .order_by(ConsignmentSale.at, ConsignmentSale.id)
        )

    def preview(self, consignor_id: int, period_end: dt.date) -> SettlementPreview:
        villager = Villager.get_or_none(Villager.id == consignor_id)
        if villager is None:
            raise NotFound("villagers.not_found")
        sales = list(self._unsettled(consignor_id, period_end))
        lines = tuple(
            StatementLine(
                s.at,
                f"{s.lot.product} {s.lot.grade}".strip(),
                s.qty_milli,
                s.lot.unit,
                s.amount_fen,
                s.commission_bp,
                s.commission_fen,
                s.payable_fen,
            )
            for s in sales
        )
        start = min((s.at for s in sales), default=dt.datetime.combine(period_end.replace(day=1), dt.time()))
        end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time())
        write_offs = tuple(
            (m.at, f"{m.lot.product} {m.lot.grade}".strip(), -m.qty_milli, m.lot.unit, m.reason)
            for m in StockMove.select(StockMove, ConsignmentLot)
            .join(ConsignmentLot)
            .where(
                (ConsignmentLot.consignor == consignor_id)
                & (StockMove.kind == "writeoff")
                & (StockMove.at >= start)
                & (StockMove.at < end)
            )
        )
        gross = sum(line.amount_fen for line in lines)
        commission = sum(line.commission_fen for line in lines)
        payout = gross - commission
        return SettlementPreview(
            consignor_id,
            villager.name,
            period_end,
            lines,
            write_offs,
            gross,
            commission,
            payout,
            payout < self.config.min_payout_fen,
        )

    def settle(self, by: OperatorInfo, consignor_id: int, period_end: dt.date, *, method: str) -> Settled:
        """Pay the farmer what is due; each sale is settled once; the statement is queued to print."""
        require_counter(by)
        if method not in PAYMENT_METHODS:
            raise InvalidInput("ledger.unknown_method", method=method)
        with self.db.atomic():
            preview = self.preview(consignor_id, period_end)
            if not preview.lines:
                raise NotAllowed("settle.nothing_due", name=preview.consignor_name)
            if preview.below_minimum:
                raise NotAllowed(
                    "settle.below_minimum", payout_fen=preview.payout_fen, minimum_fen=self.config.min_payout_fen
                )
            now = self.clock.now()
            count = (
                ConsignmentSettlement.select()
                .where(ConsignmentSettlement.statement_no.startswith(f"S{now:%Y%m%d}-"))
                .count()
            )
            settlement = ConsignmentSettlement.create(
                statement_no=f"S{now:%Y%m%d}-{count + 1:02d}",
                consignor=consignor_id,
                period_end=period_end,
                gross_fen=preview.gross_fen,
                commission_fen=preview.commission_fen,
                payout_fen=preview.payout_fen,
                method=method,
                settled_at=now,
                operator=by.id,
            )
            sale_ids = [s.id for s in self._unsettled(consignor_id, period_end)]
            updated = (
                ConsignmentSale.update(settlement=settlement.id)
                .where(ConsignmentSale.id.in_(sale_ids) & ConsignmentSale.settlement.is_null())
                .execute()
            )
            if updated != len(preview.lines):  # someone settled part of it meanwhile: nothing is written
                raise NotAllowed("settle.changed")
            posting = self.ledger.post(
                "consignment.payout",
                f"settlement:{settlement.id}",
                [Line(f"consignor:{consignor_id}", preview.payout_fen), Line(method, -preview.payout_fen, method)],
                operator_id=by.id,
            )
            settlement.ledger_txn = posting.txn
            settlement.save()
            job_id = self._statement(by, settlement.statement_no, preview, posting.last_hash)
        return Settled(settlement.statement_no, preview, job_id)

    def _statement(self, by: OperatorInfo, statement_no: str, preview: SettlementPreview, proof: str) -> int:
        t = self.t
        body: list[Element] = [
            Row(t("settle.statement_no"), statement_no, bold=True),
            Row(t("consign.consignor"), preview.consignor_name),
            Row(t("settle.period_end"), str(preview.period_end)),
        ]
        for line in preview.lines:
            body.append(Text(f"{line.at:%m-%d} {line.product}"))
            body.append(
                Row(
                    f"  {format_scaled(line.qty_milli, 3)} {t('unit.' + line.unit)} "
                    f"-{format_scaled(line.commission_bp, 2)}%",
                    format_fen(line.payable_fen),
                )
            )
        for at, product, qty, unit, reason in preview.write_offs:
            body.append(
                Text(
                    t(
                        "settle.write_off_line",
                        date=f"{at:%m-%d}",
                        product=product,
                        qty=format_scaled(qty, 3),
                        unit_key=f"unit.{unit}",
                        reason=reason,
                    )
                )
            )
        body += [
            Row(t("settle.gross"), format_fen(preview.gross_fen)),
            Row(t("settle.commission"), format_fen(preview.commission_fen)),
            Row(t("settle.payout"), format_fen(preview.payout_fen), bold=True),
        ]
        receipt = build_receipt(
            t,
            "settlement",
            self.printing.context(by.name),
            body,
            proof=proof,
            signature=True,
            amount_fen=preview.payout_fen,
        )
        return self.printing.enqueue(receipt, ref=statement_no)

    def tile(self, lots) -> Tile:
        held = sum(lot.stock_milli * lot.unit_price_fen // 1000 for lot in lots)
        near = sum(1 for lot in lots if lot.near_expiry)
        payable = -sum(self.ledger.balances("consignor:").values())
        return Tile(
            "tile.consignments",
            (
                ("tile.consign_stock_value", format_fen(held), False),
                ("tile.consign_near_expiry", str(near), near > 0),
                ("tile.consign_payable", format_fen(payable), False),
            ),
        )
