"""Notebook 05 figures: buffer lab re-run latency, and what the forced schedules and checks cost.

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

from _measure import rerun_latency_ms, timed_ms, verdict

import synclab
from synclab.plots.buffer import plot_buffer_run
from synclab.widgets._base import figure_output

RUNS = 15


def lab_latency() -> None:
    lab = synclab.buffer_lab()
    reference = synclab.counter_lab()
    # Interleaved with the counter lab of notebooks 01-02, so both see the same load on a shared machine.
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(RUNS):
        ours.append(rerun_latency_ms(lab, runs=1)[0])
        theirs.append(rerun_latency_ms(reference, runs=1)[0])
    median, worst = statistics.median(ours), max(ours)
    print("buffer_lab re-run at defaults (2 producers at 800/s, 2 consumers at 200/s, capacity 5, 32 items;")
    print("experiment + drawing + PNG):")
    print("  median", verdict(median, 300, "ms"), f"worst {worst:.0f} ms")
    print(f"  counter_lab at its defaults, interleaved for comparison: median {statistics.median(theirs):.0f} ms")
    started = time.thread_time()
    lab.draw(lab.result, lab.figure)
    figure_output(lab.figure, "alt")
    print(f"  CPU time of one drawing + PNG in this thread: {(time.thread_time() - started) * 1e3:.0f} ms")
    shown = 0
    experiment = []
    for _ in range(RUNS):
        result = lab.run()
        experiment.append(result.duration * 1e3)
        shown += result.producer_wait > result.consumer_wait and result.max_length == result.capacity
    print(f"  of which the threads' run: median {statistics.median(experiment):.0f} ms")
    figure = lab.figure
    draw, _ = timed_ms(lambda: figure_output(plot_buffer_run(lab.result, figure), "alt"), runs=7)
    print(f"  of which drawing + PNG: median {draw:.0f} ms")
    print(f"  effect shown (buffer full, producers waited longer): {shown} of {RUNS} runs")
    lab.producers.value = 1
    lab.consumers.value = 1
    lab.consume_rate.value = 100
    slow, _ = rerun_latency_ms(lab, runs=3)
    print(f"  slowest lab setting (1 consumer at 100 items/s): median {slow:.0f} ms")


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
    failing = sum(synclab.run_stolen_wakeup(take_if, 20).failed_every_run for _ in range(RUNS))
    passing = sum(synclab.run_stolen_wakeup(take_while, 20).never_failed for _ in range(RUNS))
    print(f"  take_if failed every run in {failing} of {RUNS} calls; take_while never failed in {passing} of {RUNS}")


def main() -> None:
    print(f"== bench_buffer on Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores ==")
    baseline = threading.active_count()
    lab_latency()
    forced_schedules()
    print("threads back to baseline:", threading.active_count() == baseline)


if __name__ == "__main__":
    main()
