"""Notebook 05 figures: what the forced schedules and checks cost (the lab's re-run: bench_labs.py).

Printed, never asserted: these machines are shared and noisy, so each figure is
a median measured in one run, next to the figures it should be read against.
"""

from __future__ import annotations

import os
import platform
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import timed_ms

import synclab

RUNS = 15


def take_if(buffer, cond):
    with cond:
        if not buffer:
            cond.wait()
        return buffer.popleft()


def take_while(buffer, cond):
    with cond:
        while not buffer:
            cond.wait()
        return buffer.popleft()


def put_notify(buffer, cond, items):
    with cond:
        buffer.extend(items)
        cond.notify()


def put_notify_all(buffer, cond, items):
    with cond:
        buffer.extend(items)
        cond.notify_all()


def forced_schedules() -> None:
    print("forced schedules (notebook 05 demos), median of", RUNS)
    for name, action in [
        ("run_stolen_wakeup(take_if, runs=20)", lambda: synclab.run_stolen_wakeup(take_if, 20)),
        ("run_stolen_wakeup(take_while, runs=20)", lambda: synclab.run_stolen_wakeup(take_while, 20)),
        ("run_notify(put with notify(), 3 consumers)", lambda: synclab.run_notify(put_notify)),
        ("run_notify(put with notify_all(), 3 consumers)", lambda: synclab.run_notify(put_notify_all)),
    ]:
        median, worst = timed_ms(action, runs=5 if "notify()" in name else RUNS)
        print(f"  {name:48s} {median:6.1f} ms (worst {worst:.0f} ms)")
    failing = sum(synclab.run_stolen_wakeup(take_if, 20).failed_runs == 20 for _ in range(RUNS))
    passing = sum(not synclab.run_stolen_wakeup(take_while, 20).failures for _ in range(RUNS))
    print(f"  take_if failed every run in {failing} of {RUNS} calls; take_while never failed in {passing} of {RUNS}")


def main() -> None:
    print(f"== bench_buffer on Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores ==")
    baseline = threading.active_count()
    forced_schedules()
    print("threads back to baseline:", threading.active_count() == baseline)


if __name__ == "__main__":
    main()
