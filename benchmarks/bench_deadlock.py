"""Speed of the notebook 07 and 11 experiments (printed, never asserted; the transfer lab: bench_labs.py).

Run: .venv/bin/python benchmarks/bench_deadlock.py
"""

from __future__ import annotations

import platform
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import timed_ms  # noqa: E402

import synclab  # noqa: E402
from synclab.experiments.deadlock import STRATEGIES, repeat_transfers  # noqa: E402


def detection_ms(runs: int = 7) -> tuple[float, float]:
    """Median ms from the start until the watchdog confirms the forced two-lock deadlock, and per run."""
    found, total = [], []
    for _ in range(runs):
        a, b = synclab.InstrumentedLock(name="lock A"), synclab.InstrumentedLock(name="lock B")
        both = threading.Barrier(2, timeout=5)

        def t1(a=a, b=b, both=both):
            with a:
                both.wait()
                if b.acquire(timeout=0.2):
                    b.release()

        def t2(a=a, b=b, both=both):
            with b:
                both.wait()
                if a.acquire(timeout=0.2):
                    a.release()

        started = time.perf_counter()
        report = synclab.watch_for_deadlock({"T1": t1, "T2": t2}, [a, b])
        total.append((time.perf_counter() - started) * 1e3)
        found.append(report.detected_after * 1e3)
    return statistics.median(found), statistics.median(total)


def main() -> None:
    print(f"synclab deadlock benchmarks, Python {platform.python_version()}, GIL {synclab.gil_enabled()}")
    quiz_ms, _ = timed_ms(synclab.self_check_quiz, 7)
    print(f"self-check quiz creation, median: {quiz_ms:.1f} ms")
    for strategy in STRATEGIES:
        ms, _ = timed_ms(lambda strategy=strategy: repeat_transfers(10, strategy=strategy), 7)
        print(f"repeat_transfers(10) at defaults, {strategy:8}: median {ms:7.1f} ms")
    found, total = detection_ms()
    print(f"forced two-lock deadlock: confirmed after {found:.1f} ms (median), demo {total:.0f} ms with 0.2 s timeouts")
    print(f"measure_blocked_thread(0.2): median {timed_ms(lambda: synclab.measure_blocked_thread(0.2), 3)[0]:.0f} ms")
    loops = [synclab.run_dict_iteration() for _ in range(5)]
    seconds = sorted(r.elapsed for r in loops)
    raised = ", ".join(str(r.raised) for r in loops)
    print(f"run_dict_iteration() at defaults: median {seconds[2] * 1e3:.0f} ms; loops that raised, of 2,000: {raised}")


if __name__ == "__main__":
    main()
