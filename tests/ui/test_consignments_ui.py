import dataclasses

from station.config import PrinterConfig
from station.db.consignment_models import ConsignmentLot, ConsignmentSale, ConsignmentSettlement
from station.printing.transports import make_transport
from station.screens.consignments import ConsignmentsScreen
from tests.printing.decode import decode
from tests.ui.helpers import fill, log_in, screen_text, settle, type_text


async def test_intake_two_sales_and_a_settlement_statement(make, set_up, config):
    partner = set_up.operators.list_active()[0]
    set_up.villagers.add(partner, name="赵师傅", phone="13566667777")
    transport = make_transport(PrinterConfig(kind="dummy"))
    app = make(dataclasses.replace(config, printer=PrinterConfig(kind="dummy")))
    app.services.printing.use_printer(PrinterConfig(kind="dummy"), transport)
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, ConsignmentsScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await type_text(pilot, "zsf")  # 赵师傅
        await pilot.press("enter")
        await settle(app, pilot)
        await fill(pilot, "土鸡蛋", "一级", "30", "9", "8", "")
        await settle(app, pilot)
        lot = ConsignmentLot.get()
        assert (lot.qty_milli, lot.unit_price_fen, lot.commission_bp, lot.unit) == (30000, 900, 800, "jin")
        assert "土鸡蛋 一级" in screen_text(app)
        for qty in ("5", "7.5"):
            await pilot.press("f10")
            await settle(app, pilot)
            await type_text(pilot, qty)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
        assert [s.amount_fen for s in ConsignmentSale.select()] == [4500, 6750]
        assert "17.5 斤" in screen_text(app)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await type_text(pilot, "zsf")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # paid in cash (pre-selected)
        await settle(app, pilot)
        settlement = ConsignmentSettlement.get()
        assert (settlement.gross_fen, settlement.commission_fen, settlement.payout_fen) == (11250, 900, 10350)
        printed = decode(transport.printer.output)
        assert "代销入库单" in printed.text and "代销结算单" in printed.text and "签字确认：" in printed.text
