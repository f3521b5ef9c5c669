"""A tickable list that passes typing on to a search box: a code scanned (or a name typed)
while the list has the focus is a new search, not keys lost on the list or an Enter on it."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from station.widgets.selectable_table import SelectableTable


class TypeAheadTable(SelectableTable):
    def __init__(self, search_box: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.search_box = search_box  # the id of the Input that takes what is typed here
        self.passing_on = False  # a text is being passed on: its Enter goes with it

    def on_focus(self) -> None:
        # Back on the list: what was passed on has ended there (the keys typed after its first
        # character went to the box itself, screens/held_keys.py), so an Enter here is the list's.
        self.passing_on = False

    def on_key(self, event: events.Key) -> None:
        # Keys typed quickly all reach this list before the first of them moves the focus, so
        # each is passed on from here, in order: characters, then the Enter that ends them.
        typed = event.is_printable and event.character not in (None, " ")
        if not typed and not (self.passing_on and event.key == "enter"):
            self.passing_on = False
            return
        event.stop()
        event.prevent_default()
        box = self.screen.query_one(f"#{self.search_box}", Input)
        if not self.passing_on:  # the box's Focus selects its old text: this key replaces it
            self.screen.set_focus(box)
        self.passing_on = event.key != "enter"
        box.post_message(events.Key(event.key, event.character))
