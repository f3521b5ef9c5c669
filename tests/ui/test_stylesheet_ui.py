"""The app's CSS is parsed once per theme: opening area after area does not parse it again
(Textual re-parsed all of it for every area first opened), and a new theme still restyles."""

from __future__ import annotations

import textual.css.stylesheet

from tests.ui.helpers import log_in, press_each, settle, type_text


async def test_areas_opened_one_after_another_parse_no_css_twice_and_a_theme_still_restyles(make, demo_db, monkeypatch):
    parsed: list[tuple] = []  # each source parsed: what Textual's parse cache keys it by
    real_parse = textual.css.stylesheet.parse

    def counting_parse(scope, css, read_from, **kwargs):
        parsed.append((scope, css, read_from, kwargs["is_default_rules"], kwargs["tie_breaker"]))
        return real_parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(textual.css.stylesheet, "parse", counting_parse)
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await log_in(app, pilot)
        await press_each(app, pilot, "f2", "escape", "f3", "escape", "f5", "escape", "f2")
        assert len(parsed) == len(set(parsed)), "a CSS source was parsed again with the theme unchanged"
        background = app.screen.styles.background

        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await type_text(pilot, "配色")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        await type_text(pilot, "textual-light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.theme == "textual-light"
        assert app.screen.styles.background != background, "the new theme did not restyle the screen"
        assert len(parsed) > len(set(parsed)), "the new theme's variables were not parsed into the CSS"
