"""Courier rate cards: every version; import or export a TOML or CSV file."""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Label

from station.domain.money import format_fen
from station.domain.rate_cards import RateCard
from station.domain.tariffs import format_scaled
from station.screens.actions import StationAction, bindings_for
from station.screens.base import StationScreen
from station.screens.form_dialog import FormDialog, FormField
from station.services.common import Session
from station.services.rate_cards import RateCardService, write_cards
from station.widgets.footer import Footer
from station.widgets.status_line import StatusLine

ACTIONS = (
    StationAction("couriers.import", "ctrl+i", "import_file", "couriers.import", "couriers.import_help"),
    StationAction("couriers.export", "ctrl+e", "export_file", "couriers.export", "couriers.export_help"),
)


def zones_text(card: RateCard) -> str:
    parts = []
    for zone in card.zones:
        bands = " ".join(
            f"{'' if b.upto_g is None else '≤' + format_scaled(b.upto_g, 3) + 'kg '}"
            f"{format_fen(b.first_fen)}+{format_fen(b.extra_fen)}"
            for b in zone.bands
        )
        parts.append(f"{zone.name}({len(zone.provinces)}): {bands}")
    return "; ".join(parts)


class RateCardsScreen(StationScreen):
    DEFAULT_CSS = """
    RateCardsScreen #cards { height: 1fr; margin: 0 1; }
    """
    ACTIONS = ACTIONS
    BINDINGS = bindings_for(ACTIONS)

    def __init__(self, rate_cards: RateCardService, session: Session) -> None:
        super().__init__()
        self.rate_cards = rate_cards
        self.session = session

    def compose(self) -> ComposeResult:
        yield StatusLine()
        yield Label(self.t("couriers.cards_title"), classes="title")
        table: DataTable[str] = DataTable(id="cards", cursor_type="row", zebra_stripes=True)
        table.add_columns(
            *(
                self.t(k)
                for k in (
                    "couriers.courier",
                    "tariffs.col_version",
                    "tariffs.col_from",
                    "couriers.col_fee",
                    "couriers.col_commission",
                    "couriers.col_weights",
                    "couriers.col_zones",
                    "tariffs.col_source",
                )
            )
        )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cards").focus()
        self.reload()

    def reload(self) -> None:
        self.call_service(self.rate_cards.cards, self.show)

    def show(self, cards: list[RateCard]) -> None:
        table = self.query_one("#cards", DataTable)
        table.clear()
        for card in cards:
            table.add_row(
                self.t(f"carrier.{card.courier}"),
                str(card.version),
                str(card.effective_from),
                f"{format_fen(card.delivery_fee_fen)} {self.t('couriers.basis.' + card.fee_basis)}",
                f"{format_scaled(card.commission_bp, 2)}%",
                f"{format_scaled(card.first_weight_g, 3)}+{format_scaled(card.unit_g, 3)} kg",
                zones_text(card),
                card.source_note,
            )

    @work
    async def action_import_file(self) -> None:
        operator = self.session.require
        imported = await self.app.push_screen_wait(
            FormDialog(
                self.t("couriers.import_title"),
                [FormField("path", self.t("tariffs.path"))],
                lambda v: self.rate_cards.import_file(operator, Path(v["path"].strip()).expanduser()),
            )
        )
        if imported is not None:
            self.notify(self.t("couriers.imported", n=len(imported)))
            self.reload()

    @work
    async def action_export_file(self) -> None:
        exported = await self.app.push_screen_wait(
            FormDialog(
                self.t("couriers.export_title"),
                [FormField("path", self.t("tariffs.path"), "rate_cards.toml")],
                lambda v: write_cards(self.rate_cards.cards(), Path(v["path"].strip()).expanduser()),
            )
        )
        if exported is not None:
            self.notify(self.t("tariffs.exported", path=str(exported)))
