"""Course foundation figures: what an InstrumentedLock costs against threading.Lock.

Printed, never asserted: these machines are shared and noisy, so each figure is
a ratio or a median measured side by side in one run.
"""

from __future__ import annotations

import platform
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import verdict

import synclab

LOOPS = 200_000
REPEATS = 7


class BareWrapper:
    """A Python wrapper that only forwards: the cost of __enter__/__exit__ being Python."""

    __slots__ = ("_acquire", "_release")

    def __init__(self) -> None:
        lock = threading.Lock()
        self._acquire, self._release = lock.acquire, lock.release

    def __enter__(self) -> bool:
        return self._acquire()

    def __exit__(self, *exc: object) -> None:
        self._release()

    def acquire(self) -> bool:
        return self._acquire()

    def release(self) -> None:
        self._release()


class ClockWrapper(BareWrapper):
    """Forwards and reads the clock twice: the least any hold-time measurement costs."""

    __slots__ = ("_start", "_held")

    def __enter__(self, clock=time.perf_counter) -> bool:  # type: ignore[override]
        acquired = self._acquire()
        self._start = clock()
        return acquired

    def __exit__(self, *exc: object, clock=time.perf_counter) -> None:  # type: ignore[override]
        self._held = clock() - self._start
        self._release()


class OwnerWrapper(ClockWrapper):
    """The floor, plus what telling a wait and a thread apart takes: a non-blocking try and the thread's ident."""

    __slots__ = ("_owner",)

    def __enter__(self, clock=time.perf_counter, ident=threading.get_ident) -> bool:  # type: ignore[override]
        if not self._acquire(False):
            self._acquire()  # it had to wait (never, in this benchmark)
        self._owner = ident()
        self._start = clock()
        return True


class TotalsWrapper(OwnerWrapper):
    """That, plus exact totals: acquisitions, total and longest hold (but no individual events)."""

    __slots__ = ("_count", "_total", "_longest")

    def __init__(self) -> None:
        super().__init__()
        self._count, self._total, self._longest = 0, 0.0, 0.0

    def __exit__(self, *exc: object, clock=time.perf_counter) -> None:  # type: ignore[override]
        held = clock() - self._start
        self._total += held
        if held > self._longest:
            self._longest = held
        self._count += 1
        self._release()


def with_loop(lock: object) -> Callable[[], None]:
    def body() -> None:
        for _ in range(LOOPS):
            with lock:  # type: ignore[attr-defined]
                pass

    return body


def call_loop(lock: object) -> Callable[[], None]:
    def body() -> None:
        for _ in range(LOOPS):
            lock.acquire()  # type: ignore[attr-defined]
            lock.release()  # type: ignore[attr-defined]

    return body


def best_of_rounds(loops: dict[str, Callable[[], None]]) -> dict[str, float]:
    """Seconds per operation of each loop: the best of REPEATS rounds, each round running every loop once.

    Interleaving the loops round by round means a burst of other load on the
    machine hits all of them alike instead of one row's whole measurement.
    """
    best = dict.fromkeys(loops, float("inf"))
    for _ in range(REPEATS):
        for name, body in loops.items():
            started = time.thread_time()
            body()
            best[name] = min(best[name], (time.thread_time() - started) / LOOPS)
    return best


def lock_overhead() -> None:
    print(
        f"Uncontended acquire+release, best of {REPEATS} rounds x {LOOPS:,} in one process "
        "(CPU time of this thread, so other load on the machine inflates it less):"
    )
    locks = {
        "threading.Lock": threading.Lock(),
        "threading.RLock": threading.RLock(),
        "bare Python wrapper (forwards only)": BareWrapper(),
        "wrapper + two clock reads (floor)": ClockWrapper(),
        "  + non-blocking try + thread ident": OwnerWrapper(),
        "  + exact totals (no events kept)": TotalsWrapper(),
        "synclab.InstrumentedLock": synclab.InstrumentedLock(),
        "synclab.InstrumentedLock(RLock())": synclab.InstrumentedLock(threading.RLock()),
    }
    with_s = best_of_rounds({name: with_loop(lock) for name, lock in locks.items()})
    call_s = best_of_rounds(
        {name: call_loop(lock) for name, lock in locks.items() if not isinstance(lock, ClockWrapper)}
    )
    base_with, base_call = with_s["threading.Lock"], call_s["threading.Lock"]
    for name in locks:
        call = ""
        if name in call_s:
            call = f", acquire()/release() {call_s[name] * 1e9:6.0f} ns = {call_s[name] / base_call:4.2f}x"
        print(f"  {name:38s} with: {with_s[name] * 1e9:6.0f} ns = {with_s[name] / base_with:4.2f}x{call}")
    floor = with_s["wrapper + two clock reads (floor)"] / base_with
    ratio = with_s["synclab.InstrumentedLock"] / base_with
    print(f"  InstrumentedLock / Lock, `with`: {verdict(ratio, 3.0, 'x')}; the floor above is {floor:.2f}x")
    print(
        "  (the rows in between add, one at a time, what InstrumentedLock must do on every acquisition:\n"
        "   try without blocking to tell a wait from none, read the thread's ident for per-thread figures,\n"
        "   add the hold to exact totals; InstrumentedLock also keeps it as an event for timelines)"
    )


def main() -> None:
    print(
        f"== bench_core on Python {platform.python_version()}, {platform.machine()}, "
        f"{__import__('os').cpu_count()} cores =="
    )
    lock_overhead()
    print("the labs' re-run figures are in benchmarks/bench_labs.py")


if __name__ == "__main__":
    main()
