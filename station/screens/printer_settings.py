"""Printer settings: kind and connection, paper width; saved to config.toml, test page."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select

from station.config import PRINTER_KINDS, PRINTER_TEXT_FIELDS, PrinterConfig, StationConfig
from station.domain.errors import StationError
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.services.common import Session
from station.services.settings import PrinterForm, SettingsService
from station.widgets.footer import Footer
from station.widgets.form import FormSelect, field, focus_first, focus_next_field, show_message
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("printer.save", "ctrl+s", "save", "printer.save", "printer.save_help"),
    StationAction("printer.test", "ctrl+t", "test_page", "print.test", "print.test_help"),
)


class PrinterSettingsScreen(StationScreen):
    AUTO_FOCUS = ""  # on_mount focuses the first field: Textual's would centre it before the layout
    DEFAULT_CSS = """
    PrinterSettingsScreen #form { margin: 0 2; }
    PrinterSettingsScreen .message { color: $error; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(
        self,
        settings: SettingsService,
        session: Session,
        current: PrinterConfig,
        print_test: Callable[[], None],
        on_saved: Callable[[StationConfig], None],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.session = session
        self.current = current
        self.print_test = print_test
        self.on_saved = on_saved

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with VerticalScroll(id="form", can_focus=False):  # Tab goes field to field, never to the frame
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
            for name in PRINTER_TEXT_FIELDS:
                value = getattr(self.current, name)
                if name.startswith("usb_"):
                    value = f"{value:04x}"
                yield from field(self.t(f"printer.{name}"), Input(str(value), id=name))
            yield Label("", id="form-message", classes="message")
        yield Footer()

    def read_form(self) -> PrinterForm:
        """The form as typed; the settings service parses and checks it."""
        return PrinterForm(
            kind=self.query_one("#kind", Select).selection or self.current.kind,  # never blank: allow_blank=False
            paper_mm=self.query_one("#paper", Select).selection or self.current.paper_mm,
            fields={name: self.query_one(f"#{name}", Input).value for name in PRINTER_TEXT_FIELDS},
        )

    def action_save(self) -> None:
        form, operator = self.read_form(), self.session.require
        self.call_service(lambda: self.settings.save_printer(operator, form), self.saved, self.refused)

    def refused(self, error: StationError) -> None:
        message = self.query_one("#form-message", Label)
        message.update(self.app.t.error(error))
        show_message(message)  # under the last field: below the fold on a small terminal
        self.app.bell()

    def saved(self, config: StationConfig) -> None:
        self.current = config.printer
        self.query_one("#form-message", Label).update("")
        self.notify(self.t("printer.saved", kind=self.t(f"printer.kind.{config.printer.kind}")))
        self.on_saved(config)

    def action_test_page(self) -> None:
        self.print_test()

    def on_mount(self) -> None:
        focus_first(self.query_one("#kind", Select))  # the first field, as in every form: keys work at once

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field, as in every form; on the last one it saves."""
        event.stop()
        if not focus_next_field(event.input):
            self.action_save()
