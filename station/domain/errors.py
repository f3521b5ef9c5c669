"""Expected failures: each carries a catalogue key and values, never display text."""

from __future__ import annotations

from typing import Any


class StationError(Exception):
    """A rule said no. `key` names the message in the i18n catalogue."""

    key = "error.generic"

    def __init__(self, key: str | None = None, /, **values: Any) -> None:
        if key is not None:
            self.key = key
        self.values = values
        super().__init__(f"{self.key} {values}")


class InvalidInput(StationError):
    """Input that cannot be parsed or is out of range."""


class NotFound(StationError):
    key = "error.not_found"


class NotAllowed(StationError):
    """The operator's role or the record's state forbids the action."""

    key = "error.not_allowed"
