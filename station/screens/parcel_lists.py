"""Parcel lists: not yet notified (mark many at once), and overdue (re-notify, return)."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Label

from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.form_dialog import FormDialog, FormField
from station.services.common import Session
from station.services.parcel_reports import OverdueParcel, ParcelReports, ReturnBatch
from station.services.parcels import CHANNELS, ParcelInfo, ParcelService
from station.widgets.footer import Footer
from station.widgets.selectable_table import SelectableTable
from station.widgets.status_line import StatusLine

CONSENT = {"yes": True, "no": False, "unknown": None}


def notice_fields(t) -> list[FormField]:
    return [
        FormField("channel", t("parcels.channel"), "phone", tuple((t(f"channel.{c}"), c) for c in CHANNELS)),
        FormField("consent", t("parcels.consent"), "yes", tuple((t(f"consent.{k}"), k) for k in CONSENT)),
        FormField("note", t("parcels.notice_note")),
    ]


class ParcelListScreen(StationScreen):
    """A tickable list of parcels with a title and a hint."""

    DEFAULT_CSS = """
    ParcelListScreen #parcels { height: 1fr; margin: 0 1; }
    ParcelListScreen #list-hint { margin: 0 1; color: $text-muted; }
    ParcelListScreen #list-why { margin: 0 1; color: $warning; height: auto; }
    ParcelListScreen #list-ticks { margin: 0 1; }
    """
    title_key = ""
    hint_key = ""
    columns: tuple[str, ...] = ()
    parcels: ParcelService  # set by each list's __init__
    session: Session

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t(self.title_key), classes="title", id="list-title")
        table = SelectableTable(id="parcels")
        table.add_columns("", *(self.t(c) for c in self.columns))
        yield table
        yield Label("", id="list-why")
        yield Label(self.t("handover.ticked", n=0), id="list-ticks")
        yield Label(self.t(self.hint_key), id="list-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#parcels").focus()
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    @on(SelectableTable.TicksChanged, "#parcels")
    def ticks_changed(self, event: SelectableTable.TicksChanged) -> None:
        self.query_one("#list-ticks", Label).update(self.t("handover.ticked", n=event.count))

    @property
    def table(self) -> SelectableTable:
        return self.query_one("#parcels", SelectableTable)

    async def record_notice(self) -> None:
        """Ask how the ticked parcels' villagers were told (and their consent); record it."""
        chosen = self.table.chosen()
        if not chosen:
            return
        operator = self.session.require
        marked = await self.app.push_screen_wait(
            FormDialog(
                self.t("notify.dialog_title", n=len(chosen)),
                notice_fields(self.t),
                lambda v: self.parcels.mark_notified(
                    operator, chosen, channel=v["channel"], consent=CONSENT[v["consent"]], note=v["note"]
                ),
            )
        )
        if marked is not None:
            self.notify(self.t("notify.done", n=len(marked)))
            self.reload()

    def parcel_cells(self, p: ParcelInfo) -> tuple[str, ...]:
        return (
            p.pickup_code,
            p.recipient_display or self.t("handover.no_recipient_mark"),
            self.t(f"carrier.{p.carrier or 'unknown'}"),
            p.tracking_no,
            p.checked_in_at.strftime("%m-%d %H:%M"),
        )


class NotifyScreen(ParcelListScreen):
    ACTIONS = (StationAction("notify.mark", "n", "mark", "notify.mark", "notify.mark_help"),)
    BINDINGS = bindings_for(ACTIONS)
    title_key = "notify.title"
    hint_key = "notify.hint"
    columns = (
        "parcels.col_code",
        "parcels.col_recipient",
        "parcels.col_carrier",
        "parcels.col_tracking",
        "parcels.col_since",
    )

    def __init__(self, parcels: ParcelService, session: Session) -> None:
        super().__init__()
        self.parcels = parcels
        self.session = session

    def reload(self) -> None:
        self.call_service(self.parcels.unnotified, self.show)

    def show(self, found: list[ParcelInfo]) -> None:
        self.table.set_rows((p.id, self.parcel_cells(p)) for p in found)
        self.query_one("#list-title", Label).update(self.t("notify.title_n", n=len(found)))
        nobody = sum(1 for p in found if not p.has_recipient)
        self.query_one("#list-why", Label).update(
            self.t("handover.notify_without_recipient", n=nobody) if nobody else ""
        )

    @work
    async def action_mark(self) -> None:
        await self.record_notice()


class OverdueScreen(ParcelListScreen):
    ACTIONS = (
        StationAction("overdue.renotify", "ctrl+t", "renotify", "overdue.renotify", "overdue.renotify_help"),
        StationAction("overdue.return", "ctrl+b", "return_batch", "overdue.return", "overdue.return_help"),
    )
    BINDINGS = bindings_for(ACTIONS)
    title_key = "overdue.title"
    hint_key = "overdue.hint"
    columns = (
        "parcels.col_days",
        "parcels.col_code",
        "parcels.col_recipient",
        "parcels.col_carrier",
        "parcels.col_tracking",
        "parcels.col_since",
    )

    def __init__(self, parcels: ParcelService, reports: ParcelReports, session: Session, print_job) -> None:
        super().__init__()
        self.parcels = parcels
        self.reports = reports
        self.session = session
        self.print_job = print_job

    def reload(self) -> None:
        self.call_service(self.reports.overdue, self.show)

    def show(self, found: list[OverdueParcel]) -> None:
        rows = [
            (o.parcel.id, (self.t("overdue.days", days=o.days, bucket=o.bucket), *self.parcel_cells(o.parcel)))
            for o in sorted(found, key=lambda o: -o.days)
        ]
        self.table.set_rows(rows)
        self.query_one("#list-title", Label).update(self.t("overdue.title_n", n=len(found)))

    @work
    async def action_renotify(self) -> None:
        await self.record_notice()

    @work
    async def action_return_batch(self) -> None:
        chosen = self.table.chosen()
        if not chosen:
            return
        operator = self.session.require
        returned: tuple[ReturnBatch, Path] | None = await self.app.push_screen_wait(
            FormDialog(
                self.t("overdue.return_title", n=len(chosen)),
                [
                    FormField("count", self.t("overdue.confirm_count", n=len(chosen))),
                    FormField("courier", self.t("returns.courier")),
                ],
                lambda v: self.reports.return_with_list(operator, chosen, count_text=v["count"], courier=v["courier"]),
            )
        )
        if returned is not None:
            batch, path = returned
            self.notify(self.t("overdue.returned", n=len(batch.parcels), batch=batch.batch_no, path=str(path)))
            self.print_job(batch.job_id)
            self.reload()
