"""The one table of station actions: bindings, footer and command palette all read it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class StationAction:
    id: str  # binding id, also the keymap key: "nav.parcels"
    key: str
    action: str  # app action string
    label: str  # catalogue key
    help: str  # catalogue key for the palette


AREAS = (
    # mode, key
    ("home", "f9"),
    ("parcels", "f2"),
    ("purchases", "f3"),
    ("consignments", "f4"),
    ("utilities", "f5"),
    ("villagers", "f6"),
    ("reports", "f7"),
    ("shift", "f8"),
    ("couriers", "f11"),
)

APP_ACTIONS: tuple[StationAction, ...] = (
    *(StationAction(f"nav.{mode}", key, f"goto('{mode}')", f"nav.{mode}", f"nav.{mode}_help") for mode, key in AREAS),
    StationAction("nav.help", "f1", "toggle_help", "nav.help", "nav.help_help"),
    StationAction("nav.print_jobs", "ctrl+r", "print_jobs", "nav.print_jobs", "nav.print_jobs_help"),
    StationAction("nav.printer", "ctrl+k", "printer_settings", "nav.printer", "nav.printer_help"),
    StationAction("nav.back", "escape", "go_back", "nav.back", "nav.back_help"),
    StationAction("nav.logout", "ctrl+l", "logout", "nav.logout", "nav.logout_help"),
    StationAction("nav.quit", "ctrl+q", "quit", "nav.quit", "nav.quit_help"),
)


def outranks_widgets(key: str) -> bool:
    """Ctrl, function and page keys outrank a focused widget's own binding of the same key.

    An Input binds Ctrl+A/D/E/F/K/U/W/X to editing and a table PgUp/PgDn to scrolling; a
    station key listed in the footer must reach its action whatever has focus, so these are
    priority bindings. Plain letters and Esc are not: in an input they are typed.
    """
    return any(
        part.startswith("ctrl+") or part in ("pageup", "pagedown") or re.fullmatch(r"f[0-9]+", part)
        for part in key.split(",")
    )


def bindings_for(actions: tuple[StationAction, ...]) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """Typed as Textual's BINDINGS class variable is, so screens can assign it."""
    return [
        Binding(a.key, a.action, a.label, id=a.id, show=a.id != "nav.back", priority=outranks_widgets(a.key))
        for a in actions
    ]


def app_actions(available_modes: set[str]) -> tuple[StationAction, ...]:
    """The app-wide actions, without the areas that are not built."""
    areas = {f"nav.{mode}" for mode, _ in AREAS}
    return tuple(a for a in APP_ACTIONS if a.id not in areas or a.id[4:] in available_modes)
