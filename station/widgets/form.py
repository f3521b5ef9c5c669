"""Form helpers: Enter moves to the next field; a label for each field."""

from __future__ import annotations

from typing import TypeVar

from textual.widget import Widget
from textual.widgets import Input, Label

W = TypeVar("W", bound=Widget)


def field(label: str, input_: W) -> tuple[Label, W]:
    """A label above its input (an Input or a Select)."""
    return Label(label, classes="field-label"), input_


def focus_next_input(current: Input) -> bool:
    """Move focus to the next Input on the screen; False when `current` is the last one."""
    inputs = [w for w in current.screen.query(Input) if w.display and not w.disabled]
    index = inputs.index(current)
    if index + 1 < len(inputs):
        inputs[index + 1].focus()
        return True
    return False
