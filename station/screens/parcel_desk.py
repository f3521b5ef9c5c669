"""F2 parcel desk: find what waits for a villager and hand it over; the way to the other lists."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from station.domain.errors import InvalidInput
from station.domain.money import fen_to_yuan_text, parse_yuan
from station.domain.pickup_codes import parse_code
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.check_in import CheckInScreen
from station.screens.complaints import complaint_lines, complaint_marks
from station.screens.dialogs import ConfirmDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.handover_dialogs import TodayHandOversDialog
from station.screens.parcel_lists import NotifyScreen, OverdueScreen
from station.services.common import Session
from station.services.complaints import ComplaintInfo, ComplaintService
from station.services.couriers import CourierService
from station.services.ledger import PAYMENT_METHODS
from station.services.parcel_reports import ParcelReports
from station.services.parcels import ParcelInfo, ParcelService
from station.services.pickup import METHODS, HandOver, HandOverPlan, PickupService
from station.services.purchases import PurchaseService
from station.services.villagers import VillagerService
from station.widgets.footer import Footer
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
    ParcelDeskScreen #desk-ticks { margin: 0 1; }
    ParcelDeskScreen #desk-complaints { margin: 0 1; color: $warning; height: auto; }
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
        couriers: CourierService | None = None,
        complaints: ComplaintService | None = None,
    ) -> None:
        super().__init__()
        self.complaints = complaints
        self.about: dict[int, list[ComplaintInfo]] = {}  # complaints about the shown parcels
        self.couriers = couriers
        self.purchases = purchases
        self.parcels = parcels
        self.pickup = pickup
        self.reports = reports
        self.villagers = villagers
        self.session = session
        self.print_job = print_job
        self.shown: list[ParcelInfo] = []
        self.last_query = ""
        self.refocus_find = False

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
        yield Label("", id="desk-complaints")
        yield Label(self.t("handover.ticked", n=0), id="desk-ticks")
        yield Label(self.t("parcels.desk_hint"), id="desk-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#find").focus()

    def on_screen_suspend(self) -> None:
        # Another area or a list (not a dialog over the desk): coming back starts at the search box.
        self.refocus_find = not isinstance(self.app.screen, ModalScreen)

    def area_key_again(self) -> None:
        """F2 on the desk itself: back to the search box for the next code."""
        self.query_one("#find", Input).focus()

    def on_screen_resume(self) -> None:
        """Back on the desk (F2, Esc from a list): the search box has the focus for the next code."""
        if not self.refocus_find:
            return  # a dialog closed: ticks and cursor stay as they were
        self.refocus_find = False
        self.query_one("#find", Input).focus()
        if self.last_query:
            self.find(self.last_query, quiet=True, keep_focus=True)

    @on(Input.Submitted, "#find")
    def find_submitted(self, event: Input.Submitted) -> None:
        self.find(event.value)
        # The next code scanned replaces this one, even before the answer comes.
        self.query_one("#find", Input).select_all()

    def route_key(self, event: events.Key) -> None:
        """A code scanned (or a name typed) while the list has the focus starts a new search.
        The app asks before it hands each key to the focused widget, in the order they come: the
        focus moves to the search box ahead of the first key, so the whole burst goes there, in
        order, Enter last (moved once the list had the key, the rest of a burst still went to the
        list, and Enter submitted the box before the keys sent on had reached it)."""
        if self.focused is not self.query_one("#waiting") or not event.is_printable:
            return
        if event.character not in (None, " "):  # Space ticks
            self.set_focus(self.query_one("#find", Input))  # it selects the old text: the key replaces it

    def find(self, text: str, *, quiet: bool = False, keep_focus: bool = False) -> None:
        self.last_query = text.strip()
        complaints = self.complaints

        def load():
            found = self.pickup.find_waiting(text)
            about = complaints.about_many("parcel", [p.id for p in found]) if complaints else {}
            return found, about

        self.call_service(
            load,
            lambda loaded: self.show(loaded[0], about=loaded[1], quiet=quiet, keep_focus=keep_focus),
            group="search",
            exclusive=True,
        )

    def show(
        self,
        found: list[ParcelInfo],
        *,
        about: dict[int, list[ComplaintInfo]] | None = None,
        quiet: bool = False,
        keep_focus: bool = False,
    ) -> None:
        self.shown = found
        self.about = about or {}
        table = self.query_one("#waiting", SelectableTable)
        # A code names one person: tick all of theirs. A phone tail may name several people.
        tick = [p.id for p in found] if self._query_is_code() else []
        table.set_rows(((p.id, self.cells(p)) for p in found), tick=tick)
        if keep_focus:
            return
        typed_since = self.query_one("#find", Input).value.strip() != self.last_query
        if found and not typed_since:  # a scanner already typing the next code keeps the box
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
        if p.id in self.about:
            status += " " + complaint_marks(self.t, self.about[p.id])
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

    @on(SelectableTable.RowHighlighted, "#waiting")
    def row_highlighted(self, event: SelectableTable.RowHighlighted) -> None:
        """The complaints about the parcel under the cursor, in full, under the list."""
        parcel = self.shown[event.cursor_row] if event.cursor_row < len(self.shown) else None
        found = self.about.get(parcel.id, []) if parcel else []
        self.query_one("#desk-complaints", Label).update(complaint_lines(self.t, found))

    @on(SelectableTable.TicksChanged, "#waiting")
    def ticks_changed(self, event: SelectableTable.TicksChanged) -> None:
        self.query_one("#desk-ticks", Label).update(self.t("handover.ticked", n=event.count))

    def action_hand_over(self) -> None:
        """First what the hand-over means (who, which codes, what is due), then the proof."""
        table = self.query_one("#waiting", SelectableTable)
        chosen = table.chosen()
        if not chosen:
            self.notify(self.t("parcels.none_selected"), severity="warning")
            return
        self.call_service(
            lambda: self.pickup.plan(chosen), lambda plan: self.confirm_hand_over(plan, bool(table.ticked))
        )

    @work
    async def confirm_hand_over(self, plan: HandOverPlan, ticked: bool) -> None:
        t, sep = self.t, self.t("list.sep")
        several = len(plan.recipients) > 1
        if several and not await self.app.push_screen_wait(
            ConfirmDialog(t("handover.several_people", names=sep.join(plan.recipients), n=len(plan.parcels)))
        ):
            return
        query = self.last_query
        method = "code" if self._query_is_code() else "phone" if query.isdigit() and len(query) == 4 else "id"
        methods = tuple((t(f"pickup.method.{m}"), m) for m in METHODS)
        fields = []
        if plan.charges:  # the money first: it is what must not be missed
            pay_methods = tuple((t(f"method.{m}"), m) for m in PAYMENT_METHODS)
            fields += [
                FormField("amount", t("handover.amount", due_fen=plan.due_fen), fen_to_yuan_text(plan.due_fen)),
                FormField("pay_method", t("utilities.method"), "cash", pay_methods),
            ]
        fields += [
            FormField("method", t("parcels.verify_method"), method, methods),
            FormField("proof", t("parcels.verify_proof"), query if method != "id" else ""),
            FormField("collected_by", t("parcels.collected_by")),
            FormField("reason", t("parcels.override_reason")),
        ]
        title = t(
            "handover.confirm",
            names=sep.join(plan.recipients),
            codes=sep.join(p.pickup_code for p in plan.parcels),
            n=len(plan.parcels),
        )
        title += "\n" + t("handover.ticked_only" if ticked else "handover.cursor_only")
        for charge in plan.charges:
            title += "\n" + t("handover.charge_line", label=charge.label, amount_fen=charge.amount_fen)
        if plan.charges:
            title += "\n" + t("handover.charge_total", amount_fen=plan.due_fen)
        operator, ids = self.session.require, [p.id for p in plan.parcels]
        result: HandOver | None = await self.app.push_screen_wait(
            FormDialog(
                title,
                fields,
                lambda v: self.pickup.hand_over(
                    operator,
                    ids,
                    method=v["method"],
                    proof=v["proof"],
                    collected_by=v["collected_by"],
                    override_reason=v["reason"],
                    paid_fen=parse_yuan(v["amount"]) if "amount" in v else None,
                    pay_method=v.get("pay_method", "cash"),
                    several_people=several,
                ),
                focus="amount" if plan.charges else "proof",  # the title and the money stay in view
                submit_on_enter=True,
            )
        )
        if result is None:
            return
        codes = sep.join(p.pickup_code for p in result.parcels)
        if result.fee_fen:
            self.notify(t("handover.done_paid", n=len(result.parcels), codes=codes, amount_fen=result.fee_fen))
        else:
            self.notify(t("parcels.handed_over", n=len(result.parcels), codes=codes))
        self.print_job(result.job_id)
        find = self.query_one("#find", Input)
        find.clear()
        find.focus()
        self.find(self.last_query, quiet=True, keep_focus=True)

    @work
    async def action_undo(self) -> None:
        """Pick one of today's hand-overs (by code, name or tail), then say why."""
        parcel: ParcelInfo | None = await self.app.push_screen_wait(TodayHandOversDialog(self.pickup))
        if parcel is None:
            return
        operator = self.session.require
        undone = await self.app.push_screen_wait(
            FormDialog(
                self.t("handover.undo_confirm", code=parcel.pickup_code, name=parcel.recipient_display or "-"),
                [FormField("reason", self.t("parcels.undo_reason"))],
                lambda v: self.pickup.undo_hand_over(operator, parcel.id, v["reason"]),
            )
        )
        if undone is not None:
            self.notify(self.t("parcels.undone", code=undone.pickup_code))
            self.find(self.last_query, quiet=True, keep_focus=True)

    def action_check_in(self) -> None:
        self.app.push_screen(CheckInScreen(self.parcels, self.villagers, self.session, self.purchases, self.couriers))

    def action_notify_list(self) -> None:
        self.app.push_screen(NotifyScreen(self.parcels, self.session))

    def action_overdue_list(self) -> None:
        self.app.push_screen(OverdueScreen(self.parcels, self.reports, self.session, self.print_job))
