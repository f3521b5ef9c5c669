"""A run-time guard for UI tests: no service method runs on the event-loop thread.

Every service the app hands out is wrapped; a method called on the main thread (where
Textual's event loop runs in tests) by the app is recorded as a violation, and the
`make` fixture fails the test with the list. Test code itself (a `tests.*` module on the
stack) may call services directly to set up or check the database.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading
import weakref
from typing import Any

from station.services.registry import Services, built_once


def called_by_test() -> bool:
    """True when test code (a `tests.*` module) is on the stack: it set up or checks the database
    itself. The app's handlers run in Textual's own tasks, with no test frame above them."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("tests.") and not frame.f_code.co_filename.endswith(
            "offloop.py"
        ):
            return True
        frame = frame.f_back
    return False


class OffLoop:
    """A service whose public methods record a violation when station code calls them on the loop."""

    def __init__(self, target: Any, name: str, violations: list[str]) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_violations", violations)

    def __getattr__(self, attr: str) -> Any:
        value = getattr(self._target, attr)
        if attr.startswith("_") or not inspect.ismethod(value):
            return value
        label = f"{self._name}.{attr}"
        violations = self._violations

        @functools.wraps(value)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread() is threading.main_thread() and not called_by_test():
                caller = sys._getframe(1).f_globals.get("__name__", "")
                violations.append(f"{label} called on the event loop from {caller}")
            return value(*args, **kwargs)

        return guarded

    def __setattr__(self, attr: str, value: Any) -> None:
        setattr(self._target, attr, value)


class ServiceGuard:
    """Patch `built_once` so services built for guarded registries come out wrapped."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.guarded: weakref.WeakSet[Services] = weakref.WeakSet()

    def install(self, monkeypatch) -> None:
        original = built_once.__get__
        guard = self

        def get(descriptor: built_once, services: Services | None, owner: type) -> Any:
            value = original(descriptor, services, owner)
            if services is None or services not in guard.guarded or isinstance(value, OffLoop):
                return value
            wrapped = OffLoop(value, descriptor.name, guard.violations)
            services.__dict__[descriptor.name] = wrapped
            return wrapped

        monkeypatch.setattr(built_once, "__get__", get)

    def watch(self, services: Services) -> None:
        self.guarded.add(services)
