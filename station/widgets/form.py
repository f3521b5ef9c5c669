"""Form helpers: Enter moves to the next field; a label for each field; a Select that agrees.

Every form answers Enter the same way, whatever the field: an Input or a closed select moves to
the next field (the last one submits, where the form submits). A select's list opens with
Space, ↓ or ↑; Enter in the open list picks the option and the focus stays on the select.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select

W = TypeVar("W", bound=Widget)


def field(label: str, input_: W) -> tuple[Label, W]:
    """A label above its input (an Input or a Select)."""
    return Label(label, classes="field-label"), input_


class FormSelect(Select):
    """A Select whose Enter (closed) says "this field is done", like an Input's Enter."""

    BINDINGS = [Binding("enter", "entered", "textual.Submit", show=False)]

    @dataclass
    class Entered(Message):
        select: FormSelect

        @property
        def control(self) -> FormSelect:
            return self.select

    def action_entered(self) -> None:
        self.post_message(self.Entered(self))


def form_fields(screen) -> list[Widget]:
    """The fields of a form in screen order: Inputs and Selects that can take the focus."""
    return [w for w in screen.query("Input, Select") if w.display and not w.disabled]


def focus_next_field(current: Widget) -> bool:
    """Move focus to the next field (Input or select); False when `current` is the last one."""
    fields = form_fields(current.screen)
    index = fields.index(current)
    if index + 1 < len(fields):
        fields[index + 1].focus()
        return True
    return False


def focus_next_input(current: Input) -> bool:
    """Enter in an Input: the next field (Input or select); False when it is the last one."""
    return focus_next_field(current)


def show_message(message: Widget) -> None:
    """A form's message (a refusal) scrolled into view once laid out, then the field being typed
    into: the form's frame takes no Tab stop, so keys cannot scroll to either. When the frame
    cannot hold both, the focused field wins (what is typed is never out of sight)."""

    def scroll() -> None:
        message.scroll_visible(animate=False, immediate=True)
        focused = message.screen.focused
        if focused is not None:
            focused.scroll_visible(animate=False, immediate=True)

    message.call_after_refresh(scroll)


def focus_first(widget: Widget) -> None:
    """A form's first field focused as it opens, scrolled only as far as it needs once laid out:
    Textual's own scroll on focus runs before the layout and centres the field, and the title
    and the field's label above it went out of view, where no key (the frame takes no Tab stop)
    can scroll to them."""
    widget.focus(scroll_visible=False)
    widget.call_after_refresh(widget.scroll_visible, animate=False)
