"""Keys typed in one burst (a scanner, a quick hand, a slow counter PC): each lands in the field
the partner meant, even when it arrives before the Enter ahead of it has moved the focus.

A burst here is every key posted to the driver at once, with no pause between them for the app
to catch up (Pilot's `press` waits for idle after each key, which no scanner does)."""

from __future__ import annotations

import time

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, Label

from station.db.parcel_models import CourierBatch, Parcel
from station.screens import held_keys
from station.screens.check_in import CheckInScreen
from station.screens.form_dialog import FormDialog
from tests.ui.helpers import log_in, screen_text, settle, type_text

FIRST, SECOND = "75123456780001", "75123456780002"


def key_event(key: str) -> events.Key:
    if len(key) == 1:  # a character as typed
        return events.Key(key if key.isalnum() else _character_to_key(key), key)
    return events.Key(key, "\r" if key == "enter" else None)


def send_at_once(app, keys) -> None:
    """Every key to the driver at once, as a terminal reads a burst; nothing waits between them."""
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app._driver.send_message(event)


async def burst(app, pilot, *keys: str) -> None:
    """A burst, then settle (which waits for keys held back to be let go)."""
    send_at_once(app, keys)
    await settle(app, pilot)


def chars(text: str) -> list[str]:
    return list(text)


