"""Every key the footer / F1 lists reaches its action, whatever widget has focus.

On every screen (reached by keys, on the demo station) each focusable widget is focused in
turn and every binding of the screen and of the app is pressed. What Textual dispatches is
recorded instead of run; the first dispatched action must be the listed one. A key taken by
a focused widget (an Input's Ctrl+K), by a priority binding (Ctrl+P, the palette) or by the
terminal (Ctrl+I is Tab) fails here.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from station.screens.check_in import CheckInScreen
from station.screens.complaints import ComplaintsScreen
from station.screens.consignments import ConsignmentsScreen
from station.screens.form_dialog import FormDialog
from station.screens.home import HomeScreen
from station.screens.parcel_desk import ParcelDeskScreen
from station.screens.parcel_lists import NotifyScreen, OverdueScreen
from station.screens.print_jobs import PrintJobsScreen
from station.screens.printer_settings import PrinterSettingsScreen
from station.screens.purchases import OrderScreen, PurchasesScreen
from station.screens.reports import ReportsScreen
from station.screens.shift import ShiftScreen
from station.screens.tariffs import TariffsScreen
from station.screens.utilities import UtilitiesScreen
from station.screens.villagers import VillagersScreen
from tests.ui.helpers import log_in, settle, type_text


def listed_bindings(app):
    """(node, key, binding) for what the footer and F1 list: the screen's and the app's own
    (station bindings carry an id; Textual's hidden Screen keys such as Ctrl+C copy do not)."""
    screen = app.screen
    found: dict[str, tuple] = {}
    for node in (screen, app):
        for key, binding in node._bindings:
            if binding.id is None or binding.system or app._check_action_state(binding.action, node) is not True:
                continue
            shown = found.get(key)
            if shown is None or (binding.priority and not shown[2].priority):  # as the footer resolves it
                found[key] = (node, key, binding)
    return list(found.values())


class Recorder:
    """Stands in for App._dispatch_action: remembers what a key would run, runs nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, str, tuple]] = []

    async def __call__(self, namespace, action_name, params) -> bool:
        self.calls.append((namespace, action_name, tuple(params)))
        return True


async def dead_keys(app, pilot, key_pace) -> list[str]:
    """Every listed key pressed with each focusable widget (and nothing) focused. The recorder
    runs nothing, so there is no work to wait for after a key: only for its dispatch."""
    screen = app.screen
    focused_before = app.focused
    recorder = Recorder()
    by_kind = {}  # bindings belong to a widget's class: one widget of each class stands for all
    for widget in screen.focus_chain:
        by_kind.setdefault(type(widget), widget)
    focusables = [None, *by_kind.values()]
    problems = []
    app._dispatch_action = recorder
    try:
        for widget in focusables:
            screen.set_focus(widget)
            await pilot.pause()
            for node, key, binding in listed_bindings(app):
                target, name, params = app._parse_action(binding.action, node)
                recorder.calls.clear()
                before = widget.value if isinstance(widget, Input) else None
                with key_pace.fast():
                    await pilot.press(key)
                if not recorder.calls:  # some keys (Esc, a hotkey over a table) are dispatched a step later
                    await pilot.pause()
                if isinstance(widget, Input):
                    widget.value = before
                got = recorder.calls[0] if recorder.calls else None
                if got is None or got[0] is not target or got[1] != name or got[2] != tuple(params):
                    where = f"#{widget.id}" if widget is not None and widget.id else type(widget).__name__
                    ran = f"{type(got[0]).__name__}.{got[1]}" if got else "nothing"
                    problems.append(f"{type(screen).__name__} focus={where} {key} → {ran}, not {binding.action}")
    finally:
        del app._dispatch_action
    screen.set_focus(focused_before)
    await pilot.pause()
    return problems


async def visit(app, pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot)


@pytest.mark.timeout(600)
async def test_every_listed_key_reaches_its_action_on_every_screen(make, demo_db, key_pace):
    app = make()
    problems: list[str] = []
    seen: list[type] = []

    async def check(expected: type) -> None:
        assert isinstance(app.screen, expected), (expected, app.screen)
        seen.append(expected)
        problems.extend(await dead_keys(app, pilot, key_pace))

    async with app.run_test(size=(160, 45)) as pilot:
        await log_in(app, pilot)
        await check(HomeScreen)
        await visit(app, pilot, "f2")
        await check(ParcelDeskScreen)
        await visit(app, pilot, "ctrl+n")
        await check(CheckInScreen)
        await type_text(pilot, "1")
        await visit(app, pilot, "enter")
        await type_text(pilot, "1")
        await visit(app, pilot, "enter", "enter")  # courier left open: the batch starts, scanning
        assert not app.screen.query_one("#scan").disabled
        await check(CheckInScreen)
        await visit(app, pilot, "escape", "ctrl+t")
        await check(NotifyScreen)
        await visit(app, pilot, "escape", "ctrl+o")
        await check(OverdueScreen)
        await visit(app, pilot, "escape", "f3")
        await check(PurchasesScreen)
        await visit(app, pilot, "enter")
        await check(OrderScreen)
        await visit(app, pilot, "ctrl+g")
        await check(FormDialog)
        await visit(app, pilot, "escape", "f4")
        await check(ConsignmentsScreen)
        await visit(app, pilot, "f5")
        await check(UtilitiesScreen)
        await visit(app, pilot, "ctrl+t")
        await check(TariffsScreen)
        await visit(app, pilot, "escape", "f6")
        await check(VillagersScreen)
        await visit(app, pilot, "f7")
        await check(ReportsScreen)
        await visit(app, pilot, "f8")
        await check(ShiftScreen)
        await visit(app, pilot, "ctrl+y")
        await check(ComplaintsScreen)
        await visit(app, pilot, "escape", "ctrl+r")
        await check(PrintJobsScreen)
        await visit(app, pilot, "escape", "ctrl+k")
        await check(PrinterSettingsScreen)
    assert problems == [], "\n".join(problems)


async def test_the_recorder_sees_a_shadowed_key(make, demo_db, key_pace):
    """The check itself can fail: an Input's own Ctrl+K is reported when the app's is not priority."""
    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await log_in(app, pilot)
        await visit(app, pilot, "f3")
        for _, binding in app._bindings:
            if binding.key == "ctrl+k":
                object.__setattr__(binding, "priority", False)
        problems = await dead_keys(app, pilot, key_pace)
    assert any("focus=#filter ctrl+k → Input.delete_right_all" in p for p in problems), problems
