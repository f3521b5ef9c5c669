"""F11 by keys only: send a parcel and see its receipt; the courier's account for the month."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from textual.widgets import DataTable, Label, Static

from station.db.courier_models import Shipment
from station.db.models import LedgerEntry
from station.screens.courier_account import CourierAccountScreen
from station.screens.receipt_preview import ReceiptPreview
from station.screens.sending import SendingScreen
from tests.ui.helpers import log_in, screen_text, settle, type_text

SAMPLE = Path(str(resources.files("station.assets").joinpath("sample_rate_cards.toml")))


def with_cards_and_sender(services):
    partner = services.operators.list_active()[0]
    services.rate_cards.import_file(partner, SAMPLE)
    services.villagers.add(partner, name="赵师傅", phone="13900001234")


async def fill(pilot, *values: str) -> None:
    for value in values:
        await type_text(pilot, value)
        await pilot.press("enter")


async def test_send_a_parcel_and_see_its_receipt(make, set_up):
    with_cards_and_sender(set_up)
    app = make()
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f11")
        await settle(app, pilot)
        assert isinstance(app.screen, SendingScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await fill(pilot, "1234")  # the sender by phone tail: one match, Enter picks him
        await settle(app, pilot)
        # receiver, phone, address, province, weight, contents, payment method (a select: Enter keeps
        # cash and moves on), freight (empty: card), reason
        await fill(pilot, "赵小明", "13712345678", "杭州市西湖区文三路1号", "浙江省", "3.01", "土鸡蛋", "", "", "")
        await settle(app, pilot)
        shipment = Shipment.get()
        assert (shipment.freight_fen, shipment.courier, shipment.chargeable_g) == (1400, "ZTO", 4000)
        assert isinstance(app.screen, ReceiptPreview)
        paper = str(app.screen.query_one("#paper", Static).render())
        assert shipment.shipment_no in paper and "14.00" in paper and "137****5678" in paper
        assert "█" in paper or "▀" in paper or "▄" in paper  # the QR is drawn on the paper
        await pilot.press("escape")
        await settle(app, pilot)
        assert shipment.shipment_no in screen_text(app)


async def test_an_override_without_a_reason_is_refused_on_the_form(make, set_up):
    with_cards_and_sender(set_up)
    app = make()
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f11", "ctrl+n")
        await settle(app, pilot)
        await fill(pilot, "1234")
        await settle(app, pilot)
        await fill(pilot, "赵小明", "13712345678", "上海市", "上海", "1", "茶叶", "", "8", "")  # "": the method
        await settle(app, pilot)
        message = str(app.screen.query_one("#form-message", Label).render())
        assert "¥10.00" in message and "原因" in message
        assert Shipment.select().count() == 0 and LedgerEntry.select().count() == 0
        await type_text(pilot, "老客户")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Shipment.get().freight_fen == 800


async def test_the_couriers_account_answers_what_was_paid_and_what_is_owed(make, set_up):
    with_cards_and_sender(set_up)
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=1, layer=1, carrier="ZTO")
    for n in range(3):
        parcel = set_up.parcels.check_in(partner, f"7512345678{n:04d}", batch_id=batch.id).parcel
        set_up.pickup.hand_over(partner, [parcel.id], method="override", override_reason="ui test")
    app = make()
    async with app.run_test(size=(140, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f11", "ctrl+e")
        await settle(app, pilot)
        assert isinstance(app.screen, CourierAccountScreen)
        summary = str(app.screen.query_one("#account-summary", Label).render())
        assert "派费 3 件 ¥1.50" in summary and "中通欠你 ¥1.50" in summary
        await pilot.press("ctrl+g")  # ZTO pays ¥1.00 by WeChat... typed as cash (the default)
        await settle(app, pilot)
        await fill(pilot, "1", "", "")  # amount, the method (a select: Enter moves on), note
        await settle(app, pilot)
        summary = str(app.screen.query_one("#account-summary", Label).render())
        assert "快递公司付给你 ¥1.00" in summary and "中通欠你 ¥0.50" in summary
        await pilot.press("ctrl+e")  # settle the rest
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert set_up.ledger.balance("courier:ZTO") == 0
        assert set_up.ledger.balance("income:delivery_fee") == -150
        summary = str(app.screen.query_one("#account-summary", Label).render())
        assert "中通欠你 ¥0.00" in summary


async def test_home_and_f7_show_parcel_income_by_courier(make, set_up):
    with_cards_and_sender(set_up)
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=1, layer=1, carrier="ZTO")
    for n in range(3):
        parcel = set_up.parcels.check_in(partner, f"7512345678{n:04d}", batch_id=batch.id).parcel
        set_up.pickup.hand_over(partner, [parcel.id], method="override", override_reason="ui test")
    app = make()
    async with app.run_test(size=(160, 50)) as pilot:
        await log_in(app, pilot)
        assert "中通: 3件 ¥1.50，余额 ¥1.50" in screen_text(app)
        await pilot.press("f7")
        await settle(app, pilot)
        table = app.screen.query_one("#table-courier-income", DataTable)
        assert [str(c) for c in table.get_row_at(0)] == ["中通", "3", "1.50", "0.00", "1.50"]
