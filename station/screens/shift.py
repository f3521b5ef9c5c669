"""F8 shift and day: open and close the shift, hand over by PIN, close the day, back up,
reverse a posting (with approval), the audit log and the complaints register."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from station.domain.errors import StationError
from station.domain.money import format_fen, parse_yuan
from station.domain.periods import parse_date
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.dialogs import ConfirmDialog, InfoDialog, PinDialog
from station.screens.form_dialog import FormDialog, FormField
from station.screens.keys import key_display
from station.services.common import OperatorInfo, Session
from station.services.ledger import JournalRow, LedgerService, ReversalPlan, clean_reason
from station.services.shifts import ShiftInfo

if TYPE_CHECKING:
    from station.services.audit import AuditLog
    from station.services.backup import BackupService
    from station.services.complaints import ComplaintService
    from station.services.day_close import DayCloseService
    from station.services.ledger_labels import LedgerLabels
    from station.services.operators import OperatorService
    from station.services.shifts import ShiftService
    from station.services.villagers import VillagerService
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("shift.open", "ctrl+o", "open_shift", "shift.open", "shift.open_help"),
    StationAction("shift.close", "ctrl+e", "close_shift", "shift.close", "shift.close_help"),
    StationAction("shift.day_close", "ctrl+d", "close_day", "shift.day_close", "shift.day_close_help"),
    StationAction("shift.backup", "ctrl+b", "backup", "shift.backup", "shift.backup_help"),
    StationAction("backup.restore", "ctrl+t", "restore", "backup.restore", "backup.restore_help"),
    StationAction("shift.reverse", "ctrl+z", "reverse", "shift.reverse", "shift.reverse_help"),
    StationAction("shift.audit", "ctrl+a", "audit_log", "shift.audit", "shift.audit_help"),
    StationAction("shift.complaints", "ctrl+y", "complaints", "shift.complaints", "shift.complaints_help"),
    StationAction("shift.operators", "ctrl+u", "operators", "shift.operators", "shift.operators_help"),
)


class ShiftScreen(StationScreen):
    DEFAULT_CSS = """
    ShiftScreen #shift-body { margin: 1 2; height: auto; }
    ShiftScreen #journal { height: 1fr; margin: 0 1; }
    ShiftScreen #shift-keys { margin: 0 1; color: $text-muted; height: auto; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(
        self,
        *,
        shifts: ShiftService,
        ledger: LedgerService,
        ledger_labels: LedgerLabels,
        day_close: DayCloseService,
        backup: BackupService,
        operators: OperatorService,
        audit: AuditLog,
        complaints: ComplaintService,
        villagers: VillagerService,
        session: Session,
        print_job,
    ) -> None:
        super().__init__()
        self.shifts = shifts
        self.ledger = ledger
        self.ledger_labels = ledger_labels
        self.day_close = day_close
        self.backup = backup
        self.operators = operators
        self.audit = audit
        self.complaints = complaints
        self.villagers = villagers
        self.session = session
        self.print_job = print_job
        self.postings: list[int] = []

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("shift.title"), classes="title")
        yield Label("", id="shift-body")
        yield Label(self.t("shift.journal_title"), classes="title")
        table: DataTable[str] = DataTable(id="journal", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            self.t("shift.col_txn"),
            self.t("receipt.time"),
            self.t("shift.col_kind"),
            self.t("shift.col_ref"),
            self.t("shift.col_amount"),
            self.t("shift.col_reversed"),
        )
        yield table
        # More keys than a 100-column footer holds: all of them here, wrapped.
        yield Label(" · ".join(f"{key_display(self.t, a.key)} {self.t(a.label)}" for a in ACTIONS), id="shift-keys")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#journal").focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        shifts, ledger, labels = self.shifts, self.ledger, self.ledger_labels

        def load() -> tuple[ShiftInfo | None, list[JournalRow], dict[str, str]]:
            journal = ledger.journal()
            return shifts.current(), journal, {row.posting.ref: labels.ref(row.posting.ref) for row in journal}

        self.call_service(load, self.show)

    def show(self, found: tuple[ShiftInfo | None, list[JournalRow], dict[str, str]]) -> None:
        shift, journal, labels = found
        self.query_one("#shift-body", Label).update(self.describe(shift))
        table = self.query_one("#journal", DataTable)
        table.clear()
        self.postings = [row.posting.txn for row in journal]
        for row in journal:
            p = row.posting
            table.add_row(
                str(p.txn),
                p.at.strftime("%H:%M:%S"),
                self.t(f"ledger.kind.{p.kind}"),
                labels[p.ref],
                format_fen(p.amount_fen),
                self.t("shift.reversed") if row.reversed else "",
            )

    def describe(self, shift: ShiftInfo | None) -> str:
        t = self.t
        if shift is None:
            return t("shift.none")
        lines = [
            t(
                "shift.current",
                name=shift.operator_name,
                at=f"{shift.opened_at:%H:%M}",
                opening_fen=shift.opening_cash_fen,
                expected_fen=shift.expected_cash_fen,
            )
        ]
        lines.append(
            "  ".join(f"{t('method.' + m)} {format_fen(v)}" for m, v in shift.by_method.items() if m != "cash")
        )
        lines.append("  ".join(f"{t('shift.item.' + k)} {v}" for k, v in shift.open_items.items()))
        return "\n".join(lines)

    @work
    async def action_open_shift(self) -> None:
        op = self.session.require
        opened = await self.app.push_screen_wait(
            FormDialog(
                self.t("shift.open_title"),
                [FormField("cash", self.t("shift.opening"))],
                lambda v: self.shifts.open_shift(op, parse_yuan(v["cash"])),
            )
        )
        if opened is not None:
            self.reload()

    def action_close_shift(self) -> None:
        op = self.session.require
        self.call_service(lambda: self.shifts.operators_for_handover(op), self.close_shift)

    @work
    async def close_shift(self, others: list[OperatorInfo]) -> None:
        op, t = self.session.require, self.t
        options = ((t("shift.no_handover"), 0), *((o.name, o.id) for o in others))
        handover = await self.app.push_screen_wait(
            FormDialog(
                t("shift.close_title"),
                [
                    FormField("next", t("shift.received_by"), 0, options),
                    FormField("counted", t("shift.counted")),
                    FormField("note", t("shift.diff_note")),
                    FormField("handover", t("shift.handover_note")),
                    FormField("pin", t("shift.next_pin"), password=True),
                ],
                lambda v: self.shifts.close_shift(
                    op,
                    counted_cash_fen=parse_yuan(v["counted"]),
                    diff_note=v["note"],
                    handover_note=v["handover"],
                    next_operator_id=v["next"] or None,
                    next_pin=v["pin"],
                ),
                focus="counted",
            )
        )
        if handover is None:
            return
        closed = handover.closed
        self.notify(
            t(
                "shift.closed",
                expected_fen=closed.expected_cash_fen,
                counted_fen=closed.counted_cash_fen or 0,
                diff_fen=closed.diff_fen or 0,
            )
        )
        self.print_job(handover.job_id)
        if handover.next_shift is not None:
            self.app.switch_operator(handover.next_shift.operator_id)
        self.reload()

    def action_close_day(self) -> None:
        op = self.session.require
        # Refused (an assistant, a shift still open, a day closed) before the question is asked.
        self.call_service(lambda: self.day_close.check_closable(op), self.confirm_close_day)

    @work
    async def confirm_close_day(self, day: dt.date) -> None:
        op = self.session.require
        if not await self.app.push_screen_wait(ConfirmDialog(self.t("shift.day_close_question", date=str(day)))):
            return
        self.call_service(lambda: self.day_close.close_day(op, day), self.day_closed, self.day_close_refused)

    def day_close_refused(self, error: StationError) -> None:
        if error.key == "backup.chain_broken":  # loudly: the status line and a dialog naming the row
            self.app.show_chain_break(error.values["id"], error.values["reason_key"])
        else:
            self.show_error(error)

    def day_closed(self, result) -> None:
        report, job_id, backup = result
        t = self.t
        lines = [f"{t('ledger.kind.' + k)} {format_fen(v)}" for k, v in report.by_kind.items()]
        lines += [f"{t('method.' + m)} {format_fen(v)}" for m, v in report.by_method.items()]
        lines += [
            t(
                "shift.z_summary",
                postings=report.postings,
                receipts=report.receipts,
                diff_fen=report.cash_diff_fen,
                hash=report.last_hash[:16],
            ),
            t("backup.done", **backup.values()),
        ]
        self.print_job(job_id)
        self.app.update_status()  # the backup's age
        self.app.push_screen(InfoDialog(t("shift.z_title", date=report.date), "\n".join(lines)))

    def action_backup(self) -> None:
        self.call_service(
            lambda: self.day_close.backup(self.session.require),
            self.backed_up,
            group="backup",
        )

    def backed_up(self, backup) -> None:
        self.notify(self.t("backup.done", **backup.values()), timeout=10)
        self.app.update_status()  # the backup's age

    def action_restore(self) -> None:
        backups = self.backup
        self.call_service(
            lambda: (backups.newest_backup(), backups.restore_approvers()), lambda found: self.restore(*found)
        )

    @work
    async def restore(self, newest, operators: list[OperatorInfo]) -> None:
        """Ask for the file and a partner's PIN here; the restore itself runs after the app has
        quit and closed the database (a running app is exactly what restore refuses)."""
        from station.services.backup import RestoreRequest

        backups = self.backup
        field = FormField("file", self.t("backup.restore_file"), str(newest or ""))
        source = await self.app.push_screen_wait(
            FormDialog(self.t("backup.restore_title"), [field], lambda v: backups.inspect(v["file"]))
        )
        if source is None:
            return
        approve = PinRemembered(self.operators.approve)
        partner = await self.app.push_screen_wait(PinDialog(self.t("backup.restore_pin"), operators, approve))
        if partner is None:
            return
        if await self.app.push_screen_wait(ConfirmDialog(self.t("backup.restore_question", path=str(source)))):
            self.app.exit(RestoreRequest(source, partner.name, approve.pin))

    def action_reverse(self) -> None:
        table = self.query_one("#journal", DataTable)
        if not self.postings:
            return
        txn, op, ledger = self.postings[table.cursor_row], self.session.require, self.ledger
        # The ledger says whether this needs a second operator's PIN, and whose.
        self.call_service(lambda: ledger.plan_reversal(op, txn), self.reverse)

    @work
    async def reverse(self, plan: ReversalPlan) -> None:
        op, ledger, txn = self.session.require, self.ledger, plan.posting.txn
        amount_fen = plan.posting.amount_fen
        reversed_ = await self.app.push_screen_wait(
            FormDialog(
                self.t("shift.reverse_title", txn=txn, amount_fen=amount_fen),
                [FormField("reason", self.t("consign.reason"))],
                (lambda v: clean_reason(v["reason"]))
                if plan.needs_approval
                else (lambda v: ledger.reverse(txn, v["reason"], op)),
            )
        )
        if reversed_ is not None and plan.needs_approval:
            # One call with the approver's PIN: the ledger checks it and posts.
            reason = reversed_
            reversed_ = await self.app.push_screen_wait(
                PinDialog(
                    self.t("shift.approval_prompt", txn=txn, amount_fen=amount_fen),
                    list(plan.approvers),
                    lambda approver_id, pin: ledger.reverse(txn, reason, op, approver_id=approver_id, approver_pin=pin),
                )
            )
        if reversed_ is not None:
            self.notify(self.t("shift.reversed_done", txn=txn))
            self.reload()

    def action_audit_log(self) -> None:
        audit, operators, op = self.audit, self.operators, self.session.require

        def load() -> list[OperatorInfo]:
            audit.check_reader(op)  # an assistant is refused here, not after filling the filter
            return operators.list_active()

        self.call_service(load, self.audit_log)

    @work
    async def audit_log(self, active: list[OperatorInfo]) -> None:
        t, op = self.t, self.session.require
        operators = ((t("shift.audit_everyone"), 0), *((o.name, o.id) for o in active))
        rows = await self.app.push_screen_wait(
            FormDialog(
                t("shift.audit_filter"),
                [
                    FormField("operator", t("login.operator"), 0, operators),
                    FormField("kind", t("shift.audit_kind"), placeholder="ledger.reversal / pickup.override / export"),
                    FormField("day", t("shift.audit_day"), placeholder="2026-11-23"),
                ],
                lambda v: self.audit.read(
                    op,
                    kind=v["kind"].strip() or None,
                    operator_id=v["operator"] or None,
                    day=parse_date(v["day"]) if v["day"].strip() else None,
                    limit=200,
                ),
                focus="kind",
            )
        )
        if rows is not None:
            self.show_audit(rows)

    def show_audit(self, rows) -> None:
        body = "\n".join(
            f"{r.at:%m-%d %H:%M} {r.operator_name} {r.kind} {r.ref} {' '.join(f'{k}={v}' for k, v in r.detail.items())}"
            for r in rows
        )
        self.app.push_screen(InfoDialog(self.t("shift.audit_title"), body or "-"))

    def action_complaints(self) -> None:
        from station.screens.complaints import ComplaintsScreen

        self.app.push_screen(ComplaintsScreen(self.complaints, self.villagers, self.session))

    def action_operators(self) -> None:
        from station.screens.operators import OperatorsScreen

        self.app.push_screen(OperatorsScreen(self.operators, self.session))


class PinRemembered:
    """The PIN check for the dialog that also keeps the accepted PIN for the restore itself
    (which checks it again, in the process that does the work)."""

    def __init__(self, approve) -> None:
        self.approve = approve
        self.pin = ""

    def __call__(self, operator_id: int, pin: str):
        approved = self.approve(operator_id, pin)
        self.pin = pin
        return approved
