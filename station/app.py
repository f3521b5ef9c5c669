"""The Textual app: make_app(config) wires everything; the app only switches areas."""

from __future__ import annotations

import datetime as dt
import gc

from textual import work
from textual.app import App, SystemCommand
from textual.reactive import reactive

from station.config import PrinterConfig, StationConfig, ensure_dirs
from station.db.database import open_database
from station.domain.clock import Clock, SystemClock
from station.i18n.translator import Translator
from station.printing.recovery import recover_interrupted
from station.printing.transports import Transport
from station.screens.actions import APP_ACTIONS, StationAction, app_actions, bindings_for
from station.screens.areas import area_factories
from station.screens.base import ServiceCalls, TranslatedBindings
from station.screens.held_keys import HoldsTypedAhead
from station.screens.login import LoginScreen
from station.screens.palette import StationCommands
from station.screens.setup import SetupScreen
from station.screens.terminal import exit_when_terminal_closes
from station.services.common import OperatorInfo, Session
from station.services.operators import StationInfo
from station.services.registry import Services, build_services
from station.widgets.status_line import backup_age_text
from station.widgets.stylesheet import theme_parsed


def make_app(config: StationConfig, *, clock: Clock | None = None, transport: Transport | None = None) -> StationApp:
    ensure_dirs(config)
    db = open_database(config.db_path)
    clock = clock or SystemClock()
    services = build_services(db, config, clock, transport=transport)
    recover_interrupted(db, services.t)
    return StationApp(config, services, services.t)


