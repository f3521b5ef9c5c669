"""A receipt on screen as the printer will print it; its QR can be scanned from the screen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from station.printing.layout import Receipt
from station.printing.preview import preview_lines
from station.screens.base import StationDialog


class ReceiptPreview(StationDialog[None]):
    DEFAULT_CSS = """
    ReceiptPreview #dialog { width: auto; }
    ReceiptPreview #paper { background: white; color: black; width: auto; height: auto; padding: 0 1; }
    """
    BINDINGS = [Binding("enter,escape", "close", "dialog.close", id="dialog.close")]

    def __init__(self, receipt: Receipt, columns: int, qr_error: str = "M") -> None:
        super().__init__()
        self.receipt = receipt
        self.columns = columns
        self.qr_error = qr_error

    def compose(self) -> ComposeResult:
        text = Text()
        for row, line in preview_lines(self.receipt, self.columns, qr_error=self.qr_error):
            style = "bold" if line is not None and (line.bold or line.double) else ""
            text.append(row + "\n", style=style)
        with VerticalScroll(id="dialog"):
            yield Label(self.t("print.preview_title", no=self.receipt.receipt_no), classes="title")
            yield Static(text, id="paper")
            yield Label(self.t("dialog.close_hint"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
