"""Small modal dialogs: confirm, error, PIN approval."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select

from station.domain.errors import StationError
from station.screens.base import StationDialog
from station.services.common import OperatorInfo
from station.widgets.form import FormSelect


class _Question(StationDialog[bool]):
    """A yes/no question; the subclass's bindings say which keys answer it."""

    HINT = "dialog.yes_no_hint"

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, id="question")
            yield Label(self.t(self.HINT), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ConfirmDialog(_Question):
    """Says what will happen; y/Enter confirms, n/Esc declines."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "dialog.yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "dialog.no", id="dialog.no"),
    ]


class ConfirmByYDialog(_Question):
    """A question that comes up by itself while the partner may be scanning (a parcel that may
    belong to an open order): only y confirms. A scanner's Enter, sent as the question opens,
    must not answer it."""

    HINT = "dialog.y_only_hint"
    BINDINGS = [
        Binding("y", "answer(True)", "dialog.yes", id="dialog.yes"),
        Binding("n,escape", "answer(False)", "dialog.no", id="dialog.no"),
    ]


class ErrorDialog(StationDialog[None]):
    BINDINGS = [Binding("enter,escape", "close", "dialog.close", id="dialog.close")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.t("error.title"), classes="title")
            yield Label(self.message, id="error-message", classes="message")

    def action_close(self) -> None:
        self.dismiss(None)


class PinDialog(StationDialog[Any]):
    """A second operator gives their PIN to `approve(operator_id, pin)` — the service call that
    checks it (and, for a reversal, posts); returns its result, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "dialog.cancel", id="dialog.cancel")]

    def __init__(self, prompt: str, operators: list[OperatorInfo], approve) -> None:
        super().__init__()
        self.prompt = prompt
        self.operators = operators  # who may approve: the service that asks has chosen them
        self.approve = approve  # (operator_id, pin) -> OperatorInfo, raises StationError

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.prompt, id="prompt")
            yield FormSelect(
                [(f"{op.name} ({self.t('role.' + op.role)})", op.id) for op in self.operators],
                prompt=self.t("login.choose_operator"),
                id="approver",
                value=self.operators[0].id
                if len(self.operators) == 1
                else Select.NULL,  # NULL: no choice yet (BLANK is a Widget flag)
            )
            yield Input(placeholder=self.t("login.pin"), password=True, id="pin")
            yield Label("", id="pin-message", classes="message")

    def on_mount(self) -> None:
        self.query_one("#pin" if len(self.operators) == 1 else "#approver").focus()

    @on(Select.Changed, "#approver")
    def approver_chosen(self) -> None:
        self.query_one("#pin").focus()

    @on(Input.Submitted, "#pin")
    def pin_entered(self, event: Input.Submitted) -> None:
        chosen = self.query_one("#approver", Select).value
        if chosen is Select.NULL:
            self.query_one("#pin-message", Label).update(self.t("login.choose_operator"))
            return
        pin = event.value
        event.input.clear()
        self.call_service(lambda: self.approve(chosen, pin), self.dismiss, self.pin_refused)

    def pin_refused(self, error: StationError) -> None:
        self.app.bell()
        self.query_one("#pin-message", Label).update(self.t(error.key, **error.values))

    def action_cancel(self) -> None:
        self.dismiss(None)


class InfoDialog(StationDialog[None]):
    """Text to read (an explanation, a report); Enter or Esc closes it."""

    BINDINGS = [Binding("enter,escape", "close", "dialog.close", id="dialog.close")]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.title_text, classes="title")
            yield Label(self.body, id="info-body")
            yield Label(self.t("dialog.close_hint"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
