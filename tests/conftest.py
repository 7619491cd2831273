"""Shared fixtures: a fake clock and a guard that no test leaves threads behind."""

from __future__ import annotations

import threading
import time

import pytest


class FakeClock:
    """A clock that only moves when told to, for exact durations."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def no_leaked_threads(request):
    """Every test must end with as many threads as it started with.

    Tests marked ``browser`` are exempt: Playwright keeps its own thread for the
    whole module (it is stopped when the module's browser fixture closes).
    """
    if request.node.get_closest_marker("browser"):
        yield
        return
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        leaked = [t for t in threading.enumerate() if t.ident not in before and t.is_alive()]
        if not leaked:
            return
        time.sleep(0.01)
    pytest.fail(f"test left threads running: {[t.name for t in leaked]}")


def wait_until(predicate, timeout: float = 5.0) -> None:
    """Poll ``predicate`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not reached within {timeout} s")
        time.sleep(0.001)
