"""Plumbing of notebook 08 (choosing a primitive): the pool's bookkeeping, the per-thread records, and the
overhead measurement, the course's one measurement of each primitive's uncontended cost (notebook 04 quotes its
``"Lock"`` row too)."""

from __future__ import annotations

import platform
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from synclab._threads import per_call_seconds
from synclab._validate import check_int
from synclab.instruments import LockEvent


def stopwatch() -> Callable[[], float]:
    """A clock that starts now: it returns the seconds since this call."""
    origin = time.perf_counter()
    return lambda: time.perf_counter() - origin


@dataclass(frozen=True, slots=True)
class ReleaseError:
    """A ``ValueError`` raised by a bounded semaphore's ``release()``."""

    thread: str
    extra: bool
    message: str
    time: float


class PoolLog:
    """What ``run_pool``'s threads record, under a lock of its own: the holder count over time, each use
    of the pool (like a lock's acquisition; released just before the permit goes back), each refused release."""

    def __init__(self) -> None:
        self.meta = threading.Lock()
        self.clock = stopwatch()
        self.holders = 0
        self.changes: list[tuple[float, int]] = []
        self.uses: list[LockEvent] = []
        self.release_errors: list[ReleaseError] = []

    def count(self, step: int) -> tuple[float, bool]:
        """Change the holder count; return the time and whether this is the run's very first use."""
        with self.meta:
            first = not self.changes
            self.holders += step
            now = self.clock()
            self.changes.append((now, self.holders))
        return now, first

    def done(self, name: str, requested: float, acquired: float) -> None:
        """Count a use out of the pool and record it."""
        released, _ = self.count(-1)
        with self.meta:
            self.uses.append(LockEvent(name, requested, acquired, released))

    def release(self, semaphore: Any, name: str, extra: bool) -> None:
        """``semaphore.release()``, recording the ``ValueError`` only a bounded semaphore raises."""
        try:
            semaphore.release()
        except ValueError as exc:
            with self.meta:
                self.release_errors.append(ReleaseError(name, extra, str(exc), self.clock()))

    def records(self, semaphore: Any) -> tuple[Any, ...]:
        """The records as tuples, and the permits ``semaphore`` has left (it takes them all; ``None`` for none)."""
        permits = None
        if semaphore is not None:
            permits = 0
            while semaphore.acquire(blocking=False):
                permits += 1
        return tuple(self.changes), tuple(self.uses), tuple(self.release_errors), permits


@dataclass(frozen=True, slots=True)
class GateThread:
    """One worker of ``run_start_gate``. Times are seconds since the run began."""

    thread: str
    ready: float
    began: float
    ended: float
    seen_steps: int


@dataclass(frozen=True, slots=True)
class StopThread:
    """One worker of ``run_stop_signal``. Times are seconds since the run began."""

    thread: str
    jobs: int
    last_job: float
    exited: float


@dataclass(frozen=True, slots=True)
class PhaseSpan:
    """One thread's work on one phase. Times are seconds since the run began."""

    thread: str
    phase: int
    started: float
    finished: float


#: ``(row name, code timed)``, in table order.
OPERATIONS: tuple[tuple[str, str], ...] = (
    ("Lock", "with lock: pass"),  # uncontended acquire + release
    ("RLock", "with rlock: pass"),
    ("Condition", "with cond: cond.notify()"),  # acquire, notify() with no waiter, release
    ("Semaphore", "with sem: pass"),  # take + give back a free permit
    ("Event", "event.set(); event.clear()"),  # nobody waiting
    ("Event.is_set", "event.is_set()"),  # read the flag (polling)
    ("Queue", "q.put(None); q.get()"),  # one item, nobody waiting
)

#: A comparison table that many tutorials repeat, ``name -> (use case, reentrant,
#: overhead)``: the claims the measured table is set against.
COMMON_CLAIMS: dict[str, tuple[str, str, str]] = {
    "Lock": ("Protecting shared data", "No", "Low"),
    "RLock": ("Recursive functions, complex state", "Yes", "Low"),
    "Condition": ("Producer-consumer, signaling", "N/A", "Medium"),
    "Semaphore": ("Limiting concurrent access", "No", "Low"),
    "Event": ("One-way signaling (simple condition)", "N/A", "Very low"),
}


@dataclass(frozen=True, slots=True)
class PrimitiveCost:
    """The measured cost of one operation."""

    name: str
    code: str
    seconds: float
    repeats: tuple[float, ...]
    reentrant: bool | None


@dataclass(frozen=True, slots=True)
class OverheadResult:
    """What :func:`measure_overhead` measured."""

    costs: tuple[PrimitiveCost, ...]
    number: int
    loop_seconds: float
    python: str
    implementation: str

    def cost(self, name: str) -> PrimitiveCost:
        """The row called ``name``."""
        for cost in self.costs:
            if cost.name == name:
                return cost
        raise KeyError(f"no row {name!r}; rows are {', '.join(c.name for c in self.costs)}")

    def relative(self, name: str) -> float:
        """How many times a ``Lock`` the row called ``name`` costs."""
        lock = self.cost("Lock").seconds
        return self.cost(name).seconds / lock if lock > 0 else float("inf")


def _holder_can_reenter(primitive: Any) -> bool:
    """Take ``primitive``, then try to take it again without blocking; undo both."""
    with primitive:
        again = primitive.acquire(blocking=False)
        if again:
            primitive.release()
        return again


def measure_overhead(number: int = 5_000, repeats: int = 20) -> OverheadResult:
    """Time one typical uncontended operation of each primitive, in this thread, with :mod:`timeit`: the
    fastest of ``repeats`` (slower ones measure interference), minus the timing loop's own cost. About 0.7 s."""
    number = check_int("number", number, 100, 1_000_000)
    repeats = check_int("repeats", repeats, 1, 100)
    namespace = {
        "lock": threading.Lock(),
        "rlock": threading.RLock(),
        "cond": threading.Condition(),  # its default lock is an RLock
        "sem": threading.Semaphore(1),
        "event": threading.Event(),
        "q": queue.Queue(),
    }
    held = {"Lock": "lock", "RLock": "rlock", "Condition": "cond", "Semaphore": "sem"}  # the rest holds nothing
    loop = min(per_call_seconds("pass", number, repeats, namespace))
    costs = []
    for name, code in OPERATIONS:
        times = per_call_seconds(code, number, repeats, namespace)
        reentrant = _holder_can_reenter(namespace[held[name]]) if name in held else None
        costs.append(PrimitiveCost(name, code, max(0.0, min(times) - loop), tuple(times), reentrant))
    return OverheadResult(tuple(costs), number, loop, platform.python_version(), platform.python_implementation())
