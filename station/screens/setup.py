"""First run: station name and code, the partner and her PIN."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label

from station.domain.errors import InvalidInput, StationError
from station.screens.base import StationScreen
from station.services.common import OperatorInfo
from station.services.operators import OperatorService
from station.widgets.footer import Footer
from station.widgets.form import field, focus_first, focus_next_input


class SetupScreen(StationScreen):
    CSS_PATH = "forms.tcss"
    AUTO_FOCUS = ""  # on_mount focuses the first field: Textual's would centre it before the layout

    def __init__(self, operators: OperatorService, on_done) -> None:
        super().__init__()
        self.operators = operators
        self.on_done = on_done  # called with the partner's OperatorInfo

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form", can_focus=False):  # Tab goes field to field, never to the frame
            yield Label(self.t("setup.title"), classes="title")
            yield Label(self.t("setup.intro"), classes="hint")
            yield from field(self.t("setup.station_name"), Input(id="station-name"))
            yield from field(self.t("setup.station_code"), Input(id="station-code"))
            yield from field(self.t("setup.address"), Input(id="address"))
            yield from field(self.t("setup.partner_name"), Input(id="partner-name"))
            yield from field(self.t("setup.pin"), Input(id="pin", password=True))
            yield from field(self.t("setup.pin_again"), Input(id="pin-again", password=True))
            with Vertical(id="messages"):
                yield Label("", id="form-message", classes="message")
        yield Footer()

    def on_mount(self) -> None:
        focus_first(self.query_one("#station-name"))

    @on(Input.Submitted)
    def next_field_or_save(self, event: Input.Submitted) -> None:
        if not focus_next_input(event.input):
            self.save()

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def save(self) -> None:
        if self.value("pin") != self.value("pin-again"):
            self.refuse(InvalidInput("setup.pins_differ"))
            return
        self.call_service(
            lambda: (
                self.operators.set_up_station(
                    station_name=self.value("station-name"),
                    station_code=self.value("station-code"),
                    partner_name=self.value("partner-name"),
                    pin=self.value("pin"),
                    address=self.value("address"),
                ),
                self.operators.key_fingerprint(),
            ),
            self.done,
            self.refuse,
        )

    def refuse(self, error: StationError) -> None:
        self.app.bell()
        self.query_one("#form-message", Label).update(self.app.t.error(error))

    def done(self, result: tuple[OperatorInfo, str]) -> None:
        partner, fingerprint = result
        self.notify(self.t("setup.done", name=partner.name))
        if fingerprint:
            self.notify(self.t("signing.setup_key", fingerprint=fingerprint), timeout=30)
        self.on_done(partner)
