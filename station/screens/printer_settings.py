"""Printer settings: kind and connection, paper width; saved to config.toml, test page."""

from __future__ import annotations

import dataclasses

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Label, Select

from station.config import PRINTER_KINDS, PrinterConfig, check_section
from station.domain.errors import InvalidInput
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.widgets.form import FormSelect, field
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("printer.save", "ctrl+s", "save", "printer.save", "printer.save_help"),
    StationAction("printer.test", "ctrl+t", "test_page", "print.test", "print.test_help"),
)
TEXT_FIELDS = ("host", "port", "path", "device", "queue", "usb_vendor", "usb_product", "timeout")


class PrinterSettingsScreen(StationScreen):
    DEFAULT_CSS = """
    PrinterSettingsScreen #form { margin: 0 2; }
    PrinterSettingsScreen .message { color: $error; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, current: PrinterConfig, save, print_test) -> None:
        super().__init__()
        self.current = current
        self.save_config = save  # (PrinterConfig) -> None, raises StationError
        self.print_test = print_test

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with VerticalScroll(id="form"):
            yield Label(self.t("printer.title"), classes="title")
            yield from field(
                self.t("printer.kind"),
                FormSelect(
                    [(self.t(f"printer.kind.{k}"), k) for k in PRINTER_KINDS],
                    value=self.current.kind,
                    allow_blank=False,
                    id="kind",
                ),
            )
            yield from field(
                self.t("printer.paper"),
                FormSelect(
                    [("58 mm (32)", 58), ("80 mm (48)", 80)],
                    value=80 if self.current.paper_mm >= 80 else 58,
                    allow_blank=False,
                    id="paper",
                ),
            )
            for name in TEXT_FIELDS:
                value = getattr(self.current, name)
                if name.startswith("usb_"):
                    value = f"{value:04x}"
                yield from field(self.t(f"printer.{name}"), Input(str(value), id=name))
            yield Label("", id="form-message", classes="message")
        yield Footer()

    def read_form(self) -> PrinterConfig:
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in TEXT_FIELDS}
        try:
            port = int(values["port"] or 9100)
            timeout = float(values["timeout"] or 5)
            vendor = int(values["usb_vendor"] or "0", 16)
            product = int(values["usb_product"] or "0", 16)
        except ValueError:
            raise InvalidInput("printer.bad_number") from None
        kind = self.query_one("#kind", Select).value
        needed = {"network": "host", "file": "path", "serial": "device", "cups": "queue"}.get(kind)
        if needed and not values[needed]:
            raise InvalidInput("printer.missing", field=self.t(f"printer.{needed}"))
        printer = dataclasses.replace(
            self.current,
            kind=kind,
            paper_mm=self.query_one("#paper", Select).value,
            host=values["host"],
            port=port,
            path=values["path"],
            device=values["device"],
            queue=values["queue"],
            usb_vendor=vendor,
            usb_product=product,
            timeout=timeout,
        )
        check_section("printer", printer)  # the same limits as a hand-edited config.toml
        return printer

    def action_save(self) -> None:
        try:
            printer = self.read_form()
        except InvalidInput as error:
            self.query_one("#form-message", Label).update(self.app.t.error(error))
            self.app.bell()
            return
        self.call_service(lambda: self.save_config(printer), lambda _: self.saved(printer))

    def saved(self, printer: PrinterConfig) -> None:
        self.current = printer
        self.query_one("#form-message", Label).update("")
        self.notify(self.t("printer.saved", kind=self.t(f"printer.kind.{printer.kind}")))

    def action_test_page(self) -> None:
        self.print_test()

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()
