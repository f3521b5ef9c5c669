"""Keys typed in one burst (a scanner, a quick hand, a slow counter PC): each lands in the field
the partner meant, even when it arrives before the Enter ahead of it has moved the focus.

A burst here is every key posted to the driver at once, with no pause between them for the app
to catch up (Pilot's `press` waits for idle after each key, which no scanner does)."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, Label

from station.db.parcel_models import CourierBatch, Parcel
from station.screens.check_in import CheckInScreen
from station.screens.form_dialog import FormDialog
from tests.ui.helpers import log_in, screen_text, settle, type_text

FIRST, SECOND = "75123456780001", "75123456780002"


def key_event(key: str) -> events.Key:
    if len(key) == 1:  # a character as typed
        return events.Key(key if key.isalnum() else _character_to_key(key), key)
    return events.Key(key, "\r" if key == "enter" else None)


async def burst(app, pilot, *keys: str) -> None:
    """Every key sent at once, then settle (which waits for keys held back to be let go)."""
    driver = app._driver
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        driver.send_message(event)
    await settle(app, pilot)


def chars(text: str) -> list[str]:
    return list(text)


async def open_check_in(app, pilot) -> None:
    await log_in(app, pilot)
    for key in ("f2", "ctrl+n"):
        await pilot.press(key)
        await settle(app, pilot)
    assert isinstance(app.screen, CheckInScreen)


async def test_shelf_layer_and_courier_typed_in_one_burst(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        await burst(app, pilot, "3", "enter", "2", "enter", *chars("中通"), "enter")
        batch = CourierBatch.get()
        assert (batch.shelf, batch.layer, batch.courier_name, batch.carrier) == (3, 2, "中通", "ZTO")
        assert app.screen.query_one("#shelf", Input).value == "3"
        assert app.screen.query_one("#layer", Input).value == "2"
        assert app.screen.query_one("#courier", Input).value == "中通"
        line = str(app.screen.query_one("#batch-line", Label).render())
        assert line == app.t("checkin.batch_line", shelf=3, layer=2, n=0)
        assert app.focused is app.screen.query_one("#scan")


async def test_a_batch_started_and_its_first_scans_in_one_burst(make, set_up):
    """Through the batch's start (a service call in a worker) into the scan box it focuses."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        await burst(app, pilot, "4", "enter", "1", "enter", *chars("中通"), "enter", *chars(FIRST), "enter")
        batch = CourierBatch.get()
        assert (batch.shelf, batch.layer, batch.courier_name) == (4, 1, "中通")
        assert [(p.tracking_no, p.pickup_code) for p in Parcel.select()] == [(FIRST, "4-1-0001")]
        assert "4-1-0001" in screen_text(app)


async def test_scan_enter_and_the_next_scan_in_one_burst(make, set_up):
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        await pilot.press("3", "enter", "2", "enter")
        await type_text(pilot, "中通")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.focused is app.screen.query_one("#scan")
        await burst(app, pilot, *chars(FIRST), "enter", *chars(SECOND), "enter", *chars("7512"))
        parcels = [(p.tracking_no, p.pickup_code) for p in Parcel.select().order_by(Parcel.id)]
        assert parcels == [(FIRST, "3-2-0001"), (SECOND, "3-2-0002")]
        assert app.screen.query_one("#scan", Input).value == "7512"  # the third, still being typed
        text = screen_text(app)
        assert "3-2-0001" in text and "3-2-0002" in text
        assert str(app.screen.query_one("#batch-line", Label).render()) == app.t(
            "checkin.batch_line", shelf=3, layer=2, n=2
        )


async def test_a_form_dialog_filled_in_one_burst(make, set_up):
    """The batch's end (a FormDialog): count, courier, note, each field's Enter typed ahead."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        await pilot.press("3", "enter", "2", "enter")
        await type_text(pilot, "中通")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*FIRST, "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await burst(
            app, pilot, "2", "enter", "ctrl+u", *chars("韵达"), "enter", *chars("少一件"), "enter"
        )  # Ctrl+U: the courier's name prefilled is typed over
        assert isinstance(app.screen, CheckInScreen)  # the dialog closed: the batch ended
        batch = CourierBatch.get()
        assert (batch.claimed_count, batch.courier_name, batch.mismatch_note) == (2, "韵达", "少一件")
        assert batch.ended_at is not None
        assert app.screen.query_one("#batch-line", Label).render() is not None
        assert str(app.screen.query_one("#batch-line", Label).render()) == app.t("checkin.start_hint")
