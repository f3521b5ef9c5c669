"""The footer rebuilds when the keys it shows change, and only then (Textual's rebuilt on every
focus change: half the time of a walk through every screen's keys)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from station.widgets.footer import Footer


class Special(Static, can_focus=True):
    BINDINGS = [Binding("ctrl+b", "noop", "only-here")]

    def action_noop(self) -> None:
        pass


class Form(App):
    BINDINGS = [Binding("ctrl+s", "noop", "save")]

    def __init__(self) -> None:
        super().__init__()
        self.rebuilds = 0

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield Special("x", id="special")
        yield Footer()

    def action_noop(self) -> None:
        pass


def shown(app: Form) -> str:
    return " ".join(str(key.render()) for key in app.query("FooterKey"))


async def test_the_same_keys_are_not_rebuilt_and_new_keys_are_shown(monkeypatch):
    app = Form()
    original = Footer.recompose

    async def counted(self):
        app.rebuilds += 1
        return await original(self)

    monkeypatch.setattr(Footer, "recompose", counted)
    async with app.run_test() as pilot:
        await pilot.pause()
        app.query_one("#a").focus()
        await pilot.pause()
        start = app.rebuilds
        for _ in range(5):  # Tab between two inputs: the same keys
            await pilot.press("tab")
            await pilot.pause()
            app.query_one("#a").focus()
            await pilot.pause()
        assert app.rebuilds == start
        assert "save" in shown(app) and "only-here" not in shown(app)

        app.query_one("#special").focus()  # its own key: the footer must show it
        await pilot.pause()
        await pilot.pause()
        assert app.rebuilds > start  # (two signals before the rebuild runs may ask twice)
        assert "only-here" in shown(app)
        changed = app.rebuilds

        app.query_one("#b").focus()
        await pilot.pause()
        await pilot.pause()
        assert "only-here" not in shown(app) and app.rebuilds > changed


async def test_a_dialog_shows_its_own_keys_not_the_dead_keys_of_the_screen_below(make, set_up):
    from tests.ui.helpers import log_in, settle

    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("ctrl+n")  # a new bill: a form dialog over the utilities screen
        await settle(app, pilot)
        await pilot.pause()
        keys = " ".join(str(key.render()) for key in app.screen.query_one(Footer).query("FooterKey"))
        assert "Esc" in keys and "取消" in keys
        assert "录账单" not in keys  # Ctrl+N of the screen below does nothing in the dialog


async def test_a_rebuilt_footer_restyles_no_key_and_draws_it_as_textual_does(monkeypatch):
    """Each key is made with the footer's own compactness: none is restyled after it is made
    (Textual made it compact, then bound it to the footer's: two restylings of every key),
    and the command palette's key, which is not bound, keeps its own."""
    from textual.widgets._footer import FooterKey

    changes = []
    real = FooterKey.set_class

    def recording(self, add, *names, update=True):
        before = set(self.classes)
        result = real(self, add, *names, update=update)
        if set(self.classes) != before:
            changes.append((self.key, names))
        return result

    monkeypatch.setattr(FooterKey, "set_class", recording)
    app = Form()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.query_one("#special").focus()  # a rebuild
        await pilot.pause()
        await pilot.pause()
        keys = {k.key: k.classes for k in app.query(FooterKey)}
        assert keys == {"ctrl+b": frozenset(), "ctrl+p": frozenset({"-command-palette", "-compact"})}
    assert [change for change in changes if change[0] != "ctrl+p"] == []