# run() returns a backup.RestoreRequest when a restore was asked for (F9), else None; App[object]
# because textual types the helpers that take any app (CommandPalette.is_open) as App[object].
class StationApp(HoldsTypedAhead, TranslatedBindings, ServiceCalls, App[object]):
    TITLE = "station"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {StationCommands}
    BINDINGS = bindings_for(APP_ACTIONS)

    status: reactive[tuple[str, bool]] = reactive(("", False), init=False)
    backup_level: reactive[str] = reactive("", init=False)  # "" | "stale" (over a day) | "old" (over a week)

    def __init__(self, config: StationConfig, services: Services, t: Translator) -> None:
        self.config = config
        self.services = services
        self.t = t
        self.session = Session()
        self.chain_break: int | None = None  # the ledger chain's first bad entry, once a check found one
        self.print_note = ""  # the last receipt's replaced characters, for the status line
        self.area_factories = area_factories(services, self.session, self.print_job, lambda: self.config)
        super().__init__()
        self.stylesheet = theme_parsed(self.stylesheet)
        self.title = t("app.title")

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
        for mode, factory in self.area_factories.items():
            self.add_mode(mode, factory)
        self.add_mode("login", lambda: LoginScreen(self.services.operators, self.logged_in))
        self.call_service(self.services.operators.needs_setup, self.show_first_screen)
        exit_when_terminal_closes(self)

    def keep_loaded(self) -> None:
        """What is loaded by now (Textual, the services, the catalogues, the screens) lives as long
        as the app: kept out of the garbage collector's full passes, which otherwise stall the
        counter's screen for 50-200 ms now and then (benchmarks/counter.py). Undone on unmount."""
        gc.freeze()

    def on_unmount(self) -> None:
        self.stop_holding()  # keys typed ahead of an Enter (screens/held_keys.py): nowhere to go now
        gc.unfreeze()  # all collectable again once the app is gone (tests run many apps in one process)

    def show_first_screen(self, needs_setup: bool) -> None:
        if needs_setup:
            self.push_screen(SetupScreen(self.services.operators, self.logged_in))
        else:
            self.switch_mode("login")
        self.call_after_refresh(self.keep_loaded)
        self.call_service(self.services.integrity.verify_incremental, self.chain_checked, group="integrity")

    def chain_checked(self, result) -> None:
        """A broken ledger chain is shown loudly: the status line and a dialog naming the row."""
        if not result.ok:
            self.show_chain_break(result.broken_id, f"backup.reason.{result.reason}")

    def show_chain_break(self, entry_id: int, reason_key: str) -> None:
        from station.screens.dialogs import InfoDialog

        self.chain_break = entry_id
        self.update_status()
        self.bell()
        body = self.t("backup.chain_broken_body", id=entry_id, reason_key=reason_key)
        self.push_screen(InfoDialog(self.t("backup.chain_broken_title"), body))

    # -- session -----------------------------------------------------------------------
    def logged_in(self, operator: OperatorInfo) -> None:
        self.session.operator = operator
        self.update_status()
        self.switch_mode("home")
        self.call_after_refresh(self.keep_loaded)  # the home screen and the session stay too
        if operator.pin_change_due:
            self.force_pin_change()

    @work
    async def force_pin_change(self) -> None:
        """A partner whose PIN is shorter than the rule (set before 6 digits were required)
        changes it now, or is logged out again."""
        from station.screens.operators import change_own_pin

        self.notify(self.t("access.pin_change_due", name=self.session.require.name), severity="warning", timeout=10)
        if not await change_own_pin(self, self.services.operators, self.session):
            await self.action_logout()

    # -- printing ----------------------------------------------------------------------
    def print_job(self, job_id: int, *, then=None) -> None:
        """Print a committed job in a worker on the app (it outlives the screen).

        With no printer configured the job stays queued: it can be printed (or shown) later.
        """
        if self.services.printing.config.kind == "none":
            if then is not None:
                then()
            return

        def finished(job) -> None:
            if job.status == "failed":
                self.bell()
                self.notify(
                    self.t("print.failed", no=job.receipt_no, error=job.last_error), severity="error", timeout=10
                )
            self.print_note = (
                self.t("validation.print_replaced", no=job.receipt_no, chars=job.replaced)
                if job.replaced and job.status == "printed"
                else ""
            )
            if self.print_note:
                self.notify(self.print_note, timeout=10)
            self.update_status()
            if then is not None:
                then()

        self.call_service(lambda: self.services.printing.run(job_id), finished, group="print")

    def action_print_jobs(self) -> None:
        operator = self.session.operator
        if operator is not None:
            from station.screens.print_jobs import PrintJobsScreen

            self.push_screen(PrintJobsScreen(self.services.printing, operator.name))

    def action_printer_settings(self) -> None:
        operator = self.session.operator
        if operator is None:
            return
        # The settings service says whether this operator may (an assistant gets its refusal).
        self.call_service(lambda: self.services.settings.printer(operator), self.printer_settings)

    def printer_settings(self, current: PrinterConfig) -> None:
        from station.screens.printer_settings import PrinterSettingsScreen

        self.push_screen(
            PrinterSettingsScreen(self.services.settings, self.session, current, self.print_test_page, self.use_config)
        )

    def use_config(self, config: StationConfig) -> None:
        """After the settings screen saved: the status line shows the new printer."""
        self.config = config
        self.update_status()

    def print_test_page(self) -> None:
        operator = self.session.require
        self.call_service(lambda: self.services.printing.print_test_page(operator.name), self.print_job)

    def switch_operator(self, operator_id: int) -> None:
        """After a shift handover the next operator (who gave a PIN) is at the counter."""
        self.call_service(
            self.services.operators.list_active, lambda active: self.operator_at_counter(operator_id, active)
        )

    def operator_at_counter(self, operator_id: int, active: list[OperatorInfo]) -> None:
        for operator in active:
            if operator.id == operator_id:
                self.session.operator = operator
        self.update_status()

    def update_status(self) -> None:
        services = self.services
        self.call_service(
            lambda: (services.printing.failed_count(), services.operators.station(), services.backup.backup_age()),
            self.show_status,
            group="status",
            exclusive=True,
        )

    def show_status(self, found: tuple[int, StationInfo | None, dt.timedelta | None]) -> None:
        failed, station, age = found
        printer_text = self.t("status.printer_failed", n=failed) if failed else ""
        printer_failed = bool(failed)
        operator = self.session.operator
        parts = []
        if station:
            parts.append(self.t("status.station", name=station.name, code=station.code))
        if operator:
            parts.append(self.t("status.operator", name=operator.name, role=self.t("role." + operator.role)))
        parts.append(printer_text or self.t("status.printer", kind=self.config.printer.kind))
        from station.services.integrity import backup_level  # here: not needed for the log-in screen

        parts.append(backup_age_text(self.t, age))
        self.backup_level = backup_level(age)
        if self.chain_break is not None:
            parts.insert(0, self.t("backup.status_chain_broken", id=self.chain_break))
        if self.print_note:
            parts.append(self.print_note)
        self.status = ("  │  ".join(parts), printer_failed or self.chain_break is not None)

    async def action_logout(self) -> None:
        operator = self.session.operator
        if operator is None:
            return
        self.call_service(lambda: self.services.operators.logout(operator), lambda _: self.logged_out())

    async def logged_out(self) -> None:
        self.session.operator = None
        await self.switch_mode("login")
        for mode in self.area_factories:
            await self.remove_mode(mode)
            self.add_mode(mode, self.area_factories[mode])
        if isinstance(self.screen, LoginScreen):
            self.screen.reload()
        self.update_status()

    async def action_quit(self) -> None:
        """Ctrl+Q: with a shift still open, ask first (the drawer has not been counted)."""
        if self.session.operator is None:
            self.exit()
            return
        self.call_service(self.services.shifts.current, self._quit_or_ask)

    def _quit_or_ask(self, shift) -> None:
        if shift is None:
            self.exit()
            return
        from station.screens.dialogs import ConfirmDialog

        question = self.t("quit.shift_open", name=shift.operator_name)

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmDialog(question), answered)

    # -- navigation --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "goto":
            return self.session.operator is not None and parameters[0] in self.area_factories
        if action == "command_palette" and self.screen._bindings.key_to_bindings.get(self.COMMAND_PALETTE_BINDING):
            return False  # the screen's own key (Ctrl+P "placed" on an order) wins over the palette
        if action in ("logout", "go_back", "command_palette", "print_jobs", "printer_settings"):
            return self.session.operator is not None
        return True

    async def action_goto(self, mode: str) -> None:
        if mode in self.area_factories and self.session.operator is not None:
            from textual.command import CommandPalette

            if CommandPalette.is_open(self):  # an area key from the palette: the palette closes
                self.pop_screen()
            elif self.current_mode == mode and hasattr(self.screen, "area_key_again"):
                self.screen.area_key_again()  # the area's key pressed in the area: its own start
                return
            await self.switch_mode(mode)

    async def open_list(self, opens: str) -> None:
        """A home tile's Enter: the area's list it stands for ("parcels.overdue", "purchases.arrived")."""
        area, _, which = opens.partition(".")
        if area not in self.area_factories or self.session.operator is None:
            return
        await self.switch_mode(area)
        # The area may still show what was left open there (the overdue list itself, an order):
        # its first screen opens the list, on top of whatever is showing.
        base = self.screen_stack[0]
        if opens == "parcels.overdue":
            from station.screens.parcel_desk import ParcelDeskScreen
            from station.screens.parcel_lists import OverdueScreen

            if isinstance(base, ParcelDeskScreen) and not isinstance(self.screen, OverdueScreen):
                base.action_overdue_list()
        elif opens == "purchases.arrived":
            from station.screens.purchases import PurchasesScreen

            if isinstance(base, PurchasesScreen):
                base.show_status(which)

    async def action_go_back(self) -> None:
        """Esc: close the top screen of the area, or go home from an area's first screen."""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode not in ("home", "login", "_default"):
            await self.switch_mode("home")

    def get_key_display(self, binding) -> str:
        """Keys in the footer and F1 in the UI language ("Ctrl+P", "Esc", "回车"), not Textual's "^p"."""
        from station.screens.keys import key_display

        return binding.key_display or key_display(self.t, binding.key)

    def action_toggle_help(self) -> None:
        if self.screen.query("KeyPanel"):
            self.action_hide_help_panel()
        else:
            from textual.widgets import Input

            for field in self.screen.query(Input):  # the key panel's heading for a text field's keys
                field.BINDING_GROUP_TITLE = self.t("textual.Input")
            self.action_show_help_panel()

    def action_command_palette(self) -> None:
        from station.screens.palette import StationPalette

        if self.use_command_palette and not StationPalette.is_open(self):
            self.push_screen(StationPalette(self.t("palette.placeholder")))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        from station.screens.palette import StationPalette

        self.push_screen(StationPalette(self.t("palette.theme_placeholder"), [ThemeProvider]))

    def get_system_commands(self, screen):
        """Textual's own palette entries (Theme, Keys, …) in the UI language; Quit asks first."""
        label = self.t.label
        for command in super().get_system_commands(screen):
            callback = self.action_quit if command.title == "Quit" else command.callback
            yield SystemCommand(label(command.title), label(command.help), callback, command.discover)

    def palette_actions(self, screen=None) -> tuple[StationAction, ...]:
        """App actions plus the screen's own (the one the palette was opened on)."""
        screen_actions = getattr(screen or self.screen, "ACTIONS", ())
        actions = app_actions(set(self.area_factories))
        return tuple(a for a in actions if a.id != "nav.back") + tuple(
            StationAction(a.id, a.key, f"screen.{a.action}", a.label, a.help) for a in screen_actions
        )
