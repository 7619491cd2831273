"""What each synchronization primitive costs on this machine (notebook 08).

This is the course's one measurement of these costs: other notebooks that quote
the cost of a ``with lock:`` call :func:`measure_overhead` and use its ``"Lock"``
row, so the same thing is measured the same way under one name.

:func:`measure_overhead` times one typical operation of each primitive with
:mod:`timeit`, in one thread, with nobody else using the primitive
(uncontended): the fixed price paid on every use even when no thread ever has
to wait. Waiting, when it happens, costs far more (the operating system has to
put a thread to sleep and wake it again); notebooks 02 and 03 measure that as
contention.

The operations timed, one per row of the comparison table:

=============  ==============================  =====================================
primitive      code timed                      what it is
=============  ==============================  =====================================
Lock           ``with lock: pass``             take and release a free lock
RLock          ``with rlock: pass``            the same, for a reentrant lock
Condition      ``with cond: cond.notify()``    take its lock, notify nobody, release
Semaphore      ``with sem: pass``              take and give back a free permit
Event          ``event.set(); event.clear()``  raise and lower the flag, nobody waiting
Event.is_set   ``event.is_set()``              read the flag (polling)
Queue          ``q.put(None); q.get()``        hand one item over, nobody waiting
=============  ==============================  =====================================

Each figure is the fastest of several repeats (the usual :mod:`timeit` advice:
slower repeats measure interference from other programs, not the code), minus
the cost of the timing loop itself (timed with ``pass``).

The "reentrant" column is measured too: a thread that holds the primitive
tries to take it again without blocking (``acquire(blocking=False)``).
"""

from __future__ import annotations

import platform
import queue
import threading
import timeit
from dataclasses import dataclass
from typing import Any

from synclab._validate import check_int

__all__ = ["COMMON_CLAIMS", "OPERATIONS", "OverheadResult", "PrimitiveCost", "measure_overhead"]

#: ``(row name, code timed, what is measured)``, in table order.
OPERATIONS: tuple[tuple[str, str, str], ...] = (
    ("Lock", "with lock: pass", "uncontended acquire + release"),
    ("RLock", "with rlock: pass", "uncontended acquire + release"),
    ("Condition", "with cond: cond.notify()", "acquire, notify() with no waiter, release"),
    ("Semaphore", "with sem: pass", "take + give back a free permit"),
    ("Event", "event.set(); event.clear()", "set() + clear(), nobody waiting"),
    ("Event.is_set", "event.is_set()", "read the flag (polling)"),
    ("Queue", "q.put(None); q.get()", "put() + get() of one item, nobody waiting"),
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
    """The measured cost of one operation.

    Attributes:
        name: The table row (``"Lock"``, ``"Event.is_set"``...).
        code: The statement that was timed.
        measures: What that statement does, in words.
        seconds: Seconds per operation: the fastest repeat, minus the timing
            loop's own cost (never below 0).
        repeats: Seconds per operation in every repeat (loop cost included), in order.
        reentrant: Whether a thread holding it could take it again without
            blocking; ``None`` where there is nothing to hold (Event, Queue).
    """

    name: str
    code: str
    measures: str
    seconds: float
    repeats: tuple[float, ...]
    reentrant: bool | None


@dataclass(frozen=True, slots=True)
class OverheadResult:
    """What :func:`measure_overhead` measured.

    Attributes:
        costs: One entry per row of :data:`OPERATIONS`, in that order.
        number: Operations per repeat.
        loop_seconds: The timing loop's own cost per iteration (subtracted).
        python: The Python version that ran it.
        implementation: ``platform.python_implementation()`` (``"CPython"``...).
    """

    costs: tuple[PrimitiveCost, ...]
    number: int
    loop_seconds: float
    python: str
    implementation: str

    def cost(self, name: str) -> PrimitiveCost:
        """The row called ``name``.

        Raises:
            KeyError: There is no such row.
        """
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
    primitive.acquire()
    try:
        again = primitive.acquire(blocking=False)
        if again:
            primitive.release()
        return again
    finally:
        primitive.release()


def measure_overhead(number: int = 5_000, repeats: int = 20) -> OverheadResult:
    """Time one typical uncontended operation of each primitive, in this thread.

    Takes about ``number * repeats * 7 µs`` (0.7 s at the defaults).

    Args:
        number: Operations per repeat, 100 to 1,000,000.
        repeats: Repeats per operation, 1 to 100; the fastest counts.

    Returns:
        An :class:`OverheadResult` with one row per entry of :data:`OPERATIONS`.

    Raises:
        TypeError: An argument is not an int.
        ValueError: An argument is out of range.
    """
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
    reentrant: dict[str, bool | None] = {
        "Lock": _holder_can_reenter(threading.Lock()),
        "RLock": _holder_can_reenter(threading.RLock()),
        "Condition": _holder_can_reenter(threading.Condition()),
        "Semaphore": _holder_can_reenter(threading.Semaphore(1)),
    }

    def per_op(code: str) -> list[float]:
        return [t / number for t in timeit.Timer(code, globals=namespace).repeat(repeats, number)]

    loop = min(per_op("pass"))
    costs = []
    for name, code, measures in OPERATIONS:
        times = per_op(code)
        costs.append(
            PrimitiveCost(
                name=name,
                code=code,
                measures=measures,
                seconds=max(0.0, min(times) - loop),
                repeats=tuple(times),
                reentrant=reentrant.get(name),
            )
        )
    return OverheadResult(
        costs=tuple(costs),
        number=number,
        loop_seconds=loop,
        python=platform.python_version(),
        implementation=platform.python_implementation(),
    )
