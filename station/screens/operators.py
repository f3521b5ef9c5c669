"""Operators (F8 → Ctrl+U): a partner adds an assistant or auditor, resets a PIN, unlocks or
deactivates an operator; anyone changes their own PIN here. Every change is audit-logged by
the operator service, which also checks the permission table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from station.domain.errors import InvalidInput
from station.domain.permissions import ROLES
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog, FormField
from station.services.common import Session
from station.services.operators import OperatorRow, OperatorService
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from station.app import StationApp

ACTIONS = (
    StationAction("operators.add", "ctrl+n", "add", "operators.add", "operators.add_help"),
    StationAction("operators.reset_pin", "ctrl+e", "reset_pin", "operators.reset_pin", "operators.reset_pin_help"),
    StationAction("operators.unlock", "ctrl+u", "unlock", "operators.unlock", "operators.unlock_help"),
    StationAction("operators.deactivate", "ctrl+d", "deactivate", "operators.deactivate", "operators.deactivate_help"),
    StationAction("operators.own_pin", "ctrl+o", "own_pin", "operators.own_pin", "operators.own_pin_help"),
)


def pin_fields(t) -> list[FormField]:
    return [
        FormField("pin", t("operators.new_pin"), password=True),
        FormField("again", t("operators.new_pin_again"), password=True),
    ]


def _new_pin(values: dict) -> str:
    if values["pin"] != values["again"]:
        raise InvalidInput("access.pins_differ")
    return values["pin"]


class OperatorsScreen(StationScreen):
    DEFAULT_CSS = "OperatorsScreen #operators { height: 1fr; margin: 0 1; }"
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, operators: OperatorService, session: Session) -> None:
        super().__init__()
        self.operators = operators
        self.session = session
        self.shown: list[OperatorRow] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("operators.title"), classes="title")
        table: DataTable[str] = DataTable(id="operators", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            self.t("login.operator"),
            self.t("operators.col_role"),
            self.t("operators.col_state"),
            self.t("operators.col_lock"),
        )
        yield table
        yield Label("", id="operators-message", classes="message")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#operators").focus()
        self.reload()

    def reload(self) -> None:
        op = self.session.require
        self.call_service(lambda: self.operators.list_all(op), self.show, self.refused)

    def refused(self, error) -> None:
        self.app.bell()
        self.query_one("#operators-message", Label).update(self.app.t.error(error))

    def show(self, rows: list[OperatorRow]) -> None:
        self.shown = rows
        table = self.query_one("#operators", DataTable)
        keep = table.cursor_row  # after a change the cursor stays on the same line
        table.clear()
        for row in rows:
            table.add_row(
                row.name,
                self.t(f"role.{row.role}"),
                self.t("access.state_active" if row.active else "access.state_inactive"),
                f"{row.locked_until:%m-%d %H:%M}" if row.locked_until else "",
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))

    def selected(self) -> OperatorRow | None:
        row = self.query_one("#operators", DataTable).cursor_row
        return self.shown[row] if self.shown and row < len(self.shown) else None

    @work
    async def action_add(self) -> None:
        op, t = self.session.require, self.t
        added = await self.app.push_screen_wait(
            FormDialog(
                t("operators.add_title"),
                [
                    FormField("name", t("login.operator")),
                    FormField("role", t("operators.col_role"), "assistant", tuple((t(f"role.{r}"), r) for r in ROLES)),
                    *pin_fields(t),
                ],
                lambda v: self.operators.add_operator(op, name=v["name"], role=v["role"], pin=_new_pin(v)),
            )
        )
        if added is not None:
            self.notify(t("access.added", name=added.name, role_key=f"role.{added.role}"))
            self.reload()

    @work
    async def action_reset_pin(self) -> None:
        target, op = self.selected(), self.session.require
        if target is None:
            return
        done = await self.app.push_screen_wait(
            FormDialog(
                self.t("operators.reset_title", name=target.name),
                pin_fields(self.t),
                lambda v: self.operators.reset_pin(op, target.id, _new_pin(v)),
            )
        )
        if done is not None:
            self.notify(self.t("access.pin_reset", name=target.name))
            self.reload()

    def action_unlock(self) -> None:
        target, op = self.selected(), self.session.require
        if target is not None:
            self.call_service(
                lambda: self.operators.unlock(op, target.id),
                lambda _: self.done("access.unlocked", target),
                self.refused,
            )

    @work
    async def action_deactivate(self) -> None:
        target, op = self.selected(), self.session.require
        if target is None or not target.active:
            return
        if await self.app.push_screen_wait(ConfirmDialog(self.t("operators.deactivate_question", name=target.name))):
            self.call_service(
                lambda: self.operators.deactivate(op, target.id),
                lambda _: self.done("access.deactivated", target),
                self.refused,
            )

    def done(self, key: str, target: OperatorRow) -> None:
        self.notify(self.t(key, name=target.name))
        self.reload()

    @work
    async def action_own_pin(self) -> None:
        await change_own_pin(self.app, self.operators, self.session)


async def change_own_pin(app: StationApp, operators: OperatorService, session: Session) -> bool:
    """The logged-in operator changes their PIN (old PIN, new twice); True when changed."""
    op, t = session.require, app.t
    changed = await app.push_screen_wait(
        FormDialog(
            t("operators.own_pin_title", name=op.name),
            [FormField("old", t("operators.old_pin"), password=True), *pin_fields(t)],
            lambda v: operators.change_own_pin(op.id, v["old"], _new_pin(v)),
        )
    )
    if changed is None:
        return False
    session.operator = changed
    app.notify(t("access.pin_changed", name=op.name))
    return True
