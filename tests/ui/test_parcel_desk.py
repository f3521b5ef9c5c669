import dataclasses

from textual.widgets import DataTable, Digits, Label

from station.config import PrinterConfig
from station.db.models import PrintJob
from station.db.parcel_models import CourierBatch, Parcel
from station.printing.transports import make_transport
from station.screens.check_in import CheckInScreen
from station.screens.parcel_desk import ParcelDeskScreen
from tests.printing.decode import decode
from tests.ui.helpers import log_in, screen_text, settle, type_text

NUMBERS = [f"7512345678{n:04d}" for n in range(1, 21)]


async def test_scan_twenty_then_hand_two_to_one_villager_by_phone_tail(make, set_up, config):
    li = set_up.villagers.add(set_up.operators.list_active()[0], name="李大爷", phone="13900005678")
    transport = make_transport(PrinterConfig(kind="dummy"))
    app = make(dataclasses.replace(config, printer=PrinterConfig(kind="dummy")))
    app.services.printing.use_printer(PrinterConfig(kind="dummy"), transport)
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press("3", "enter", "2", "enter")
        await type_text(pilot, "中通")
        await pilot.press("enter")
        await settle(app, pilot)
        for number in NUMBERS:  # what a scanner types: digits then Enter, no pauses
            await pilot.press(*number, "enter")
        await pilot.press(*NUMBERS[4], "enter")  # scanned twice
        await settle(app, pilot)
        assert Parcel.select().count() == 20
        assert CourierBatch.get().scanned_count == 20
        assert "重复扫描" in str(app.screen.query_one("#scan-message", Label).render())
        assert app.screen.query_one("#last-code", Digits).value == "3-2-0020"
        assert "本批已扫 20 件" in screen_text(app)

        # the last two labels: a phone number that is in the directory, the same person
        await pilot.press("tab")
        await type_text(pilot, "13900005678")
        await pilot.press("enter")
        await settle(app, pilot)
        last = Parcel.get(Parcel.tracking_no == NUMBERS[-1])
        assert last.villager_id == li.id
        await pilot.press("up", "tab")  # the row before it
        await type_text(pilot, "13900005678")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Parcel.get(Parcel.tracking_no == NUMBERS[-2]).villager_id == li.id

        await pilot.press("escape")  # back to the desk
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelDeskScreen)
        await type_text(pilot, "5678")
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.screen.query_one("#waiting", DataTable)
        assert table.row_count == 2 and "李大爷" in screen_text(app)
        await pilot.press("space", "space", "enter")  # tick both, hand over
        await settle(app, pilot)
        await pilot.press("enter")  # the dialog: phone tail 5678 already filled in
        await settle(app, pilot)
        handed = Parcel.select().where(Parcel.status == "picked_up")
        assert {p.tracking_no for p in handed} == set(NUMBERS[-2:])
        assert {p.verified_by for p in handed} == {"phone"}
        job = PrintJob.get()
        assert job.status == "printed"
        printed = decode(transport.printer.output)
        assert "取件凭条" in printed.text and "李*" in printed.text
        assert "3-2-0019" in printed.text and "3-2-0020" in printed.text


async def test_a_bad_scan_is_an_inline_message_and_keeps_focus(make, set_up):
    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+n", "1", "enter", "1", "enter", "enter")
        await settle(app, pilot)
        await type_text(pilot, "12!")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "不像快递单号" in str(app.screen.query_one("#scan-message", Label).render())
        assert app.focused.id == "scan"
        assert Parcel.select().count() == 0


async def test_batch_end_with_mismatch_note(make, set_up):
    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+n", "3", "enter", "1", "enter", "enter")
        await settle(app, pilot)
        for number in NUMBERS[:3]:
            await pilot.press(*number, "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+u", "4", "enter", "enter", "enter")  # no note: refused
        await settle(app, pilot)
        assert "必须写明" in str(app.screen.query_one("#form-message", Label).render())
        await type_text(pilot, "快递员少给一件 已电话确认")
        await pilot.press("enter")
        await settle(app, pilot)
        batch = CourierBatch.get()
        assert batch.claimed_count == 4 and batch.mismatch_note == "快递员少给一件 已电话确认"


async def test_notify_many_at_once(make, set_up):
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=1, layer=1)
    for number in NUMBERS[:4]:
        parcel = set_up.parcels.check_in(partner, number, batch_id=batch.id).parcel
        if number != NUMBERS[3]:
            set_up.parcels.set_recipient(partner, parcel.id, phone="5678")
    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+t")
        await settle(app, pilot)
        assert "未通知的包裹：4 件" in screen_text(app)
        assert "其中 1 件没有收件人" in screen_text(app) and "无收件人" in screen_text(app)
        await pilot.press("ctrl+a", "n")
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # one has no recipient: refused, with the reason
        await settle(app, pilot)
        assert "没有收件人，不能登记通知" in str(app.screen.query_one("#form-message", Label).render())
        assert Parcel.select().where(Parcel.status == "notified").count() == 0
        await pilot.press("escape", "ctrl+a")  # untick all
        await pilot.press("space", "space", "space", "n")
        await settle(app, pilot)
        await pilot.press("ctrl+s")  # phone call, agrees
        await settle(app, pilot)
        assert Parcel.select().where(Parcel.status == "notified").count() == 3
        assert "未通知的包裹：1 件" in screen_text(app)


async def test_a_recipient_not_in_the_directory_can_be_added_at_check_in(make, set_up):
    from station.db.models import Villager

    app = make()
    async with app.run_test(size=(130, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+n", "1", "enter", "1", "enter", "enter")
        await settle(app, pilot)
        await pilot.press(*NUMBERS[0], "enter")
        await settle(app, pilot)
        await pilot.press("tab")
        await type_text(pilot, "王五 13512340000")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "不在村民名录里" in screen_text(app)  # offered to add, name and phone filled in
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        villager = Villager.get(Villager.phone == "13512340000")
        assert villager.name == "王五"
        assert Parcel.get().villager_id == villager.id
