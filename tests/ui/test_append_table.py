"""AppendTable keeps the cells it rendered when a row is appended: what it paints must stay what a
plain DataTable paints, row after row, also when a new row widens a column or the table scrolls."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable

from station.widgets.append_table import AppendTable


class TableApp(App[None]):
    def __init__(self, table: DataTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.add_columns("code", "tracking", "recipient")


def painted(table: DataTable) -> list[list[tuple[str, object]]]:
    lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [[(segment.text, segment.style) for segment in line] for line in lines]


async def settled(plain_pilot, plain: DataTable, pilot, appending: DataTable) -> None:
    """Both apps given turns until the tables paint alike (bounded): a DataTable updates its
    dimensions and scroll when idle, and a loaded machine may take several turns to get there.
    What is compared is what each paints once settled, as a person sees it a frame later."""
    for _ in range(100):
        await plain_pilot.pause()
        await pilot.pause()
        if painted(plain) == painted(appending):
            return


ROWS = [
    ("1-1-0001", "SF1001", ""),
    ("1-1-0002", "SF1002", "王秀英"),
    ("1-1-0003", "YT2000000000000000000003", ""),  # wider than every tracking number before it
    *((f"1-1-{n:04d}", f"SF{n}", "") for n in range(4, 16)),  # more rows than the view: it scrolls
]


async def test_append_table_paints_what_a_data_table_paints() -> None:
    plain = TableApp(DataTable(cursor_type="row", zebra_stripes=True))
    appending = TableApp(AppendTable(cursor_type="row", zebra_stripes=True))
    async with plain.run_test(size=(60, 10)) as plain_pilot, appending.run_test(size=(60, 10)) as pilot:
        for cells in ROWS:
            for app in (plain, appending):
                app.table.add_row(*cells)
                app.table.move_cursor(row=app.table.row_count - 1)
            await settled(plain_pilot, plain.table, pilot, appending.table)
            assert painted(appending.table) == painted(plain.table), cells
            assert cells[1] in "".join(text for line in painted(appending.table) for text, _ in line)
