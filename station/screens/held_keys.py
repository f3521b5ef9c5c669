"""Keys typed ahead of an Enter wait until the Enter has done its work, then go where it led.

Textual hands each key to the widget focused when the app reads the key from the terminal. An
Enter in a form field only moves the focus several messages later (the key bubbles up to the
app, which runs the field's "submit" binding; the Submitted message bubbles up to the screen,
whose handler asks for the next field; the focus moves on the app's next turn). Keys read in
between (a scanner's code, a quick hand, a slow counter PC) went into the old field: "3 Enter 2
Enter" on check-in gave shelf 32, layer 1. The same for any key a field takes through a binding
(Tab, Backspace, Ctrl+U: the characters typed after it overtook it). Keys typed after such a
key are held here and let go, in the order typed, to whatever is focused once its work is done:

- every message it set going has been handled: the app, the screen and the fields' ancestors
  have emptied their queues twice in a row (as Pilot waits for a screen in tests);
- a service call it started (a batch started, a form saved) has finished, wherever the
  focus went meanwhile; a key action it started (@work, which may wait for a
  dialog's answer) only as long as the focus is still in the field and the same screens are
  showing. A dialog pushed or popped ends that wait: the keys go to the new screen once its
  messages are handled;
- in any case after HOLD_SECONDS (a database locked, a printer slow): no key is ever dropped.

Outside a field every key holds the keys after it the same way (y in a question, Enter on a
list's row, an F-key): what it opens or closes is showing before they are let go.

A field that takes Enter in key order itself (ScanInput: SUBMITS_IN_KEY_ORDER) needs no hold:
the next code typed belongs in it, scan after scan. The desk's search box does hold: its Enter
focuses the list it answers with, and a Space or an Enter typed on belongs there.

Nothing is watched until a key is typed ahead: such a key only arms the hold (what was focused,
the screens showing and the workers running before it was handed on), and the next key read
within HOLD_SECONDS starts it. A key typed after the work is done costs that key a glance at
the queues; a key nothing follows costs nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass

from textual import events
from textual.app import ScreenStackError, UnknownModeError
from textual.widget import Widget
from textual.widgets import Input

HOLD_SECONDS = 2.0  # the longest keys wait; the Enter's work is done in milliseconds as a rule
WORKER_POLL = 0.002
SERVICE_CALLS = "db"  # the worker group of a plain ServiceCalls.call_service (screens/base.py)


def holds_after(event: events.Key, focused: Widget | None) -> bool:
    """Whether keys typed after `event` (pressed in `focused`) wait for what it started.

    In a field, a character goes in at once, but every other key (Enter, Tab, Backspace,
    Ctrl+U) works through a binding that runs only after the key has bubbled up to the app:
    the characters typed after it would overtake it. Outside a field every key may be such a
    key (y in a question, Enter on a list's row, an F-key): what it opens or closes must be
    showing before the next key is handed to what is focused."""
    if isinstance(focused, Input) and event.is_printable:
        return False
    return not (event.key == "enter" and getattr(focused, "SUBMITS_IN_KEY_ORDER", False))


@dataclass(frozen=True)
class _Armed:
    """A key whose work may still be going on: where it was pressed, and what was showing and
    running before it was handed on."""

    origin: Widget | None
    deadline: float  # a key read later goes straight on
    stack: list
    workers: set


class HoldsTypedAhead:
    """Mixed into the App before App: holds and lets go keys (and pastes) typed ahead."""

    _holding = False
    _armed: _Armed | None = None
    _held: deque[events.Event] | None = None
    _hold_task: asyncio.Task[None] | None = None
    _released: asyncio.Event | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if self._holding:
                self._held_events().append(event)
            elif self._armed is not None and time.monotonic() < self._armed.deadline:
                self._held_events().append(event)  # read after a key whose work may not be done
                self._start_hold(self._armed)
            else:
                self._armed = None
                await self._pass_on(event)
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _pass_on(self, event: events.Event) -> None:
        """As Textual would (priority bindings, then the focused widget); a key whose work decides
        where the next keys go arms a hold.

        What was showing and running is noted before the key is handed on: a priority binding
        (Ctrl+L, an F-key) runs its action, and starts its service call, within the hand-over."""
        app = self
        focused = app.focused  # type: ignore[attr-defined]
        if not (isinstance(event, events.Key) and holds_after(event, focused)):
            await super().on_event(event)  # type: ignore[misc]
            return
        stack, workers = list(app.screen_stack), set(app.workers)  # type: ignore[attr-defined]
        await super().on_event(event)  # type: ignore[misc]
        self._armed = _Armed(focused, time.monotonic() + HOLD_SECONDS, stack, workers)

    def _start_hold(self, armed: _Armed) -> None:
        self._armed = None
        self._holding = True
        self._released_event().clear()
        self._hold_task = asyncio.create_task(self._wait_for_work(armed))

    def _held_events(self) -> deque[events.Event]:
        if self._held is None:
            self._held = deque()
        return self._held

    def _released_event(self) -> asyncio.Event:
        if self._released is None:
            self._released = asyncio.Event()
            self._released.set()
        return self._released

    async def typed_ahead_released(self) -> None:
        """Wait until no key is held (for tests that type in bursts; bounded by the hold's own limit)."""
        while self._holding:
            await self._released_event().wait()

    def stop_holding(self) -> None:
        """The app is closing: the hold's task ends (held keys have nowhere to go)."""
        if self._hold_task is not None:
            self._hold_task.cancel()
            self._hold_task = None
        self._holding, self._armed = False, None
        self._released_event().set()

    async def _wait_for_work(self, armed: _Armed) -> None:
        app = self
        origin, deadline, stack, workers_before = armed.origin, armed.deadline, armed.stack, armed.workers
        quiet = 0
        cancelled = False
        try:
            while quiet < 2 and time.monotonic() < deadline:
                nodes = self._nodes_to_watch(origin)
                if not await _all_handled(nodes, deadline - time.monotonic()):
                    break
                if any(node.message_queue_size for node in nodes):
                    quiet = 0
                    continue
                worker = self._worker_to_wait_for(origin, stack, workers_before)
                if worker is None:
                    quiet += 1
                    continue
                quiet = 0
                while not worker.is_finished and time.monotonic() < deadline:
                    await asyncio.sleep(WORKER_POLL)
        except asyncio.CancelledError:
            cancelled = True  # stop_holding: the app is closing
            raise
        finally:
            self._hold_task = None
            if cancelled or not app.call_later(self._release):  # type: ignore[attr-defined]
                self._holding = False  # the app is closing: nowhere for the keys to go
                self._released_event().set()

    def _nodes_to_watch(self, origin: Widget | None) -> list:
        """The app, its screen, and the ancestors of the field and of what is focused now."""
        app = self
        nodes: dict[int, object] = {id(app): app}
        try:
            screen = app.screen  # type: ignore[attr-defined]
        except (ScreenStackError, UnknownModeError):  # no screen (the app is closing): the app alone
            return list(nodes.values())
        nodes[id(screen)] = screen
        for widget in (origin, app.focused):  # type: ignore[attr-defined]
            if widget is not None and widget.is_attached:
                for node in widget.ancestors_with_self:
                    nodes.setdefault(id(node), node)
        return list(nodes.values())

    def _worker_to_wait_for(self, origin: Widget | None, stack: list, before: set):
        """A worker the key started, while its answer may still decide where keys go.

        While the focus and the screens are as they were, any. Once they moved, only a plain
        service call (y in a question: the dialog closes, then the answer is saved and the form
        it leads to is focused): a key action (@work) may be waiting for a dialog's answer, and a
        receipt printing or a backup decides nothing about where keys go."""
        app = self
        unmoved = list(app.screen_stack) == stack and app.focused in (origin, None)  # type: ignore[attr-defined]
        for worker in app.workers:  # type: ignore[attr-defined]
            if worker not in before and not worker.is_finished and (unmoved or worker.group == SERVICE_CALLS):
                return worker
        return None

    async def _release(self) -> None:
        """On the app's own turn: the held keys, in order, until one of them arms a hold (the
        keys after it wait for its work in turn)."""
        self._holding = False
        held = self._held_events()
        while held:
            await self._pass_on(held.popleft())
            if held and self._armed is not None and time.monotonic() < self._armed.deadline:
                self._start_hold(self._armed)
                return
        self._released_event().set()


async def _all_handled(nodes: list, timeout: float) -> bool:
    """Every message queued for `nodes` now has been handled (False: not within `timeout`)."""
    pending = 0
    done = asyncio.Event()

    def one_done() -> None:
        nonlocal pending
        pending -= 1
        if pending == 0:
            done.set()

    for node in nodes:
        if node.call_later(one_done):
            pending += 1
    if pending == 0:
        return True
    try:
        await asyncio.wait_for(done.wait(), max(timeout, 0))
    except TimeoutError:
        return False
    return True
