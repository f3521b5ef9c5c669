"""One line at the top of every screen: station, operator, printer state (from the app)."""

from __future__ import annotations

from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $primary; color: $text; padding: 0 1; }
    StatusLine.-printer-failed { background: $error; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "status", self.show_status)

    def show_status(self, status: tuple[str, bool]) -> None:
        text, alarm = status
        self.update(text)
        self.set_class(alarm, "-printer-failed")
