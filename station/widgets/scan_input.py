"""An Input for barcode scanners: each Enter is one scan, however fast the keys arrive.

A plain Input submits through its "enter" binding, which runs after keys already queued
behind it: at scanner speed (a number + Enter every ~30 ms) the next number's digits land in
the value before it is read, and scans run together. Here Enter is handled in key order.
A paste of several lines is several scans.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Input


class ScanInput(Input):
    @dataclass
    class Scanned(Message):
        input: ScanInput
        value: str

        @property
        def control(self) -> ScanInput:
            return self.input

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            value, self.value = self.value, ""
            self.post_message(self.Scanned(self, value))
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        lines = event.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if len(lines) == 1:
            await super()._on_paste(event)
            return
        event.stop()
        event.prevent_default()
        first, *middle, last = lines
        for value in (self.value + first, *middle):
            if value.strip():
                self.post_message(self.Scanned(self, value))
        self.value = last
