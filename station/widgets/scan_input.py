"""An Input for barcode scanners: each Enter is one scan, however fast the keys arrive.

A plain Input submits through its "enter" binding, which runs after keys already queued
behind it: at scanner speed (a number + Enter every ~30 ms) the next number's digits land in
the value before it is read, and scans run together. Here Enter is handled in key order.
A paste of several lines is several scans.

Only public Textual API: Textual calls a subclass's `on_key`/`on_paste` before Input's own
handlers, and `prevent_default()` keeps Input from also handling the key or the paste.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Input


class ScanInput(Input):
    SUBMITS_IN_KEY_ORDER = True  # keys typed after Enter need not wait for it (station/screens/held_keys.py)

    @dataclass
    class Scanned(Message):
        input: ScanInput
        value: str

        @property
        def control(self) -> ScanInput:
            return self.input

    def validate_virtual_size(self, size: Size) -> Size:
        """Input sets its virtual size to the text's width on every key, and each change is a
        layout of the whole screen (on the check-in screen, most of a scan's cost; see
        benchmarks/counter.py). Never narrower than the box: while the code fits, it stays put."""
        return Size(max(size.width, self.content_size.width), size.height)

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            value, self.value = self.value, ""
            self.post_message(self.Scanned(self, value))

    def on_paste(self, event: events.Paste) -> None:
        lines = event.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if len(lines) == 1:
            return  # Input's own handler inserts it
        event.stop()
        event.prevent_default()
        first, *middle, last = lines
        for value in (self.value + first, *middle):
            if value.strip():
                self.post_message(self.Scanned(self, value))
        self.value = last
        self.cursor_position = len(last)  # the next keys go after it


class SearchBox(Input):
    """A search box a scanner types into: Enter submits and leaves the text selected, so the next
    code scanned replaces it. Keys typed after the Enter wait for its answer (screens/held_keys.py):
    a Space and an Enter typed on go to the list it focuses (tick, hand over), a code typed on
    goes back to this box through the list (widgets/type_ahead_table.py)."""

    def on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.select_all()
            self.post_message(self.Submitted(self, self.value))
