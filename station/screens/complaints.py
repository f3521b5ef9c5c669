"""The complaints register: open complaints first; register, add a handling step, close."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.form_dialog import FormDialog, FormField
from station.screens.villager_picker import VillagerPickerDialog
from station.services.common import Session
from station.services.complaints import CATEGORIES, CHANNELS, ComplaintInfo, ComplaintService, Link
from station.services.villagers import VillagerService
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("complaints.new", "ctrl+n", "register", "complaints.new", "complaints.new_help"),
    StationAction("complaints.step", "ctrl+s", "step", "complaints.step", "complaints.step_help"),
    StationAction("complaints.close", "ctrl+e", "close", "complaints.close", "complaints.close_help"),
)


def link_label(t, link: Link | None) -> str:
    """ "订单 #12 电饭煲" — what a complaint is about, for lists and pickers."""
    return t(f"complaint.link.{link.kind}", text=link.text) if link else "-"


def complaint_marks(t, found: list[ComplaintInfo]) -> str:
    """ "投诉 #3" for each complaint about a row of a list (a parcel, a lot)."""
    return " ".join(t("complaint.mark", no=c.id) for c in found)


def complaint_lines(t, found: list[ComplaintInfo]) -> str:
    """ "投诉 #3（处理中）：盒子压坏了" — one line each, shown with the parcel, order or lot."""
    return "\n".join(
        t("complaint.on_record", no=c.id, text=c.text, status_key=f"complaints.status.{c.status}") for c in found
    )


class ComplaintsScreen(StationScreen):
    DEFAULT_CSS = "ComplaintsScreen #complaints { height: 1fr; margin: 0 1; }"
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, complaints: ComplaintService, villagers: VillagerService, session: Session) -> None:
        super().__init__()
        self.complaints = complaints
        self.villagers = villagers
        self.session = session
        self.shown: list[ComplaintInfo] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("complaints.title"), classes="title")
        table: DataTable[str] = DataTable(id="complaints", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            *(
                self.t(k)
                for k in (
                    "complaints.col_date",
                    "villagers.name",
                    "complaints.col_category",
                    "complaints.col_text",
                    "complaint.col_about",
                    "complaints.col_status",
                    "complaints.col_hours",
                )
            )
        )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#complaints").focus()
        self.reload()

    def reload(self) -> None:
        self.call_service(self.complaints.list, self.show)

    def show(self, found: list[ComplaintInfo]) -> None:
        self.shown = sorted(found, key=lambda c: (c.status != "open", -c.id))
        table = self.query_one("#complaints", DataTable)
        table.clear()
        for c in self.shown:
            table.add_row(
                f"{c.opened_at:%m-%d %H:%M}",
                c.villager_name or "-",
                self.t(f"complaint.category.{c.category}"),
                c.text,
                link_label(self.t, c.link),
                self.t(f"complaints.status.{c.status}"),
                "" if c.hours_to_resolve is None else str(c.hours_to_resolve),
            )

    def selected(self) -> ComplaintInfo | None:
        row = self.query_one("#complaints", DataTable).cursor_row
        return self.shown[row] if self.shown and row < len(self.shown) else None

    @work
    async def action_register(self) -> None:
        villager = await self.app.push_screen_wait(VillagerPickerDialog(self.villagers))
        op, t = self.session.require, self.t
        links = []
        if villager is not None:
            links = await self.run_worker(
                lambda: self.complaints.link_candidates(villager.id), thread=True, group="db", exit_on_error=False
            ).wait()
        about = ((t("complaint.about_nothing"), ""), *((link_label(t, link), link.value) for link in links or ()))
        registered = await self.app.push_screen_wait(
            FormDialog(
                t("complaints.new_title"),
                [
                    FormField(
                        "category",
                        t("complaints.col_category"),
                        "parcel_damaged",
                        tuple((t(f"complaint.category.{c}"), c) for c in CATEGORIES),
                    ),
                    FormField(
                        "channel",
                        t("complaints.channel"),
                        "in_person",
                        tuple((t(f"complaint.channel.{c}"), c) for c in CHANNELS),
                    ),
                    FormField("about", t("complaint.col_about"), "", about),
                    FormField("text", t("complaints.col_text")),
                ],
                lambda v: self.complaints.register(
                    op,
                    channel=v["channel"],
                    category=v["category"],
                    text=v["text"],
                    villager_id=villager.id if villager else None,
                    link=v["about"],
                ),
                focus="text",
            )
        )
        if registered is not None:
            self.reload()

    @work
    async def action_step(self) -> None:
        complaint, op = self.selected(), self.session.require
        if complaint is None:
            return
        if (
            await self.app.push_screen_wait(
                FormDialog(
                    self.t("complaints.step_title"),
                    [FormField("note", self.t("complaints.step"))],
                    lambda v: self.complaints.add_step(op, complaint.id, v["note"]),
                )
            )
            is not None
        ):
            self.reload()

    @work
    async def action_close(self) -> None:
        complaint, op = self.selected(), self.session.require
        if complaint is None:
            return
        if (
            await self.app.push_screen_wait(
                FormDialog(
                    self.t("complaints.close_title"),
                    [FormField("outcome", self.t("complaints.outcome"))],
                    lambda v: self.complaints.close(op, complaint.id, v["outcome"]),
                )
            )
            is not None
        ):
            self.reload()
