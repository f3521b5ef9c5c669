from textual.widgets import Sparkline

from station.screens.reports import ReportsScreen
from tests.ui.helpers import log_in, settle


async def test_switching_periods_changes_the_charts(make, set_up, clock):
    partner = set_up.operators.list_active()[0]
    batch = set_up.parcels.start_batch(partner, shelf=1, layer=1)
    clock.advance(days=-3)
    for n in range(5):
        set_up.parcels.check_in(partner, f"SF00000000000{n:02d}", batch_id=batch.id)
    clock.advance(days=3)
    set_up.parcels.check_in(partner, "SF0000000000099", batch_id=batch.id)
    app = make()
    async with app.run_test(size=(150, 50)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        week = list(app.screen.query_one("#chart-arrivals", Sparkline).data)
        assert len(week) == 7 and sum(week) == 6
        await pilot.press("d")
        await settle(app, pilot)
        day = list(app.screen.query_one("#chart-arrivals", Sparkline).data)
        assert day == [1]
        await pilot.press("m")
        await settle(app, pilot)
        assert len(app.screen.query_one("#chart-arrivals", Sparkline).data) == 30


async def test_every_table_column_is_as_wide_as_its_widest_cell_from_the_first_frame(make, demo_db):
    """Left to DataTable, a column grows to its cells only when the table is next idle, and a
    frame drawn before that stayed cached at the header's width ("09:0", "姜秀" on screen)."""
    from rich.cells import cell_len
    from textual.widgets import DataTable

    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        narrow = []
        for table in app.screen.query(DataTable):
            for index, column in enumerate(table.ordered_columns):
                widest = max([0, *(cell_len(str(table.get_row_at(r)[index])) for r in range(table.row_count))])
                if column.width < widest:
                    narrow.append((table.id, str(column.label), column.width, widest))
        assert narrow == [], narrow
        assert any(table.row_count for table in app.screen.query(DataTable))  # the demo has rows to show
