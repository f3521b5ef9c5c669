"""F2 parcel desk: find what waits for a villager and hand it over; the way to the other lists."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Footer, Input, Label

from station.domain.errors import InvalidInput
from station.domain.pickup_codes import parse_code
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.check_in import CheckInScreen
from station.screens.form_dialog import FormDialog, FormField
from station.screens.parcel_lists import NotifyScreen, OverdueScreen
from station.services.common import Session
from station.services.parcel_reports import ParcelReports
from station.services.parcels import ParcelInfo, ParcelService
from station.services.pickup import METHODS, HandOver, PickupService
from station.services.purchases import PurchaseService
from station.services.villagers import VillagerService
from station.widgets.selectable_table import SelectableTable
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("parcels.hand_over", "f10", "hand_over", "parcels.hand_over", "parcels.hand_over_help"),
    StationAction("parcels.check_in", "ctrl+n", "check_in", "parcels.check_in", "parcels.check_in_help"),
    StationAction("parcels.notify", "ctrl+t", "notify_list", "parcels.notify", "parcels.notify_help"),
    StationAction("parcels.overdue", "ctrl+o", "overdue_list", "parcels.overdue", "parcels.overdue_help"),
    StationAction("parcels.undo", "ctrl+z", "undo", "parcels.undo", "parcels.undo_help"),
    StationAction("parcels.find", "ctrl+f", "focus_find", "parcels.find", "parcels.find_help"),
)


class ParcelDeskScreen(StationScreen):
    DEFAULT_CSS = """
    ParcelDeskScreen #find { margin: 0 1; }
    ParcelDeskScreen #waiting { height: 1fr; margin: 0 1; }
    ParcelDeskScreen #desk-hint { margin: 0 1; color: $text-muted; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(
        self,
        parcels: ParcelService,
        pickup: PickupService,
        reports: ParcelReports,
        villagers: VillagerService,
        session: Session,
        print_job,
        purchases: PurchaseService | None = None,
    ) -> None:
        super().__init__()
        self.purchases = purchases
        self.parcels = parcels
        self.pickup = pickup
        self.reports = reports
        self.villagers = villagers
        self.session = session
        self.print_job = print_job
        self.shown: list[ParcelInfo] = []
        self.last_query = ""

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("parcels.desk_title"), classes="title")
        yield Input(placeholder=self.t("parcels.find_placeholder"), id="find")
        table = SelectableTable(id="waiting")
        table.add_columns(
            "",
            self.t("parcels.col_code"),
            self.t("parcels.col_recipient"),
            self.t("parcels.col_carrier"),
            self.t("parcels.col_tracking"),
            self.t("parcels.col_since"),
            self.t("parcels.col_status"),
        )
        yield table
        yield Label(self.t("parcels.desk_hint"), id="desk-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#find").focus()

    def on_screen_resume(self) -> None:
        if self.last_query:
            self.find(self.last_query, quiet=True)

    @on(Input.Submitted, "#find")
    def find_submitted(self, event: Input.Submitted) -> None:
        self.find(event.value)

    def find(self, text: str, *, quiet: bool = False) -> None:
        self.last_query = text.strip()
        self.call_service(
            lambda: self.pickup.find_waiting(text),
            lambda found: self.show(found, quiet=quiet),
            group="search",
            exclusive=True,
        )

    def show(self, found: list[ParcelInfo], *, quiet: bool = False) -> None:
        self.shown = found
        table = self.query_one("#waiting", SelectableTable)
        # A code names one person: tick all of theirs. A phone tail may name several people.
        tick = [p.id for p in found] if self._query_is_code() else []
        table.set_rows(((p.id, self.cells(p)) for p in found), tick=tick)
        if found:
            table.focus()
        elif quiet:
            self.query_one("#find").focus()
        else:
            self.notify(self.t("parcels.nothing_waiting", query=self.last_query), severity="warning")

    def _query_is_code(self) -> bool:
        try:
            parse_code(self.last_query)
        except InvalidInput:
            return False
        return True

    def cells(self, p: ParcelInfo) -> tuple[str, ...]:
        status = self.t(f"parcels.status.{p.status}")
        if p.consent is False:
            status += " " + self.t("parcels.consent_refused")
        if p.damaged:
            status += " " + self.t("parcels.damaged_mark")
        if p.purchase_id:
            status += " " + self.t("parcels.order_mark", no=p.purchase_id)
        return (
            p.pickup_code,
            p.recipient_display or "-",
            self.t(f"carrier.{p.carrier or 'unknown'}"),
            p.tracking_no,
            p.checked_in_at.strftime("%m-%d %H:%M"),
            status,
        )

    def action_focus_find(self) -> None:
        self.query_one("#find", Input).focus()

    @on(SelectableTable.RowSelected, "#waiting")
    def row_entered(self) -> None:
        """Enter on the list hands over (what is ticked, or the row under the cursor)."""
        self.action_hand_over()

    @work
    async def action_hand_over(self) -> None:
        chosen = self.query_one("#waiting", SelectableTable).chosen()
        if not chosen:
            self.notify(self.t("parcels.none_selected"), severity="warning")
            return
        query = self.last_query
        method = "code" if self._query_is_code() else "phone" if query.isdigit() and len(query) == 4 else "id"
        methods = tuple((self.t(f"pickup.method.{m}"), m) for m in METHODS)
        operator = self.session.require
        result: HandOver | None = await self.app.push_screen_wait(
            FormDialog(
                self.t("parcels.hand_over_title", n=len(chosen)),
                [
                    FormField("method", self.t("parcels.verify_method"), method, methods),
                    FormField("proof", self.t("parcels.verify_proof"), query if method != "id" else ""),
                    FormField("collected_by", self.t("parcels.collected_by")),
                    FormField("reason", self.t("parcels.override_reason")),
                ],
                lambda v: self.pickup.hand_over(
                    operator,
                    chosen,
                    method=v["method"],
                    proof=v["proof"],
                    collected_by=v["collected_by"],
                    override_reason=v["reason"],
                ),
                focus="proof",
                submit_on_enter=True,
            )
        )
        if result is None:
            return
        self.notify(
            self.t("parcels.handed_over", n=len(result.parcels), codes=", ".join(p.pickup_code for p in result.parcels))
        )
        self.print_job(result.job_id)
        self.find(self.last_query, quiet=True)

    @work
    async def action_undo(self) -> None:
        operator = self.session.require
        undone = await self.app.push_screen_wait(
            FormDialog(
                self.t("parcels.undo_title"),
                [
                    FormField("tracking", self.t("parcels.col_tracking")),
                    FormField("reason", self.t("parcels.undo_reason")),
                ],
                lambda v: self.pickup.undo_hand_over(operator, self._handed_over_id(v["tracking"]), v["reason"]),
            )
        )
        if undone is not None:
            self.notify(self.t("parcels.undone", code=undone.pickup_code))

    def _handed_over_id(self, tracking: str) -> int:
        """Runs in the worker: the parcel handed over today with this tracking number."""
        return self.pickup.handed_over_today(tracking).id

    def action_check_in(self) -> None:
        self.app.push_screen(CheckInScreen(self.parcels, self.villagers, self.session, self.purchases))

    def action_notify_list(self) -> None:
        self.app.push_screen(NotifyScreen(self.parcels, self.session))

    def action_overdue_list(self) -> None:
        self.app.push_screen(OverdueScreen(self.parcels, self.reports, self.session, self.print_job))
