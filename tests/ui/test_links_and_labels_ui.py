"""Complaints show from the parcel and the lot side; ledger lists show labels, not keys."""

from __future__ import annotations

from textual.widgets import DataTable, Label, Select

from station.db.oversight_models import Complaint
from station.domain.orders import ItemLine
from station.screens.complaints import ComplaintsScreen
from station.screens.consignments import ConsignmentsScreen
from station.screens.parcel_desk import ParcelDeskScreen
from station.screens.shift import ShiftScreen
from tests.ui.helpers import log_in, press_each, screen_text, settle, type_text


async def register_complaint_about(app, pilot, initials: str, option: int, text: str) -> None:
    """F8 → Ctrl+Y → Ctrl+N, the villager by initials, then what it is about picked from the
    list with keys only: Shift+Tab back to the select, ↓ opens it, ↓ × option, Enter picks."""
    await press_each(app, pilot, "f8", "ctrl+y", "ctrl+n")
    await type_text(pilot, initials)
    await pilot.press("enter")
    await settle(app, pilot)
    await pilot.press("shift+tab")  # from the text to "about"
    assert app.screen.focused is app.screen.query_one("#about", Select)
    await pilot.press("down")  # opens the list on the current option
    await pilot.press(*["down"] * option, "enter")
    await settle(app, pilot)
    await pilot.press("enter")  # Enter on the closed select: on to the text, as an Input's Enter
    assert app.screen.focused is app.screen.query_one("#text")
    await type_text(pilot, text)
    await pilot.press("enter")  # the last field: registers
    await settle(app, pilot)
    assert isinstance(app.screen, ComplaintsScreen)


async def test_complaint_about_a_parcel_shows_on_the_parcel_desk(make, set_up):
    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    batch = set_up.parcels.start_batch(partner, shelf=1, layer=1)
    parcel = set_up.parcels.check_in(partner, "75123456780001", batch_id=batch.id).parcel
    set_up.parcels.set_recipient(partner, parcel.id, villager_id=zhang.id)
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await register_complaint_about(app, pilot, "zay", 1, "盒子压坏了")
        row = Complaint.get()
        assert (row.villager_id, row.parcel_id) == (zhang.id, parcel.id)
        assert "包裹 " + parcel.pickup_code in screen_text(app)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelDeskScreen)
        await type_text(pilot, "2222")
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.screen.query_one("#waiting", DataTable)
        assert "投诉 #1" in " ".join(str(c) for c in table.get_row_at(0))
        assert "投诉 #1（处理中）：盒子压坏了" in str(app.screen.query_one("#desk-complaints", Label).render())


async def test_complaint_about_a_lot_shows_on_the_consignments(make, set_up):
    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="张阿姨", phone="13611112222")
    set_up.villagers.add(partner, name="李大爷", phone="13900005678")
    lot = set_up.consignments.intake(
        partner, consignor_id=zhang.id, product="土鸡蛋", unit="piece", qty_milli=30000, unit_price_fen=150
    ).lot
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await register_complaint_about(app, pilot, "zay", 1, "鸡蛋有坏的")
        assert Complaint.get().lot_id == lot.id
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, ConsignmentsScreen)
        table = app.screen.query_one("#lots", DataTable)
        assert "投诉 #1" in " ".join(str(c) for c in table.get_row_at(0))
        assert "投诉 #1（处理中）：鸡蛋有坏的" in str(app.screen.query_one("#lot-complaints", Label).render())


async def test_day_postings_show_labels_not_ledger_keys(make, set_up):
    partner = set_up.operators.list_active()[0]
    zhang = set_up.villagers.add(partner, name="王大妈", phone="13611112222")
    set_up.purchases.create(
        partner, villager_id=zhang.id, platform="pdd", items=[ItemLine("电饭煲", 1, 15900)], deposit_fen=10000
    )
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, ShiftScreen)
        table = app.screen.query_one("#journal", DataTable)
        text = "\n".join(" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count))
        assert "代购单 #1 王大妈" in text
        for raw in ("purchase:", "villager:", "parcel:"):
            assert raw not in text
