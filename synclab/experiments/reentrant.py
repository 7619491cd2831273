"""Reentrant locks (notebook 04): look inside an RLock, and measure what it costs.

A public method that holds a lock can call code that needs it through an RLock at every level,
or a plain Lock taken once with private helpers that expect it held. :func:`measure_lock_costs`
times both; :func:`run_ledger` runs them (and a plain Lock taken twice) in real threads.
"""

from __future__ import annotations

import platform
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from synclab._threads import per_call_seconds, run_threads
from synclab._validate import MAX_THREADS, check_choice, check_int, check_sequence, check_timeout
from synclab.instruments import InstrumentedLock, LockStatistics

_COUNT = re.compile(r"\bcount=(\d+)")


def rlock_depth(lock: Any) -> int:
    """How many times an RLock's owner has acquired it without releasing it yet.

    This is the RLock's own recursion count (0 when nobody holds it), read from its ``repr``,
    which both the C and the pure-Python RLock show as ``count=N`` on CPython 3.10 to 3.15.
    """
    if not hasattr(lock, "_is_owned"):  # both RLocks have it; a plain Lock does not
        raise TypeError(f"lock must be a threading.RLock, got {lock!r} of type {type(lock).__name__}")
    return int(_COUNT.search(repr(lock)).group(1))  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class LockCosts:
    """What :func:`measure_lock_costs` measured, in nanoseconds per call."""

    depths: tuple[int, ...]
    rlock: tuple[float, ...]
    helper: tuple[float, ...]

    @property
    def extra_per_level(self) -> float:
        """Nanoseconds the RLock design adds per extra nesting level: the slope from the shallowest to the deepest
        depth measured (0 for one depth)."""
        if len(self.depths) < 2:
            return 0.0
        gaps = [rlock - helper for rlock, helper in zip(self.rlock, self.helper, strict=True)]
        return (gaps[-1] - gaps[0]) / (self.depths[-1] - self.depths[0])


def _rlock_operation(lock: Any, depth: int) -> Callable[[], None]:
    """A call ``depth`` levels deep where every level takes ``lock``."""

    def innermost() -> None:
        with lock:
            pass

    operation = innermost
    for _ in range(depth - 1):

        def level(inner: Callable[[], None] = operation) -> None:
            with lock:
                inner()

        operation = level
    return operation


def _helper_operation(lock: Any, depth: int) -> Callable[[], None]:
    """A call ``depth`` levels deep where only the outermost level takes ``lock``."""

    def innermost() -> None:
        pass

    helper = innermost
    for _ in range(depth - 2):

        def level(inner: Callable[[], None] = helper) -> None:
            inner()

        helper = level

    def public() -> None:
        with lock:
            helper()

    return public if depth > 1 else _rlock_operation(lock, 1)  # one level: the lock alone


def measure_lock_costs(depths: Sequence[int] = (1, 2, 4, 8, 16), calls: int = 5_000, repeat: int = 5) -> LockCosts:
    """Time an operation nested ``depth`` calls deep under each design.

    Everything runs in the calling thread, uncontended: this measures the cost
    of the locking itself, not of waiting. Each figure is the fastest of
    ``repeat`` measurements of ``calls`` operations (the usual ``timeit``
    practice: slower runs were disturbed by something else).
    """
    check_sequence("depths", depths, "nesting depths like (1, 2, 4, 8)", 12)
    levels = tuple(sorted({check_int("depth", d, 1, 64) for d in depths}))
    calls = check_int("calls", calls, 100, 1_000_000)
    repeat = check_int("repeat", repeat, 1, 20)
    lock, rlock = threading.Lock(), threading.RLock()
    rlock_ns = tuple(min(per_call_seconds(_rlock_operation(rlock, d), calls, repeat)) * 1e9 for d in levels)
    helper_ns = tuple(min(per_call_seconds(_helper_operation(lock, d), calls, repeat)) * 1e9 for d in levels)
    return LockCosts(depths=levels, rlock=rlock_ns, helper=helper_ns)


# -- the ledger lab: the three designs run by real threads ------------------------

#: How a ledger's public methods share its lock: see :func:`run_ledger`.
LEDGER_DESIGNS = ("Lock", "RLock", "helper")

#: How long the ``"Lock"`` design's nested ``acquire`` waits for itself before it gives up
#: (without a timeout it would wait forever).
SELF_DEADLOCK_TIMEOUT = 0.01

#: The pause between reading the total and writing it back in every entry: it forces a thread
#: switch there (a 1 µs sleep still gives up the GIL), so an entry made without the lock would lose updates.
_ENTRY_WINDOW = 1e-6


