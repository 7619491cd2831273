"""Notebook 10 figures: catch-rate lab re-run latency, and what repeat_test and check 10.1 cost.

Printed, never asserted: these machines are shared and noisy, so each figure is
a median measured in one run, next to the figures it should be read against.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _measure import rerun_latency_ms, timed_ms, verdict
from answers import judge, modules
from test_testing import LockedCache, RacyCache

import synclab
from synclab.experiments.testing import cache_test
from synclab.widgets.testing import ROUNDS

RUNS = 15


def lab_latency() -> None:
    lab = synclab.catch_rate_lab(RacyCache, LockedCache)
    reference = synclab.counter_lab()
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(RUNS):  # interleaved with the counter lab, so both see the same load
        ours.append(rerun_latency_ms(lab, runs=1)[0])
        theirs.append(rerun_latency_ms(reference, runs=1)[0])
    print("catch_rate_lab re-run at defaults (20 runs of a test with no technique on; experiment + drawing + PNG):")
    print("  median", verdict(statistics.median(ours), 300, "ms"), f"worst {max(ours):.0f} ms")
    print(f"  counter_lab at its defaults, interleaved for comparison: median {statistics.median(theirs):.0f} ms")
    lab.barrier.value, lab.window.value, lab.rounds.value, lab.use_fixed.value = True, "1 ms", max(ROUNDS), True
    slow, _ = rerun_latency_ms(lab, runs=3)
    print(f"  a slow setting (fixed class, barrier, 1 ms window, {max(ROUNDS)} rounds): median {slow:.0f} ms")


def repeat_cost() -> None:
    forced = cache_test(rounds=3)
    for target in (RacyCache, LockedCache):
        median, _ = timed_ms(lambda target=target: synclab.repeat_test(forced, target, runs=100), runs=3)
        print(f"repeat_test(forced test, {target.__name__}, runs=100): median {median:.0f} ms")


def check_cost() -> None:
    (table,) = [m for m in modules() if m.EXERCISE == "10.1"]
    for kind, name in (
        ("right", "reference"),
        ("right", "event-window-with-a-timeout"),
        ("wrong", "naive-no-window-no-barrier"),
    ):
        median, worst = timed_ms(lambda kind=kind, name=name: judge(table, kind, name), runs=5)
        print(f"check 10.1 on {name}: median {median:.0f} ms, worst {worst:.0f} ms")
    hang, _ = timed_ms(lambda: judge(table, "wrong", "hangs-on-a-barrier-with-one-party-too-many"), runs=2)
    print("check 10.1 on a test that hangs: median", verdict(hang / 1e3, 3.0, "s"))


def main() -> int:
    print(f"== bench_testing: Python {platform.python_version()}, {os.cpu_count()} cores ==")
    baseline = threading.active_count()
    lab_latency()
    repeat_cost()
    check_cost()
    print(f"threads left over: {threading.active_count() - baseline}")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"(bench_testing took {time.perf_counter() - started:.1f} s)")
    sys.exit(code)
