"""F1 shows key names in the UI language, over any screen and over the command palette."""

from __future__ import annotations

import re

from textual.widgets import Footer

from tests.ui.helpers import log_in, settle

ENGLISH_KEYS = re.compile(r"\b(ctrl|escape|esc|enter|space|tab|shift|pgdn|pgup|backspace)\b|\^|⏎")


def key_column(app) -> list[str]:
    """The key column of every F1 key table on screen."""
    panel = app.screen.query_one("KeyPanel")
    table = panel.query_one("BindingsTable").render()
    return [str(cell) for cell in table.columns[0]._cells]


def descriptions(app) -> list[str]:
    """What F1 says each key does, and its headings."""
    table = app.screen.query_one("KeyPanel").query_one("BindingsTable").render()
    return [str(cell) for column in table.columns[1:] for cell in column._cells]


async def test_f1_over_the_palette_and_a_screen_names_keys_in_chinese(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "f1")
        await settle(app, pilot)
        keys = key_column(app)
        assert "F10" in keys and "Ctrl+N" in keys
        assert not [k for k in keys if ENGLISH_KEYS.search(k)], keys
        await pilot.press("f1")
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        keys = key_column(app)
        assert "Esc" in keys and "回车" in " ".join(keys), keys
        assert not [k for k in keys if ENGLISH_KEYS.search(k)], keys
        said = descriptions(app)
        assert "关闭命令面板" in said and "光标左移" in said, said
        assert not [text for text in said if re.search(r"[A-Za-z]{3}", text)], said
        footer = " ".join(str(k.key_display) for k in app.screen.query("FooterKey")) if app.screen.query(Footer) else ""
        assert not ENGLISH_KEYS.search(footer), footer


async def test_f1_in_english_names_keys_in_english(make, set_up, config):
    import dataclasses

    app = make(dataclasses.replace(config, ui=dataclasses.replace(config.ui, locale="en")))
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f2", "f1")
        await settle(app, pilot)
        keys = key_column(app)
        assert "Ctrl+N" in keys and "Esc" in keys


async def test_f1_says_what_each_key_does_in_chinese_only(make, set_up):
    app = make()
    async with app.run_test(size=(160, 45)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        said = descriptions(app)
        assert "命令" in " ".join(said)
        english = [d for d in said if re.search(r"[A-Za-z]{3,}", d)]
        assert not english, english  # was: Ctrl+P 命令 "Open the command palette"
