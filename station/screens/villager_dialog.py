"""Add or edit a villager; warns about a possible duplicate before saving it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from station.domain.errors import StationError
from station.screens.base import StationDialog
from station.screens.dialogs import ConfirmDialog
from station.services.common import Session
from station.services.villagers import PossibleDuplicate, VillagerInfo, VillagerService
from station.widgets.form import field, focus_next_input


class VillagerDialog(StationDialog[VillagerInfo | None]):
    BINDINGS = [Binding("escape", "cancel", "dialog.cancel", id="dialog.cancel")]

    def __init__(
        self,
        villagers: VillagerService,
        session: Session,
        existing: VillagerInfo | None = None,
        *,
        name: str = "",
        phone: str = "",
    ) -> None:
        super().__init__()
        self.villagers = villagers
        self.session = session
        self.existing = existing
        self.initial_name = existing.name if existing else name
        self.initial_phone = existing.phone if existing else phone

    def compose(self) -> ComposeResult:
        title = "villagers.edit_title" if self.existing else "villagers.add_title"
        with Vertical(id="dialog"):
            yield Label(self.t(title), classes="title")
            yield from field(self.t("villagers.name"), Input(self.initial_name, id="name"))
            yield from field(self.t("villagers.phone"), Input(self.initial_phone, id="phone"))
            yield from field(
                self.t("villagers.group"),
                Input(self.existing.village_group if self.existing else "", id="group"),
            )
            yield from field(self.t("villagers.note"), Input(self.existing.note if self.existing else "", id="note"))
            yield Label(self.t("villagers.form_hint"), classes="hint")
            yield Label("", id="form-message", classes="message")

    def on_mount(self) -> None:
        self.query_one("#name").focus()

    @on(Input.Submitted)
    def next_field_or_save(self, event: Input.Submitted) -> None:
        if not focus_next_input(event.input):
            self.save(allow_duplicate=False)

    def _save_call(self, allow_duplicate: bool):
        name, phone, group, note = (self.query_one(f"#{i}", Input).value for i in ("name", "phone", "group", "note"))
        operator, existing, villagers = self.session.require, self.existing, self.villagers
        if existing:
            return lambda: villagers.update(
                operator,
                existing.id,
                name=name,
                phone=phone,
                village_group=group,
                note=note,
                allow_duplicate=allow_duplicate,
            )
        return lambda: villagers.add(
            operator, name=name, phone=phone, village_group=group, note=note, allow_duplicate=allow_duplicate
        )

    def save(self, *, allow_duplicate: bool) -> None:
        self.call_service(self._save_call(allow_duplicate), self.dismiss, self.refused)

    def refused(self, error: StationError) -> None:
        if isinstance(error, PossibleDuplicate):
            self.confirm_duplicate(error)
            return
        self.app.bell()
        self.query_one("#form-message", Label).update(self.app.t.error(error))

    @work
    async def confirm_duplicate(self, error: PossibleDuplicate) -> None:
        if await self.app.push_screen_wait(ConfirmDialog(self.app.t.error(error))):
            self.save(allow_duplicate=True)

    def action_cancel(self) -> None:
        self.dismiss(None)