def _ledger_lock(design: str) -> tuple[InstrumentedLock, Any]:
    raw = threading.RLock() if design == "RLock" else threading.Lock()
    return InstrumentedLock(raw, name="ledger lock"), raw


class _Ledger:
    """The shared ledger of :func:`run_ledger`: entries and their total under one lock."""

    def __init__(self, design: str) -> None:
        self.design = design
        self.lock, self.raw = _ledger_lock(design)  # raw: the lock inside the instrument, its RLock count is read
        self.entries = 0
        self.total = 0
        self.lock_calls = 0
        self.max_count = 0

    def _record_unlocked(self, amount: int) -> None:
        """Add one entry. The caller must hold the lock."""
        total = self.total
        time.sleep(_ENTRY_WINDOW)
        self.total = total + amount
        self.entries += 1

    def record(self, amount: int) -> bool:
        """Public: add one entry under the lock; ``False`` if the lock was not granted in time."""
        if not self.lock.acquire(timeout=SELF_DEADLOCK_TIMEOUT if self.design == "Lock" else -1):
            return False  # a nested `with lock:` would have waited here forever
        try:
            self.lock_calls += 1
            if self.design == "RLock":
                self.max_count = max(self.max_count, rlock_depth(self.raw))
            self._record_unlocked(amount)
        finally:
            self.lock.release()
        return True

    def record_many(self, amounts: Sequence[int]) -> bool:
        """Public: add a batch under one hold of the lock; ``False`` if it got stuck."""
        with self.lock:
            self.lock_calls += 1
            if self.design == "helper":
                for amount in amounts:
                    self._record_unlocked(amount)
                return True
            return all(self.record(amount) for amount in amounts)


@dataclass(frozen=True, slots=True)
class LedgerResult:
    """What one run of :func:`run_ledger` measured."""

    threads: int
    batches: int
    batch_size: int
    design: str
    entries: int
    total: int
    expected_entries: int
    expected_total: int
    per_thread: tuple[int, ...]
    stuck: tuple[str, ...]
    lock_calls: int
    max_count: int
    lock: LockStatistics
    elapsed: float
    python: str

    @property
    def exact(self) -> bool:
        """Whether every entry was recorded and the total is right."""
        return self.entries == self.expected_entries and self.total == self.expected_total

    @property
    def batches_done(self) -> int:
        """Batches recorded completely, over all threads."""
        return self.lock.acquisitions - len(self.stuck)

    @property
    def calls_per_batch(self) -> float:
        """Lock ``acquire`` calls per completed batch (0 when none completed)."""
        return self.lock_calls / self.batches_done if self.batches_done else 0.0


def run_ledger(
    threads: int = 4, batches: int = 10, batch_size: int = 4, design: str = "RLock", *, timeout: float = 30.0
) -> LedgerResult:
    """Let ``threads`` threads each record ``batches`` batches in one shared ledger.

    ``record_many`` holds the lock for a whole batch; ``design``: ``"Lock"``: it calls the
    public ``record``, which asks for the same plain Lock again: the thread waits for itself and
    gives up after :data:`SELF_DEADLOCK_TIMEOUT` (``stuck``; a nested ``with`` would hang for
    ever); ``"RLock"``: the nested acquisition raises the count to 2; ``"helper"``: a private
    helper that expects the lock held. Each entry pauses 1 µs between reading and writing the
    total (a forced switch), so the two working designs are exact on every run.
    """
    threads = check_int("threads", threads, 1, MAX_THREADS)
    batches = check_int("batches", batches, 1, 1_000)
    batch_size = check_int("batch_size", batch_size, 1, 64)
    design = check_choice("design", design, LEDGER_DESIGNS)
    timeout = check_timeout(timeout)

    ledger = _Ledger(design)
    amounts = tuple(range(1, batch_size + 1))
    stuck: list[int] = []
    stop = threading.Event()

    def work(index: int) -> int:
        recorded = 0
        for _ in range(batches):
            if stop.is_set():
                break
            if not ledger.record_many(amounts):
                stuck.append(index)  # list.append is atomic
                break
            recorded += batch_size
        return recorded

    elapsed, per_thread = run_threads(work, threads, "run_ledger", stop, timeout)
    return LedgerResult(
        threads=threads,
        batches=batches,
        batch_size=batch_size,
        design=design,
        entries=ledger.entries,
        total=ledger.total,
        expected_entries=threads * batches * batch_size,
        expected_total=threads * batches * sum(amounts),
        per_thread=per_thread,
        stuck=tuple(f"T{index}" for index in sorted(stuck)),
        lock_calls=ledger.lock_calls,
        max_count=ledger.max_count,
        lock=ledger.lock.statistics(),
        elapsed=elapsed,
        python=platform.python_version(),
    )
