"""Check-in by keyboard: every scanned row can be fixed, codes in scan order, names resolved."""

from textual.widgets import DataTable, Input

from station.db.models import Villager
from station.db.parcel_models import CourierBatch, Parcel
from station.screens.check_in import CheckInScreen
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog
from station.screens.villager_picker import VillagerPickerDialog
from tests.ui.helpers import log_in, screen_text, settle, type_text

# waybill tails out of order: the codes must still follow the scan order
NUMBERS = [f"75123456{n:02d}{(97 * n) % 10000:04d}" for n in range(1, 21)]


async def start_batch(app, pilot, shelf="3", layer="2", courier="中通"):
    await pilot.press("f2", "ctrl+n")
    await settle(app, pilot)
    assert isinstance(app.screen, CheckInScreen)
    await pilot.press(shelf, "enter", layer, "enter")
    await type_text(pilot, courier)
    await pilot.press("enter")
    await settle(app, pilot)


async def test_recipient_of_the_third_row_in_a_twenty_scan_batch(make, set_up):
    partner = set_up.operators.list_active()[0]
    li = set_up.villagers.add(partner, name="李大爷", phone="13900005678")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await start_batch(app, pilot)
        for number in NUMBERS:
            await pilot.press(*number, "enter")
        await settle(app, pilot)
        codes = [Parcel.get(Parcel.tracking_no == n).pickup_code for n in NUMBERS]
        assert codes == [f"3-2-{i:04d}" for i in range(1, 21)]  # scan order
        assert {p.carrier for p in Parcel.select()} == {"ZTO"}

        await pilot.press(*["up"] * 17)  # from the scan box: the cursor goes up to the 3rd row
        await settle(app, pilot)
        assert app.focused.id == "scan"
        assert "3-2-0003" in app.screen.query_one("#recipient", Input).placeholder
        await pilot.press("tab")
        await type_text(pilot, "13900005678")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Parcel.get(Parcel.tracking_no == NUMBERS[2]).villager_id == li.id
        assert Parcel.select().where(Parcel.villager.is_null(False)).count() == 1

        # Ctrl+F acts on the highlighted row too (the 5th now), never silently on the last
        await pilot.press("down", "down", "ctrl+f")
        await settle(app, pilot)
        assert isinstance(app.screen, VillagerPickerDialog)
        await type_text(pilot, "ld")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Parcel.get(Parcel.tracking_no == NUMBERS[4]).villager_id == li.id
        assert Parcel.get(Parcel.tracking_no == NUMBERS[-1]).villager_id is None

        # Enter on a row of the table edits that row
        table = app.screen.query_one("#batch-table", DataTable)
        table.focus()
        await pilot.press("home")
        table.move_cursor(row=0)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.focused.id == "recipient"
        await type_text(pilot, "8888")
        await pilot.press("enter")
        await settle(app, pilot)
        assert Parcel.get(Parcel.tracking_no == NUMBERS[0]).phone_tail == "8888"


async def test_initials_resolve_through_the_directory(make, set_up):
    partner = set_up.operators.list_active()[0]
    li = set_up.villagers.add(partner, name="李大爷", phone="13900005678")
    set_up.villagers.add(partner, name="张三", phone="13800001111")
    set_up.villagers.add(partner, name="张珊", phone="13800002222")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await start_batch(app, pilot)
        for number in NUMBERS[:3]:
            await pilot.press(*number, "enter")
        await settle(app, pilot)
        await pilot.press("up", "up", "tab")  # the first parcel
        await type_text(pilot, "ldy")  # one match: taken
        await pilot.press("enter")
        await settle(app, pilot)
        assert Parcel.get(Parcel.tracking_no == NUMBERS[0]).villager_id == li.id

        await pilot.press("down", "tab")  # several matches: pick
        await type_text(pilot, "zs")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VillagerPickerDialog)
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert Parcel.get(Parcel.tracking_no == NUMBERS[1]).recipient_name in ("张三", "张珊")

        await pilot.press("down", "tab")  # nobody: offered to add, never stored as "zay"
        await type_text(pilot, "zay")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.query_one("#name", Input).value == ""
        await type_text(pilot, "赵阿姨")
        await pilot.press("enter")
        await type_text(pilot, "13512340000")
        await pilot.press("enter")
        await settle(app, pilot)
        third = Parcel.get(Parcel.tracking_no == NUMBERS[2])
        assert third.recipient_name == "赵阿姨" and third.villager_id == Villager.get(Villager.name == "赵阿姨").id
        assert Parcel.select().where(Parcel.recipient_name == "zay").count() == 0


async def test_batch_end_count_starts_empty_and_shows_the_scanned_count(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await start_batch(app, pilot)
        for number in NUMBERS[:3]:
            await pilot.press(*number, "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen.query_one("#claimed", Input).value == ""
        assert "本批已扫 3 件" in screen_text(app)
        await type_text(pilot, "3")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert CourierBatch.get().claimed_count == 3


async def test_a_batch_left_open_is_offered_for_resumption(make, set_up):
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=2, layer=1, courier_name="中通小王")
    for number in NUMBERS[:2]:  # then the power went off
        set_up.parcels.check_in(partner, number, batch_id=batch.id)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "已扫 2 件" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen.query_one("#batch-table", DataTable).row_count == 2
        await pilot.press(*NUMBERS[2], "enter")
        await settle(app, pilot)
        assert CourierBatch.select().count() == 1 and CourierBatch.get().scanned_count == 3
        assert Parcel.get(Parcel.tracking_no == NUMBERS[2]).pickup_code == "2-1-0003"


async def test_a_batch_left_open_can_be_closed_with_its_count(make, set_up):
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=2, layer=1)
    set_up.parcels.check_in(partner, NUMBERS[0], batch_id=batch.id)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "ctrl+n")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, "1")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert CourierBatch.get().ended_at is not None and CourierBatch.get().claimed_count == 1


async def test_an_open_batch_leaves_textuals_batch_update_working(make, set_up):
    """The screen's open batch once lived in `self.batch`, hiding Textual's Widget.batch(), which
    App.recompose() and Widget.recompose() call (found by mypy): it must stay callable mid-batch."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await start_batch(app, pilot)
        await pilot.press(*NUMBERS[0], "enter")
        await settle(app, pilot)
        screen = app.screen
        async with screen.batch():  # was: TypeError, 'BatchInfo' object is not callable
            screen.query_one("#scan", Input).focus()
        await pilot.press(*NUMBERS[1], "enter")
        await settle(app, pilot)
        assert [p.pickup_code for p in Parcel.select().order_by(Parcel.id)] == ["3-2-0001", "3-2-0002"]
        assert "3-2-0002" in screen.query_one("#batch-table", DataTable).get_row_at(1)
