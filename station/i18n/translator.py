"""Message catalogues: dotted key → text with {placeholders}. zh_CN is the default."""

from __future__ import annotations

import importlib
import string
from collections.abc import Mapping
from typing import Any

from station.domain.money import format_fen

CATALOGUES = {"zh_CN": "station.i18n.zh_CN", "en": "station.i18n.en"}


class _Values(dict):
    """Placeholder values: `{x_fen}` is shown as money, `{x_key}` as that catalogue entry."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def load_catalogue(locale: str) -> Mapping[str, str]:
    return importlib.import_module(CATALOGUES[locale]).MESSAGES


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Translator:
    def __init__(self, locale: str = "zh_CN") -> None:
        self.locale = locale
        self.messages = load_catalogue(locale)

    def __call__(self, key: str, **values: Any) -> str:
        text = self.messages.get(key, key)
        shown = _Values({name: self._shown(name, value) for name, value in values.items()})
        return text.format_map(shown)

    def _shown(self, name: str, value: Any) -> Any:
        if name.endswith("_fen") and isinstance(value, int):
            return format_fen(value)
        if name.endswith("_key") and isinstance(value, str):
            return self.messages.get(value, value)
        return value

    def label(self, text: str) -> str:
        """A binding description: a catalogue key, or Textual's own English text (translated as
        the key "textual." + text where the catalogue has it, else passed through)."""
        return self.messages.get(text) or self.messages.get("textual." + text, text)

    def error(self, error: Exception) -> str:
        """The display text of a StationError (key + values)."""
        key = getattr(error, "key", "error.unexpected")
        return self(key, **getattr(error, "values", {}))
