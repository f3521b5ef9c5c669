"""The app's stylesheet, parsed once per theme instead of once per screen opened.

Textual re-parses every CSS source of the app whenever a screen of a new mode (an area)
first opens (`App.refresh_css`: new variables, then `Stylesheet.reparse` into a fresh
stylesheet without the parse cache), although neither the sources nor the theme's variables
changed. That was most of the CPU of a first F-key to an area. Parsing the same CSS with the
same variables gives the same rules, so here the parse cache outlives `reparse` and is
emptied only when the variables do change (another theme)."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class ThemeParsedStylesheet(Stylesheet):
    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:
            return  # same theme: the parsed rules and their cache stand
        super().set_variables(variables)

    def reparse(self) -> None:
        # As Textual's own reparse (into a fresh stylesheet, so an error leaves this one
        # whole), with this one's parse cache: only a source not parsed before is parsed.
        fresh = Stylesheet(variables=self._variables)
        fresh._parse_cache = self._parse_cache
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            fresh.add_source(css, read_from=read_from, is_default_css=is_defaults, tie_breaker=tie_breaker, scope=scope)
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)  # not parsed again before the app quits
            raise
        self._rules = fresh.rules
        self._rules_map = None
        self.source = fresh.source
        self._require_parse = False


def theme_parsed(stylesheet: Stylesheet) -> ThemeParsedStylesheet:
    """The app's new stylesheet (before any source is added) as a `ThemeParsedStylesheet`."""
    return ThemeParsedStylesheet(variables=stylesheet._variables)
