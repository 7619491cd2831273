"""Course foundation figures: lock overhead, counter lab latency, peak memory.

Printed, never asserted: these machines are shared and noisy, so each figure is
a ratio or a median measured side by side in one run.
"""

from __future__ import annotations

import platform
import resource
import sys
import threading
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import peak_memory_mb, rerun_latency_ms, verdict

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


def with_loop(lock: object) -> float:
    def body() -> None:
        for _ in range(LOOPS):
            with lock:  # type: ignore[attr-defined]
                pass

    return min(timeit.repeat(body, number=1, repeat=REPEATS)) / LOOPS


def call_loop(lock: object) -> float:
    def body() -> None:
        for _ in range(LOOPS):
            lock.acquire()  # type: ignore[attr-defined]
            lock.release()  # type: ignore[attr-defined]

    return min(timeit.repeat(body, number=1, repeat=REPEATS)) / LOOPS


def lock_overhead() -> None:
    print("Uncontended acquire+release, best of", REPEATS, "x", f"{LOOPS:,}", "in one process:")
    base_with = with_loop(threading.Lock())
    base_call = call_loop(threading.Lock())
    rows = [
        ("threading.Lock", base_with, base_call),
        ("bare Python wrapper (forwards only)", with_loop(BareWrapper()), call_loop(BareWrapper())),
        ("wrapper + two clock reads (floor)", with_loop(ClockWrapper()), None),
        ("synclab.InstrumentedLock", with_loop(synclab.InstrumentedLock()), call_loop(synclab.InstrumentedLock())),
    ]
    for name, with_s, call_s in rows:
        call = f", acquire()/release() {call_s * 1e9:6.0f} ns = {call_s / base_call:4.2f}x" if call_s else ""
        print(f"  {name:38s} with: {with_s * 1e9:6.0f} ns = {with_s / base_with:4.2f}x{call}")
    ratio = rows[-1][1] / base_with
    print("  InstrumentedLock / Lock, `with`:", verdict(ratio, 2.0, "x"))


def lab_latency() -> None:
    lab = synclab.counter_lab()
    median, worst = rerun_latency_ms(lab, runs=15)
    print("counter_lab re-run at defaults (4 threads x 500, sleep window, no lock; experiment + drawing):")
    print("  median", verdict(median, 300, "ms"), f"worst {worst:.0f} ms")
    lab.use_lock.value = True
    median_lock, worst_lock = rerun_latency_ms(lab, runs=7)
    print(f"  same with the lock on: median {median_lock:.0f} ms, worst {worst_lock:.0f} ms")


def lab_memory() -> None:
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lab = synclab.counter_lab(threads=16, increments=5_000, use_lock=True)
    started = time.perf_counter()
    peak = peak_memory_mb(lab.rerun)
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("counter_lab at its largest settings (16 threads x 5,000, lock on), one re-run:")
    print("  peak Python memory above baseline", verdict(peak, 50, "MB"), f"(run took {seconds:.1f} s)")
    print(f"  process max RSS grew by {rss_after - rss_before:.1f} MB over lab creation and the re-run")


def main() -> None:
    print(
        f"== bench_core on Python {platform.python_version()}, {platform.machine()}, "
        f"{__import__('os').cpu_count()} cores =="
    )
    lock_overhead()
    lab_latency()
    lab_memory()


if __name__ == "__main__":
    main()
