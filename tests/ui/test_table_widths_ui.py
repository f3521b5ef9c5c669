"""Tables size their columns as rows are added or changed, not only when reloaded."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import DataTable

from station.screens.check_in import CheckInScreen
from station.screens.parcel_desk import ParcelDeskScreen
from tests.ui.helpers import check_in_one, log_in, settle, type_text

LONG_NAME = "上官欧阳慕容娜娜"


def width_of(table: DataTable, index: int) -> int:
    column = list(table.columns.values())[index]
    return column.get_render_width(table) - 2 * table.cell_padding


async def test_check_in_rows_and_ticks_widen_their_columns(make, set_up):
    partner = set_up.operators.list_active()[0]
    set_up.villagers.add(partner, name=LONG_NAME, phone="13900005678")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await check_in_one(app, pilot, "75123456780001")
        assert isinstance(app.screen, CheckInScreen)
        table = app.screen.query_one("#batch-table", DataTable)
        assert table.row_count == 1 and width_of(table, 1) >= len("75123456780001")  # the new row's number
        narrow = width_of(table, 3)
        await pilot.press("tab")  # the recipient of the row just scanned: a long name
        await type_text(pilot, "13900005678")
        await pilot.press("enter")
        await settle(app, pilot)
        assert LONG_NAME in str(table.get_row_at(0)[3])
        assert width_of(table, 3) >= cell_len(LONG_NAME) > narrow

        await pilot.press("escape")  # the desk: found by phone tail, nothing ticked yet
        await settle(app, pilot)
        assert isinstance(app.screen, ParcelDeskScreen)
        await type_text(pilot, "5678")
        await pilot.press("enter")
        await settle(app, pilot)
        waiting = app.screen.query_one("#waiting", DataTable)
        assert waiting.row_count == 1 and width_of(waiting, 0) == 0
        await pilot.press("space")  # ticked: the tick column grows to show it
        await settle(app, pilot)
        assert width_of(waiting, 0) >= 1