class HoldClock:
    """The hold's clock, the test's: it stands still until the test moves it, so the hold's
    limit comes when the test says, however loaded the machine."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


def hold_clock(monkeypatch) -> HoldClock:
    clock = HoldClock()
    monkeypatch.setattr(held_keys, "time", clock)
    return clock


async def until_called(pilot, called) -> None:
    """Until a stubbed service call (a threading.Event it sets) has begun, then one more turn."""
    deadline = time.monotonic() + 20
    while not called.is_set() and time.monotonic() < deadline:
        await pilot.pause(0.01)
    assert called.is_set(), "the service call never began"
    await pilot.pause()


async def open_check_in(app, pilot) -> None:
    await log_in(app, pilot)
    for key in ("f2", "ctrl+n"):
        await pilot.press(key)
        await settle(app, pilot)
    assert isinstance(app.screen, CheckInScreen)


async def start_batch_3_2(app, pilot) -> None:
    """Shelf 3, layer 2, courier 中通, at a person's pace: the batch starts, the scan box waits."""
    await pilot.press("3", "enter", "2", "enter")
    await type_text(pilot, "中通")
    await pilot.press("enter")
    await settle(app, pilot)


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
    """The scan box takes Enter in key order (ScanInput); Backspace works through a binding,
    after the key has bubbled up: the scan's Enter and the next scan's digits must not overtake it."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        await start_batch_3_2(app, pilot)
        assert app.focused is app.screen.query_one("#scan")
        slip = [*chars(SECOND[:-1]), "9", "backspace", SECOND[-1]]  # a slip put right at once
        await burst(app, pilot, *chars(FIRST), "enter", *slip, "enter", *chars("7512"))
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
        await start_batch_3_2(app, pilot)
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
        assert str(app.screen.query_one("#batch-line", Label).render()) == app.t("checkin.start_hint")


async def test_a_wrong_pin_and_the_right_one_typed_on_in_one_burst(make, set_up):
    """The PIN field is emptied when its Enter is handled: the PIN typed on after a wrong one
    must not be emptied with it (nor run into it)."""
    from station.screens.home import HomeScreen

    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await burst(app, pilot, *chars("111111"), "enter", *chars("123456"), "enter")
        assert isinstance(app.screen, HomeScreen)
        assert app.session.operator is not None and app.session.operator.name == "王秀英"


async def test_backspace_typed_in_a_burst_deletes_what_was_typed_before_it(make, set_up):
    """Backspace works through a binding, after the key has bubbled up: the digit typed after it
    must not overtake it (and be the one deleted)."""
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        await burst(app, pilot, "4", "backspace", "3", "enter", "2", "enter", *chars("中通"), "enter")
        batch = CourierBatch.get()
        assert (batch.shelf, batch.layer) == (3, 2)
        assert app.screen.query_one("#shelf", Input).value == "3"


async def test_a_pick_and_the_form_it_opens_typed_in_one_burst(make, set_up):
    """Enter in the picker closes it and a form opens on a worker's turn: the keys typed on
    wait for the form, field by field, and a money form is saved as typed."""
    from station.db.consignment_models import ConsignmentLot

    partner = set_up.operators.list_active()[0]
    set_up.villagers.add(partner, name="张三", phone="13500001111")
    set_up.villagers.add(partner, name="赵大", phone="13500002222")
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        await log_in(app, pilot)
        for key in ("f4", "ctrl+n"):
            await pilot.press(key)
            await settle(app, pilot)
        typed = [*chars("zs"), "enter", *chars("土鸡蛋"), "enter", "enter", *chars("30"), "enter"]
        await burst(app, pilot, *typed, "9", "enter", "8", "enter", *chars("20 天"), "enter")
        lot = ConsignmentLot.get()
        assert (lot.consignor.name, lot.product, lot.grade, lot.unit) == ("张三", "土鸡蛋", "", "jin")
        assert (lot.qty_milli, lot.unit_price_fen, lot.commission_bp) == (30_000, 900, 800)
        assert (lot.expires_on - lot.received_at.date()).days == 20
        assert lot.lot_no in screen_text(app)


async def test_keys_held_behind_a_stuck_service_call_are_let_go_after_the_limit(make, set_up, monkeypatch):
    """The batch's start hangs (a database locked): the keys typed after its Enter are not kept
    for ever nor dropped; they go to what is focused when the limit is up. The hold's clock is
    the test's: the limit comes when the test says, however loaded the machine."""
    import threading

    clock = hold_clock(monkeypatch)
    app = make()
    gate, entered = threading.Event(), threading.Event()
    real = app.services.parcels.start_batch

    def start_batch(*args, **kwargs):
        entered.set()
        assert gate.wait(30), "the stuck call was never let go"
        return real(*args, **kwargs)

    app.services.parcels.start_batch = start_batch
    async with app.run_test(size=(100, 30)) as pilot:
        await open_check_in(app, pilot)
        send_at_once(app, ["3", "enter", "2", "enter", *chars("中通"), "enter", "7", "5"])
        await until_called(pilot, entered)
        assert app.screen.query_one("#courier", Input).value == "中通"  # "75" held
        clock.now = held_keys.HOLD_SECONDS + 1  # the limit is up
        await app.typed_ahead_released()
        await pilot.pause()
        assert app.screen.query_one("#courier", Input).value == "中通75"
        gate.set()
        await settle(app, pilot)
        batch = CourierBatch.get()
        assert (batch.shelf, batch.layer, batch.courier_name) == (3, 2, "中通")
        assert app.focused is app.screen.query_one("#scan")


async def test_the_app_closes_while_keys_are_held(make, set_up, monkeypatch):
    """Keys held behind a call that has not answered: closing the app does not wait for them."""
    import threading

    hold_clock(monkeypatch)  # stands still: the keys stay held however loaded the machine
    app = make()
    gate, entered = threading.Event(), threading.Event()
    real = app.services.parcels.start_batch

    def start_batch(*args, **kwargs):
        entered.set()
        gate.wait(10)
        return real(*args, **kwargs)

    app.services.parcels.start_batch = start_batch
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await open_check_in(app, pilot)
            send_at_once(app, ["3", "enter", "2", "enter", *chars("中通"), "enter", "7", "5"])
            await until_called(pilot, entered)
            assert app.screen.query_one("#courier", Input).value == "中通"  # "75" held
            app.exit()
            await pilot.pause()
        assert app.return_code == 0
    finally:
        gate.set()
