"""Scheduler lab figures (notebook 09): how long exploring and one click take.

The 300 ms lab re-run target is for the real-thread labs; the scheduler lab runs
no threads, so what an instructor needs to know is whether its clicks feel
instant and whether the notebook's sweep is quick. Printed, never asserted:
medians of several runs on a shared, noisy machine.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import peak_memory_mb, timed_ms

import synclab
from synclab.scheduler import CHALLENGES, counter_scenario, explore

REPEATS = 7


def exploring() -> None:
    print("Exploring every schedule (median of", REPEATS, "runs):")
    race = counter_scenario(2, 1)
    median, _ = timed_ms(lambda: explore(race), REPEATS)
    print(f"  2 threads x 1 increment (20 schedules):           {median:8.2f} ms")
    for key, challenge in CHALLENGES.items():
        median, _ = timed_ms(lambda challenge=challenge: explore(challenge.scenario), REPEATS)
        print(f"  challenge {key!r:24s}                {median:8.2f} ms")
    big = counter_scenario(3, 2)
    result = explore(big)
    median, _ = timed_ms(lambda: explore(big), runs=3)
    print(f"  3 threads x 2 ({result.schedules:,} schedules, {result.states:,} states): {median:8.1f} ms")


def notebook_sweeps() -> None:
    print("The sweeps behind notebook 09's plot (threads 1-4 x increments 1-3, cap 10,000 states):")
    median, worst = timed_ms(synclab.sweep_schedules, runs=5)
    sweep = synclab.sweep_schedules()
    explored = sum(p.explored for p in sweep.points)
    print(f"  no lock: {explored} of {len(sweep.points)} points explored, median {median:.0f} ms, worst {worst:.0f} ms")
    median, worst = timed_ms(
        lambda: synclab.sweep_schedules(threads=(1, 2, 3), increments=(1, 2, 3), use_lock=True), runs=5
    )
    print(f"  with a lock (threads 1-3): median {median:.0f} ms, worst {worst:.0f} ms")
    fig_ms, _ = timed_ms(lambda: synclab.plots.plot_schedules(sweep), runs=5)
    print(f"  drawing the plot: median {fig_ms:.0f} ms")
    peak = peak_memory_mb(synclab.sweep_schedules)
    print(f"  peak Python memory of one sweep: {peak:.1f} MB")


def main() -> None:
    print(f"== bench_scheduler on Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores ==")
    exploring()
    notebook_sweeps()
    print("one click in the scheduler lab: benchmarks/bench_labs.py")


if __name__ == "__main__":
    main()
