import asyncio
import contextlib

import pytest
import textual._wait
import textual.app
from textual.widgets import Input

from station.app import make_app
from tests.ui.demo_station import demo_db, demo_template  # noqa: F401  (fixtures: the demo station)
from tests.ui.offloop import ServiceGuard


@pytest.fixture
def service_guard(monkeypatch):
    """Fails the test if the app or a screen ran a service method on the event loop."""
    guard = ServiceGuard()
    guard.install(monkeypatch)
    yield guard
    assert not guard.violations, "service calls on the event loop:\n" + "\n".join(sorted(set(guard.violations)))


@pytest.fixture
def make(config, clock, service_guard):
    """Build the real app (real database file under STATION_HOME, fixed clock); its services
    must only run in thread workers (see tests/ui/offloop.py)."""

    def build(cfg=None):
        app = make_app(cfg or config, clock=clock)
        service_guard.watch(app.services)
        return app

    return build


@pytest.fixture
def set_up(config, clock, new_database):
    """A station with partner 王秀英 (1234) and assistant 小李 (5678), set up through services
    (in a copy of the new-database template: see tests/conftest.py)."""
    from station.db.database import open_database
    from station.services.registry import build_services

    db = open_database(new_database)
    services = build_services(db, config, clock)
    partner = services.operators.set_up_station(
        station_name="青山村服务站", station_code="ZJ-0317", partner_name="王秀英", pin="123456"
    )
    services.operators.add_operator(partner, name="小李", role="assistant", pin="5678")
    return services


@pytest.fixture(autouse=True)
def quick_idle_check(monkeypatch):
    """Pilot waits for 'idle' after every key by sleeping in 20 ms slices; 2 ms slices see the
    same idleness sooner. What tests wait on for correctness is `settle` (workers, screens)."""
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 1 / 500)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 1 / 500 / 20)


class KeyPace:
    """When Pilot waits for 'idle' after a key. A character typed into a text field goes in
    without it, as a scanner or a quick hand sends them: no pause between the characters of a
    number. Other keys (Enter, F-keys, Ctrl+…, a letter that is a screen's hotkey) still wait,
    unless a test says, inside `fast()`, that nothing it presses starts work to wait for.
    What the app must do with keys typed ahead is tested in test_type_ahead_ui.py."""

    def __init__(self) -> None:
        self.skip_all = False
        self.skip_now = False

    @contextlib.contextmanager
    def fast(self):
        self.skip_all = True
        try:
            yield
        finally:
            self.skip_all = False


@pytest.fixture(autouse=True)
def key_pace(monkeypatch):
    pace = KeyPace()
    real_wait = textual._wait.wait_for_idle
    real_press = textual.app.App._press_keys

    async def wait_for_idle(min_sleep: float = 0, max_sleep: float = 1) -> None:
        if pace.skip_now:
            await asyncio.sleep(0)
        else:
            await real_wait(min_sleep, max_sleep)

    async def press_keys(app, keys) -> None:
        for key in keys:
            typed = len(key) == 1 and key.isprintable() and isinstance(app.focused, Input)
            pace.skip_now = pace.skip_all or typed
            try:
                await real_press(app, [key])
            finally:
                pace.skip_now = False

    monkeypatch.setattr(textual.app, "wait_for_idle", wait_for_idle)
    monkeypatch.setattr(textual.app.App, "_press_keys", press_keys)
    return pace
