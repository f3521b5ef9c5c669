"""Base classes for screens and dialogs: translated bindings, service calls in workers."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.binding import ActiveBinding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState, get_current_worker

from station.domain.errors import StationError
from station.services.db_errors import as_station_error
from station.widgets.form import FormSelect, focus_next_field

if TYPE_CHECKING:
    from station.app import StationApp

log = logging.getLogger(__name__)

R = TypeVar("R")


# The two mixins below go into both StationApp and the screens, so the type checker cannot see the
# `app`, `run_worker`, `post_message` and `notify` of the class they are mixed into: hence their ignores.
class TranslatedBindings:
    """Binding descriptions are catalogue keys; footer and key panel show the translation."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Translated, and in the order the footer should show them, so that a narrow terminal
        cuts the least important: the screen's own keys first (as declared: its main task
        first), then the focused widget's, then the app's (areas, help, log-out)."""
        label = self.app.t.label  # type: ignore[attr-defined]
        found = super().active_bindings  # type: ignore[misc]
        app = self.app  # type: ignore[attr-defined]

        declared: dict[type, tuple[dict[str, int], int]] = {}  # per node class: its keys' places, and after them

        def place(item: tuple[str, ActiveBinding]) -> tuple[int, int]:
            key, active = item
            kind = type(active.node)
            if kind not in declared:
                keys = [k for b in getattr(kind, "BINDINGS", ()) if hasattr(b, "key") for k in b.key.split(",")]
                declared[kind] = ({k: keys.index(k) for k in keys}, len(keys))
            places, after = declared[kind]
            rank = 2 if active.node is app else 0 if active.node is self else 1
            return (rank, places.get(key, after))

        return {
            # No tooltip: Textual's own (Ctrl+P "Open the command palette") are English; ours say it all.
            key: active._replace(
                binding=replace(active.binding, description=label(active.binding.description), tooltip="")
            )
            for key, active in sorted(found.items(), key=place)
        }


class ServiceCalls:
    """Run one service call in a thread worker; the result comes back as a message.

    The handler runs on the UI thread. Expected failures (StationError) go to `on_error`
    (default: an error notification); anything else is logged and shown in a dialog.
    The answer of a call that a newer `exclusive` one cancelled is dropped: a thread cannot be
    stopped, so the search for "z" may end after the one for "zs" and would show stale rows.
    """

    @dataclass
    class Finished(Message):
        result: Any
        handler: Callable[[Any], None] | None
        worker: Worker | None = None

    @dataclass
    class Failed(Message):
        error: StationError
        handler: Callable[[StationError], None] | None
        worker: Worker | None = None

    def call_service(
        self,
        call: Callable[[], R],
        on_done: Callable[[R], object] | None = None,
        on_error: Callable[[StationError], None] | None = None,
        *,
        group: str = "db",
        exclusive: bool = False,
    ) -> Worker:
        return self._service_worker(call, on_done, on_error, group=group, exclusive=exclusive)

    def _service_worker(self, call, on_done, on_error, *, group: str, exclusive: bool) -> Worker:
        return self.run_worker(  # type: ignore[attr-defined]
            lambda: self._run_call(call, on_done, on_error),
            thread=True,
            group=group,
            exclusive=exclusive,
            exit_on_error=False,
        )

    def _run_call(self, call, on_done, on_error) -> None:
        worker = get_current_worker()
        try:
            # Thread workers run on the event loop's thread pool, and peewee keeps one connection
            # per thread: a pool thread reuses its connection for the next call. Measured faster
            # than closing it after each call (benchmarks/counter.py, `worker_connection`).
            result = call()
        except StationError as error:
            self.post_message(ServiceCalls.Failed(error, on_error, worker))  # type: ignore[attr-defined]
        except Exception as error:  # a full disk or a long lock is said plainly; others go to the dialog
            explained = as_station_error(error)
            if explained is None:
                raise
            log.warning("database error: %s", error)
            self.post_message(ServiceCalls.Failed(explained, on_error, worker))  # type: ignore[attr-defined]
        else:
            self.post_message(ServiceCalls.Finished(result, on_done, worker))  # type: ignore[attr-defined]

    async def on_service_calls_finished(self, message: Finished) -> None:
        message.stop()
        if message.worker is not None and message.worker.is_cancelled:
            return
        if message.handler is not None:
            outcome = message.handler(message.result)
            if inspect.iscoroutine(outcome):  # not AwaitComplete (dismiss must not be awaited)
                await outcome

    def on_service_calls_failed(self, message: Failed) -> None:
        message.stop()
        if message.worker is not None and message.worker.is_cancelled:
            return
        if message.handler is not None:
            message.handler(message.error)
        else:
            self.show_error(message.error)

    def show_error(self, error: StationError) -> None:
        self.app.bell()  # type: ignore[attr-defined]
        self.notify(self.app.t.error(error), severity="error", timeout=10)  # type: ignore[attr-defined]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            log.error("worker failed", exc_info=error)
            from station.screens.dialogs import ErrorDialog

            self.app.push_screen(ErrorDialog(self.app.t("error.unexpected", detail=type(error).__name__)))  # type: ignore[attr-defined]


class NextFieldOnEnter:
    """Enter on a closed select moves to the next field, as Enter in an Input does (a form
    that submits on its last field or on Enter overrides this)."""

    def on_form_select_entered(self, event: FormSelect.Entered) -> None:
        event.stop()
        focus_next_field(event.select)


class StationScreen(NextFieldOnEnter, TranslatedBindings, ServiceCalls, Screen):
    """A full screen of the station app."""

    if TYPE_CHECKING:  # a station screen only ever runs in the station app
        app: StationApp

    def t(self, key: str, **values: Any) -> str:
        return self.app.t(key, **values)


ResultType = TypeVar("ResultType")


class StationDialog(NextFieldOnEnter, TranslatedBindings, ServiceCalls, ModalScreen[ResultType], Generic[ResultType]):
    """A modal dialog that returns its answer through `dismiss`."""

    if TYPE_CHECKING:
        app: StationApp

    DEFAULT_CSS = """
    StationDialog { align: center middle; }
    StationDialog > #dialog {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    StationDialog .field-label { margin-top: 1; }
    StationDialog .message { color: $error; height: auto; width: 100%; }
    StationDialog .hint, StationDialog #form-preview, StationDialog #question { width: 100%; height: auto; }
    StationDialog #buttons { height: auto; margin-top: 1; align-horizontal: right; }
    """

    def t(self, key: str, **values: Any) -> str:
        return self.app.t(key, **values)

    def on_mount(self) -> None:
        # The dialog's own keys at the bottom, over the screen's below (which do nothing here).
        from station.widgets.footer import Footer

        self.mount(Footer())
