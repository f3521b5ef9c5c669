"""One dialog for every small form: fields in, a service call out, errors shown inline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from station.domain.errors import StationError
from station.screens.base import StationDialog
from station.widgets.form import FormSelect, focus_first, focus_next_field, show_message


@dataclass(frozen=True)
class FormField:
    id: str
    label: str  # display text (already translated)
    value: Any = ""
    options: tuple[tuple[str, Any], ...] | None = None  # a Select when given
    password: bool = False
    placeholder: str = ""
    # A text field whose value is made from the others (an export's folder from its month):
    # it follows them as they are typed, until the person edits it.
    follows: Callable[[dict[str, Any]], str] | None = None


class FormDialog(StationDialog[Any]):
    """Enter moves to the next field; Enter on the last (or Ctrl+S) submits. A select is a
    field like any other: Enter on it (closed) moves on; Space, ↓ or ↑ open its list.

    `submit(values)` runs in a worker; its result dismisses the dialog, a StationError is
    shown under the fields and nothing is dismissed.
    """

    AUTO_FOCUS = ""  # on_mount focuses the field the form starts at, not Textual the first one
    # A refusal's message is held at the frame's foot, out of the scrolling: in view with the
    # field being typed into however tall the form (shown once there is something to say).
    DEFAULT_CSS = """
    FormDialog #form-message { dock: bottom; display: none; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "dialog.cancel", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "dialog.submit", id="dialog.submit"),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[FormField],
        submit: Callable[[dict[str, Any]], Any],
        *,
        hint: str = "",
        focus: str = "",
        submit_on_enter: bool = False,
        preview: Callable[[dict[str, Any]], str] | None = None,
    ) -> None:
        super().__init__()
        self.focus_id = focus
        self.submit_on_enter = submit_on_enter  # counter speed: Enter anywhere submits; Tab moves
        self.title_text = title
        self.fields = list(fields)
        self.submit = submit
        self.hint = hint
        self.preview = preview  # a line under the fields, redrawn as they are typed (a running total)
        # what each following field was last set to by the form (a different value: edited by hand)
        self.followed = {f.id: str(f.value) for f in self.fields if f.follows is not None}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", can_focus=False):  # Tab goes field to field, never to the frame
            yield Label(self.title_text, classes="title")
            if self.preview is not None:  # at the top: in view however far the form scrolls
                yield Label("", id="form-preview")
            for f in self.fields:
                yield Label(f.label, classes="field-label")
                if f.options is not None:
                    yield FormSelect(
                        f.options, value=f.value if f.value != "" else f.options[0][1], allow_blank=False, id=f.id
                    )
                else:
                    yield Input(str(f.value), id=f.id, password=f.password, placeholder=f.placeholder)
            yield Label("", id="form-message", classes="message")
            yield Label(self.hint or self.t("form.hint_quick" if self.submit_on_enter else "form.hint"), classes="hint")

    def on_mount(self) -> None:
        if self.fields:
            focus_first(self.query_one(f"#{self.focus_id or self.fields[0].id}"))
        self.update_preview()

    @on(Input.Changed)
    @on(Select.Changed)
    def update_preview(self) -> None:
        if self.preview is not None:
            self.query_one("#form-preview", Label).update(self.preview(self.values()))

    @on(Input.Changed)
    @on(Select.Changed)
    def update_following(self, event: Input.Changed | Select.Changed) -> None:
        changed = event.control.id
        if changed in self.followed:
            # its value now, not the event's: the form may have set it again since (typing on)
            if self.query_one(f"#{changed}", Input).value != self.followed[changed]:
                del self.followed[changed]  # typed by hand: it follows no more
            return
        values = self.values()
        for f in self.fields:
            if f.follows is None or f.id not in self.followed:
                continue
            box = self.query_one(f"#{f.id}", Input)
            if box.value != self.followed[f.id]:  # typed by hand, its own change not yet handled
                del self.followed[f.id]
                continue
            box.value = self.followed[f.id] = f.follows(values)

    @on(Input.Submitted)
    def input_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.next_or_submit(event.input)

    def on_form_select_entered(self, event: FormSelect.Entered) -> None:
        event.stop()
        self.next_or_submit(event.select)

    def next_or_submit(self, current: Widget) -> None:
        if self.submit_on_enter or current.id == self.fields[-1].id or not focus_next_field(current):
            self.action_submit()

    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for f in self.fields:
            if f.options is None:
                found[f.id] = self.query_one(f"#{f.id}", Input).value
            else:
                found[f.id] = self.query_one(f"#{f.id}", Select).value
        return found

    def action_submit(self) -> None:
        values = self.values()
        self.call_service(lambda: self.submit(values), self.dismiss, self.refused)

    def refused(self, error: StationError) -> None:
        self.app.bell()
        message = self.query_one("#form-message", Label)
        message.update(self.app.t.error(error))
        message.display = True
        show_message(message)  # the field typed into, above the message's new line(s)

    def action_cancel(self) -> None:
        self.dismiss(None)
