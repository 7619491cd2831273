"""Shared fixtures and helpers: a fake clock, a guard against leaked threads, SIGINT for interrupt tests, helpers.

Import the helpers with ``from conftest import ...``.
"""

from __future__ import annotations

import gc
import re
import signal
import threading
import time

import pytest
from matplotlib.figure import Figure


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

    A thread counts until it has left ``threading.enumerate()``, not only while
    ``is_alive()``: on CPython 3.11 an interrupt that lands in ``join()`` can mark
    a thread that is still running as stopped, and the next test's
    ``active_count()`` baseline would then include it.
    """
    if request.node.get_closest_marker("browser"):
        yield
        return
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        leaked = [t for t in threading.enumerate() if t.ident not in before]
        if not leaked:
            return
        time.sleep(0.01)
    pytest.fail(f"test left threads running: {[t.name for t in leaked]}")


@pytest.fixture
def sigint_raises():
    """A background job may inherit SIGINT as ignored; make it raise as in a kernel."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("interrupt_main needs the test to run in the main thread")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def wait_until(predicate, timeout: float = 5.0) -> None:
    """Poll ``predicate`` until it is true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not reached within {timeout} s")
        time.sleep(0.001)


def started_threads(monkeypatch) -> list[str]:
    """Spy on :meth:`threading.Thread.start` for the rest of the test; the returned list fills with thread names."""
    started: list[str] = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda self: (started.append(self.name), real_start(self))[1])
    return started


def figures_alive() -> int:
    """How many matplotlib figures exist, after a garbage collection."""
    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())


NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


def numbers_in(text: str) -> list[float]:
    """The numbers a title reports, in order ("1,234" is 1234): check a title by its numbers, not its wording."""
    return [float(n.replace(",", "")) for n in NUMBER.findall(text)]


def seconds_in(text: str) -> list[float]:
    """The durations a title reports ("12.3 ms", "45 µs", "1.20 s"), in seconds, in order."""
    scale = {"s": 1.0, "ms": 1e-3, "µs": 1e-6}
    return [float(n) * scale[unit] for n, unit in re.findall(r"(\d+(?:\.\d+)?) (s|ms|µs)\b", text)]


def png_of(lab) -> str:
    """The base64 PNG a lab shows: its output area must hold exactly one output."""
    (output,) = lab.output.outputs
    return output["data"]["image/png"]


def define(code: str, name: str):
    """Run an answer's ``code`` as a notebook cell (``threading`` and ``time`` imported) and return ``name``."""
    namespace = {"threading": threading, "time": time}
    exec(code, namespace)
    return namespace[name]


def histogram_counts(ax) -> list[float]:
    """Heights of the histogram bars on ``ax`` (drawn as one collection, see ``histogram_bars``)."""
    (bars,) = [c for c in ax.collections if c.get_gid() == "histogram"]
    return [float(path.vertices[2][1]) for path in bars.get_paths()]
