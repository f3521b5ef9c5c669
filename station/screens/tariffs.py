"""Village tariffs: every version, add one (validated), import or export a TOML file."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from station.domain.money import format_fen, parse_yuan
from station.domain.periods import parse_date
from station.domain.tariffs import CATEGORIES, parse_tiers_text, tiers_text
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.form_dialog import FormDialog, FormField
from station.services.common import Session
from station.services.utilities import TariffInfo, UtilityService
from station.services.utility_reports import export_tariffs, import_tariffs
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("tariffs.add", "ctrl+n", "add", "tariffs.add", "tariffs.add_help"),
    StationAction("tariffs.import", "ctrl+o", "import_file", "tariffs.import", "tariffs.import_help"),
    StationAction("tariffs.export", "ctrl+e", "export_file", "tariffs.export", "tariffs.export_help"),
)


class TariffsScreen(StationScreen):
    DEFAULT_CSS = """
    TariffsScreen #tariffs { height: 1fr; margin: 0 1; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, utilities: UtilityService, session: Session) -> None:
        super().__init__()
        self.utilities = utilities
        self.session = session

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("tariffs.title"), classes="title")
        table: DataTable[str] = DataTable(id="tariffs", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            *(
                self.t(k)
                for k in (
                    "utilities.col_category",
                    "tariffs.col_version",
                    "tariffs.col_from",
                    "tariffs.col_tiers",
                    "tariffs.col_fixed",
                    "tariffs.col_source",
                )
            )
        )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tariffs").focus()
        self.reload()

    def reload(self) -> None:
        self.call_service(self.utilities.tariffs, self.show)

    def show(self, tariffs: list[TariffInfo]) -> None:
        table = self.query_one("#tariffs", DataTable)
        table.clear()
        for tariff in tariffs:
            table.add_row(
                self.t(f"utility.category.{tariff.category}"),
                str(tariff.version),
                str(tariff.effective_from),
                f"{tiers_text(tariff.tiers)} {tariff.unit}",
                format_fen(tariff.fixed_fee_fen),
                tariff.source_note,
            )

    @work
    async def action_add(self) -> None:
        operator = self.session.require
        t = self.t
        added = await self.app.push_screen_wait(
            FormDialog(
                t("tariffs.add_title"),
                [
                    FormField(
                        "category",
                        t("utilities.col_category"),
                        "electricity",
                        tuple((t(f"utility.category.{c}"), c) for c in CATEGORIES),
                    ),
                    FormField("from", t("tariffs.col_from"), placeholder="2026-01-01"),
                    FormField("unit", t("tariffs.unit"), placeholder="kWh"),
                    FormField("tiers", t("tariffs.tiers"), placeholder="240:0.4883, 400:0.5383, :0.7883"),
                    FormField("fixed", t("tariffs.col_fixed"), "0"),
                    FormField("source", t("tariffs.col_source")),
                ],
                lambda v: self.utilities.add_tariff(
                    operator,
                    category=v["category"],
                    effective_from=parse_date(v["from"]),
                    unit=v["unit"],
                    tiers=parse_tiers_text(v["tiers"]),
                    fixed_fee_fen=parse_yuan(v["fixed"]),
                    source_note=v["source"],
                ),
                focus="from",
            )
        )
        if added is not None:
            self.notify(self.t("tariffs.added", version=added.version))
            self.reload()

    @work
    async def action_import_file(self) -> None:
        operator = self.session.require
        imported = await self.app.push_screen_wait(
            FormDialog(
                self.t("tariffs.import_title"),
                [FormField("path", self.t("tariffs.path"))],
                lambda v: import_tariffs(self.utilities, operator, Path(v["path"].strip()).expanduser()),
            )
        )
        if imported is not None:
            self.notify(self.t("tariffs.imported", n=len(imported)))
            self.reload()

    @work
    async def action_export_file(self) -> None:
        exported = await self.app.push_screen_wait(
            FormDialog(
                self.t("tariffs.export_title"),
                [FormField("path", self.t("tariffs.path"), "tariffs.toml")],
                lambda v: export_tariffs(self.utilities.tariffs(), Path(v["path"].strip()).expanduser()),
            )
        )
        if exported is not None:
            self.notify(self.t("tariffs.exported", path=str(exported)))
