"""A DataTable that grows at the bottom (check-in: a row per scan) without re-rendering the rows
it already shows.

Textual's DataTable keys every render cache on one update counter that each `add_row` bumps,
so a scan re-renders every visible cell (~30 rows × 4 columns, through Rich) to paint one new
row: most of a scan's screen update on the check-in screen (see benchmarks/counter.py). An
appended row changes no other row's cells, zebra stripe or position; only the columns' widths
can change, and then everything is rendered again as before.

Relies on DataTable internals of the Textual version pinned in constraints.txt (its caches and
`_update_dimensions`); tests/ui/test_append_table.py checks what it paints against a plain
DataTable.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class AppendTable(DataTable[str]):
    def add_row(
        self,
        *cells: str,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        kept = self._update_count
        row_key = super().add_row(*cells, height=height, key=key, label=label)
        # The rows already shown keep their rendered cells; only what indexes the rows by
        # position or count is computed again.
        self._update_count = kept
        self._offset_cache.clear()
        self._ordered_row_cache.clear()
        self._row_renderable_cache.clear()
        self._line_cache.clear()
        self._row_render_cache.clear()
        # Measure the new row now rather than when the table is next idle: then a cursor moved to
        # it scrolls at once, and the row is painted in view on the next screen update instead of
        # one update later (DataTable defers the scroll until after a refresh otherwise).
        if self._require_update_dimensions and not self._updated_cells:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)
        return row_key

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = self._dimensions()
        super()._update_dimensions(new_rows)
        if self._dimensions() != before:  # a wider cell or a label column: every cell again
            self._update_count += 1
            self.refresh()

    def _dimensions(self) -> tuple:
        return (
            self._labelled_row_exists,
            self._label_column.content_width,
            tuple(column.content_width for column in self.columns.values()),
            tuple(row.height for row in self.rows.values()),
        )
