"""Settings the partner changes from the counter: today the printer section of config.toml."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from peewee import Database

from station.config import PrinterConfig, StationConfig, printer_from_form, save_section
from station.services.audit import AuditLog
from station.services.common import OperatorInfo, require


@dataclass(frozen=True)
class PrinterForm:
    """The printer settings form as typed: the numbers are parsed by `printer_from_form`."""

    kind: str
    paper_mm: int
    fields: Mapping[str, str]


class SettingsService:
    def __init__(
        self,
        db: Database,
        audit: AuditLog,
        config: StationConfig,
        use_printer: Callable[[PrinterConfig], None],
    ) -> None:
        self.db = db
        self.audit = audit
        self.config = config  # the configuration in use now (saving replaces it)
        self._use_printer = use_printer  # switch the print queue to the saved printer

    def printer(self, operator: OperatorInfo) -> PrinterConfig:
        """The printer section to edit; only a role that may change settings gets it."""
        require(operator, "settings.change")
        return self.config.printer

    def save_printer(self, operator: OperatorInfo, form: PrinterForm) -> StationConfig:
        """Parse and check the form, write the [printer] section and use it at once; returns the
        configuration now in use. A refused form (InvalidInput naming the field) writes nothing."""
        require(operator, "settings.change")
        printer = printer_from_form(self.config.printer, form.kind, form.paper_mm, form.fields)
        self.config = save_section(self.config, "printer", printer)
        self._use_printer(printer)
        with self.db.atomic():
            self.audit.record("config.printer", operator.id, printer_kind=printer.kind)
        return self.config
