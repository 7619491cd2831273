"""Notebook 06 figures: the pipeline lab's re-run time, how often a list loses items, Queue against Condition.

measure_concurrency is not timed here: its process pool starts with ``spawn``,
which imports the main script again in every process (this one imports all of
synclab, over a second each); in a notebook the main module is the kernel's,
which imports almost nothing, and the notebook prints the start-up it measured.

Printed, never asserted: these machines are shared and noisy, so each figure is
a median or a count of runs, measured in one go.

    python benchmarks/bench_queues.py            # as the machine is
    python tools/busy.py -- python benchmarks/bench_queues.py   # with every core kept busy
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import rerun_latency_ms, timed_ms, verdict

import synclab
from synclab.widgets.queues import LAB_CAPACITY, LAB_ITEMS, LAB_WORK

RUNS = 20


def lab_latency() -> None:
    lab = synclab.pipeline_lab()
    median, worst = rerun_latency_ms(lab, runs=RUNS)
    print(f"pipeline_lab re-run at defaults (2 stages x 3 workers, {LAB_ITEMS} items, Queue;")
    print("experiment + drawing + PNG):")
    print("  median", verdict(median, 150, "ms"), f"worst {worst:.0f} ms")
    runs = [lab.run() for _ in range(RUNS)]
    print(f"  of which the threads' run: median {statistics.median(r.duration for r in runs) * 1e3:.0f} ms")
    draw, _ = timed_ms(lambda: lab.draw(lab.result, lab.figure), runs=7)
    print(f"  of which drawing (no PNG): median {draw:.0f} ms")
    lab.channel.value = "list"
    median, worst = rerun_latency_ms(lab, runs=RUNS)
    print(f"  with the list: median {median:.0f} ms, worst {worst:.0f} ms")
    lab.stages.value = 4
    lab.workers.value = 8
    lab.channel.value = "Queue"
    median, worst = rerun_latency_ms(lab, runs=5)
    print(f"  largest setting (4 stages x 8 workers, Queue): median {median:.0f} ms, worst {worst:.0f} ms")


def list_losses() -> None:
    print(f"run_pipeline at the lab's defaults, {RUNS} runs each: runs in which items were lost or duplicated")
    for channel in synclab.experiments.queues.CHANNELS:
        bad = lost = copies = crashed = 0
        for _ in range(RUNS):
            r = synclab.run_pipeline(2, 3, LAB_ITEMS, LAB_CAPACITY, LAB_WORK, channel)
            bad += not r.delivered_once
            lost += r.lost
            copies += r.duplicates
            crashed += len(r.crashes)
        print(
            f"  {channel:5s}: {bad}/{RUNS} runs; in all {lost} items lost, {copies} extra copies, "
            f"{crashed} workers died of IndexError"
        )
    for workers in (1, 2):
        bad = sum(
            not synclab.run_pipeline(2, workers, LAB_ITEMS, LAB_CAPACITY, LAB_WORK, "list").delivered_once
            for _ in range(RUNS)
        )
        print(f"  list with {workers} worker(s) per stage: {bad}/{RUNS} runs lost or duplicated items")


def queue_against_condition() -> None:
    print(f"run_buffer (Condition) against run_queue_buffer (queue.Queue), defaults, {RUNS} runs each")
    for name, run in (("Condition", synclab.run_buffer), ("Queue", synclab.run_queue_buffer)):
        results = [run() for _ in range(RUNS)]
        same = sum(
            r.delivered_once and r.max_length <= r.capacity and r.producer_wait > r.consumer_wait for r in results
        )
        print(
            f"  {name:9s}: full {statistics.median(r.share_full for r in results):.0%} of the time (median), "
            f"delivered once, within capacity, producers waited more: {same}/{RUNS}"
        )


def main() -> None:
    print(f"== bench_queues on Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores ==")
    baseline = threading.active_count()
    lab_latency()
    list_losses()
    queue_against_condition()
    print("threads back to baseline:", threading.active_count() == baseline)


if __name__ == "__main__":
    main()
