"""Log-in: choose the operator, type the PIN."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Select

from station.domain.errors import StationError
from station.screens.base import StationScreen
from station.services.common import OperatorInfo
from station.services.operators import OperatorService
from station.widgets.footer import Footer
from station.widgets.form import FormSelect, field


class LoginScreen(StationScreen):
    CSS_PATH = "forms.tcss"

    def __init__(self, operators: OperatorService, on_done) -> None:
        super().__init__()
        self.operators = operators
        self.on_done = on_done

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form", can_focus=False):  # Tab goes field to field, never to the frame
            yield Label(self.t("login.title"), classes="title")
            yield Label("", id="station-name", classes="hint")
            yield from field(
                self.t("login.operator"), FormSelect([], id="operator", prompt=self.t("login.choose_operator"))
            )
            yield from field(self.t("login.pin"), Input(id="pin", password=True))
            with Vertical(id="messages"):
                yield Label("", id="form-message", classes="message")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Fill the operator list (again, after a log-out)."""
        self.call_service(lambda: (self.operators.station(), self.operators.list_active()), self.show_operators)

    def show_operators(self, found) -> None:
        station, operators = found
        if station is not None:
            self.query_one("#station-name", Label).update(
                self.t("login.station_line", name=station.name, code=station.code)
            )
        select = self.query_one("#operator", Select)
        select.set_options([(op.name, op.id) for op in operators])
        if operators:
            select.value = operators[0].id
        self.query_one("#pin", Input).clear()
        self.query_one("#form-message", Label).update("")
        self.query_one("#pin").focus()

    @on(Select.Changed, "#operator")
    def operator_chosen(self) -> None:
        self.query_one("#pin").focus()

    @on(Input.Submitted, "#pin")
    def pin_entered(self, event: Input.Submitted) -> None:
        operator_id = self.query_one("#operator", Select).selection
        pin = event.value
        event.input.clear()
        if operator_id is None:
            self.query_one("#form-message", Label).update(self.t("login.choose_operator"))
            return
        self.call_service(lambda: self.operators.login(operator_id, pin), self.done, self.refuse)

    def refuse(self, error: StationError) -> None:
        self.app.bell()
        self.query_one("#form-message", Label).update(self.app.t.error(error))

    def done(self, operator: OperatorInfo) -> None:
        self.query_one("#form-message", Label).update("")
        self.on_done(operator)
