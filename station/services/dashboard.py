"""Today's figures for the home screen; each area contributes a tile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from station.domain.clock import Clock


@dataclass(frozen=True)
class Tile:
    """One dashboard tile: a title key and (label key, value, is_warning) rows; `opens` names
    the list Enter on the tile opens ("" for none)."""

    title: str
    rows: tuple[tuple[str, str, bool], ...]
    opens: str = ""


class DashboardService:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.sources: list[Callable[[], Tile]] = []

    def add(self, source: Callable[[], Tile]) -> None:
        self.sources.append(source)

    def tiles(self) -> list[Tile]:
        return [source() for source in self.sources]
