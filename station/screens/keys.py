"""Key names as the footer and F1 show them, in the UI language: "Ctrl+P", "Esc", "回车"."""

from __future__ import annotations

from collections.abc import Callable

ARROWS = {"up": "↑", "down": "↓", "left": "←", "right": "→"}
NAMED = ("enter", "escape", "space", "tab", "backspace", "delete", "insert", "home", "end", "pageup", "pagedown")
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
SYMBOLS = {"minus": "-", "plus": "+", "comma": ",", "full_stop": ".", "slash": "/", "question_mark": "?"}


def key_display(t: Callable[..., str], key: str) -> str:
    """One bound key ("ctrl+p", "shift+tab", "f1", "n") for a person: "Ctrl+P", "Shift+Tab", "F1", "N"."""
    *modifiers, name = key.split("+") if key != "+" else ["+"]
    shown = [t(f"key.{m}") for m in modifiers if m in MODIFIERS]
    if name in ARROWS:
        shown.append(ARROWS[name])
    elif name in NAMED:
        shown.append(t(f"key.{name}"))
    elif name in SYMBOLS:
        shown.append(SYMBOLS[name])
    else:
        shown.append(name.upper() if len(name) <= 3 else name.replace("_", " ").title())
    return "+".join(shown)
