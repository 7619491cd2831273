"""The shared counter of notebooks 01 and 02: threads add 1 to one counter; without a lock,
updates are lost.

What sits between the read and the write decides whether the race shows (``race_window``):

* ``"none"``: plain ``counter.value += 1``. With the GIL on CPython 3.10+, a thread is
  switched out only at calls, function entries and a loop's backward jump (on 3.10 also some
  conditional jumps), and the load/add/store of ``+=`` has none, so it loses nothing in
  practice. It is still a bug: that is an implementation detail.
* ``"call"``: a function call between the read and the write: a switch point, so updates are
  lost, but only when the run lasts longer than the switch interval.
* ``"sleep"``: ``time.sleep(1e-6)`` between them: the thread leaves the GIL at the worst
  moment, so with ``n`` threads about ``(n - 1) / n`` of the updates are lost, on every run.
"""

from __future__ import annotations

import platform
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from synclab._threads import run_workers
from synclab._threads import switch_interval as _switch_interval
from synclab._validate import (
    MAX_THREADS,
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_sequence,
    check_timeout,
)
from synclab.instruments import InstrumentedLock, LockStatistics

#: What can sit between the read and the write of the counter.
RACE_WINDOWS = ("none", "call", "sleep")

MAX_INCREMENTS = 1_000_000

#: The sleep in the "sleep" window. ``time.sleep(0)`` would be the classic
#: yield, but on CPython 3.10 it returns at once and the same thread usually
#: takes the GIL straight back (measured: 2 threads lost updates in only 2 of
#: 30 runs). A 1 µs sleep really leaves the CPU and the GIL on every version.
YIELD_SECONDS = 1e-6


@dataclass(frozen=True, slots=True)
class CounterResult:
    """What one run of :func:`run_counter` measured."""

    threads: int
    increments: int
    use_lock: bool
    race_window: str
    switch_interval: float
    expected: int
    observed: int
    elapsed: float
    lock: LockStatistics | None
    python: str

    @property
    def lost(self) -> int:
        """Updates lost: ``expected - observed``."""
        return self.expected - self.observed

    @property
    def lost_share(self) -> float:
        """Share of updates lost, 0 to 1."""
        return self.lost / self.expected if self.expected else 0.0


@dataclass(frozen=True, slots=True)
class CounterSweep:
    """Runs of :func:`run_counter` across thread counts."""

    results: tuple[CounterResult, ...]

    @property
    def thread_counts(self) -> tuple[int, ...]:
        """The thread counts swept, in order."""
        return tuple(r.threads for r in self.results)


class _Counter:
    """The shared state: one integer attribute, like a global variable."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


def _add_one(value: int) -> int:
    return value + 1


def _work(
    counter: _Counter, increments: int, lock: InstrumentedLock | None, race_window: str, stop: threading.Event
) -> None:
    """One thread's loop. Each branch is the plain code a learner would write."""
    sleep = time.sleep
    stopped = stop.is_set
    if lock is None:
        if race_window == "none":
            for _ in range(increments):
                counter.value += 1
                if stopped():
                    return
        elif race_window == "call":
            for _ in range(increments):
                value = counter.value
                value = _add_one(value)
                counter.value = value
                if stopped():
                    return
        else:
            for _ in range(increments):
                value = counter.value
                sleep(YIELD_SECONDS)
                counter.value = value + 1
                if stopped():
                    return
    elif race_window == "none":
        for _ in range(increments):
            with lock:
                counter.value += 1
            if stopped():
                return
    elif race_window == "call":
        for _ in range(increments):
            with lock:
                value = counter.value
                value = _add_one(value)
                counter.value = value
            if stopped():
                return
    else:
        for _ in range(increments):
            with lock:
                value = counter.value
                sleep(YIELD_SECONDS)
                counter.value = value + 1
            if stopped():
                return


def _check_counter_args(
    threads: object, increments: object, use_lock: object, race_window: object, switch_interval: object, timeout: object
) -> tuple[int, int, bool, str, float | None, float]:
    return (
        check_int("threads", threads, 1, MAX_THREADS),
        check_int("increments", increments, 1, MAX_INCREMENTS),
        check_bool("use_lock", use_lock),
        check_choice("race_window", race_window, RACE_WINDOWS),
        None if switch_interval is None else check_float("switch_interval", switch_interval, 1e-6, 0.1),
        check_timeout(timeout),
    )


def run_counter(
    threads: int = 4,
    increments: int = 500,
    use_lock: bool = False,
    race_window: str = "sleep",
    *,
    switch_interval: float | None = None,
    timeout: float = 60.0,
) -> CounterResult:
    """Let ``threads`` threads each add 1 to a shared counter ``increments`` times.

    The threads are started together behind a barrier and always joined. At the defaults (4 threads, 500 increments,
    ``race_window="sleep"``, no lock) three quarters of the updates are lost on every run on CPython 3.10 to 3.13; with
    ``use_lock=True`` the count is exact on every run.
    """
    threads, increments, use_lock, race_window, interval, timeout = _check_counter_args(
        threads, increments, use_lock, race_window, switch_interval, timeout
    )
    counter = _Counter()
    lock = InstrumentedLock(name="counter lock") if use_lock else None
    stop = threading.Event()
    workers = [lambda: _work(counter, increments, lock, race_window, stop) for _ in range(threads)]
    with _switch_interval(interval):
        used_interval = sys.getswitchinterval()
        elapsed = run_workers(
            workers, names=[f"T{i}" for i in range(1, threads + 1)], timeout=timeout, stop=stop, what="run_counter"
        )
    return CounterResult(
        threads=threads,
        increments=increments,
        use_lock=use_lock,
        race_window=race_window,
        switch_interval=used_interval,
        expected=threads * increments,
        observed=counter.value,
        elapsed=elapsed,
        lock=None if lock is None else lock.statistics(),
        python=platform.python_version(),
    )


def sweep_counter(
    threads: Sequence[int] = (1, 2, 4, 8),
    increments: int = 500,
    use_lock: bool = False,
    race_window: str = "sleep",
    *,
    switch_interval: float | None = None,
    timeout: float = 60.0,
) -> CounterSweep:
    """Run :func:`run_counter` once for each thread count in ``threads``."""
    check_sequence("threads", threads, "thread counts like (1, 2, 4, 8)")
    for n in threads:  # every count is checked before any run
        _check_counter_args(n, increments, use_lock, race_window, switch_interval, timeout)
    return CounterSweep(
        tuple(
            run_counter(n, increments, use_lock, race_window, switch_interval=switch_interval, timeout=timeout)
            for n in threads
        )
    )
