"""A DataTable whose rows can be ticked: space toggles the row, ctrl+a toggles all."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

TICK = "✓"


class SelectableTable(DataTable):
    BINDINGS = [
        Binding("space", "toggle_row", "table.toggle", id="table.toggle"),
        Binding("ctrl+a", "toggle_all", "table.toggle_all", id="table.toggle_all"),
    ]

    @dataclass
    class TicksChanged(Message):
        """How many rows are ticked now (for the screen's hint line)."""

        table: SelectableTable
        count: int

        @property
        def control(self) -> SelectableTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.ids: list[int] = []
        self.ticked: set[int] = set()

    def set_rows(self, rows: Iterable[tuple[int, Sequence[str]]], *, tick: Iterable[int] = ()) -> None:
        """Replace the rows: (id, cells); `tick` the ids to select from the start."""
        self.clear()
        self.ids = []
        self.ticked = set(tick)
        for row_id, cells in rows:
            self.ids.append(row_id)
            mark = TICK if row_id in self.ticked else ""
            self.add_row(mark, *cells, key=str(row_id))
        self.ticked &= set(self.ids)
        self._ticks_changed()

    def _ticks_changed(self) -> None:
        self.post_message(self.TicksChanged(self, len(self.ticked)))

    def _show_tick(self, row_id: int) -> None:
        column = next(iter(self.columns))
        self.update_cell(str(row_id), column, TICK if row_id in self.ticked else "", update_width=True)

    def action_toggle_row(self) -> None:
        if not self.ids or self.cursor_row >= len(self.ids):
            return
        row_id = self.ids[self.cursor_row]
        self.ticked ^= {row_id}
        self._show_tick(row_id)
        self._ticks_changed()
        if self.cursor_row + 1 < len(self.ids):
            self.move_cursor(row=self.cursor_row + 1)

    def action_toggle_all(self) -> None:
        self.ticked = set() if self.ticked == set(self.ids) else set(self.ids)
        for row_id in self.ids:
            self._show_tick(row_id)
        self._ticks_changed()

    def chosen(self) -> list[int]:
        """Ticked rows in table order; with none ticked, the row under the cursor."""
        if self.ticked:
            return [i for i in self.ids if i in self.ticked]
        if self.ids and self.cursor_row < len(self.ids):
            return [self.ids[self.cursor_row]]
        return []
