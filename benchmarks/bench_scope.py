"""Notebooks 03 and 04: bank and ledger lab latency, what their defaults show, and the cost of RLock.

Printed, never asserted: these machines are shared and noisy, so each figure is
a median (or a count) measured in one run, next to the load average it ran under.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import rerun_latency_ms, timed_ms, verdict

import synclab
from synclab.experiments.reentrant import SELF_DEADLOCK_TIMEOUT
from synclab.plots._style import fmt_seconds
from synclab.plots.bank import plot_bank
from synclab.widgets._base import figure_output

RUNS = 15


def _median_ms(action, runs: int = RUNS) -> float:
    return timed_ms(action, runs)[0]


def _median_cpu_ms(action, runs: int = RUNS) -> float:
    """Median CPU time of the whole process (all its threads) per call: what the load does not inflate."""
    return timed_ms(action, runs, clock=time.process_time)[0]


def bank_lab_latency() -> None:
    lab = synclab.bank_lab()
    r = lab.result
    print(
        f"bank_lab re-run at defaults ({r.threads} threads x {r.withdrawals} withdrawals, "
        f"{r.work * 1e3:g} ms of slow work inside the lock; experiment + drawing):"
    )
    median, worst = rerun_latency_ms(lab, runs=RUNS)
    print("  median", verdict(median, 300, "ms"), f"worst {worst:.0f} ms")
    experiment = _median_ms(lambda: synclab.run_bank(r.threads, r.withdrawals, r.style, r.work))
    fig, result = lab.figure, lab.result
    draw_wall = _median_ms(lambda: figure_output(plot_bank(result, fig), "bank"))
    draw_cpu = _median_cpu_ms(lambda: figure_output(plot_bank(result, fig), "bank"))
    print(
        f"  split: experiment {experiment:.0f} ms (mostly the threads sleeping in turn), drawing the four "
        f"panels and encoding the PNG {draw_wall:.0f} ms wall, {draw_cpu:.0f} ms of CPU"
    )
    print(f"  on an idle core a re-run would take about experiment + drawing CPU = {experiment + draw_cpu:.0f} ms")
    lab.work_inside.value = False
    median_out, worst_out = rerun_latency_ms(lab, runs=RUNS)
    print(
        "  switched to the work outside the lock: median", verdict(median_out, 300, "ms"), f"worst {worst_out:.0f} ms"
    )
    counter = synclab.counter_lab()
    counter_median, _ = rerun_latency_ms(counter, runs=7)
    print(f"  for scale, counter_lab (notebooks 01-02) re-run at its defaults just now: median {counter_median:.0f} ms")


def bank_defaults() -> None:
    print("run_bank experiment alone (no drawing), median of", RUNS, "runs, by withdrawals per thread:")
    for withdrawals in (10, 15, 20, 30):
        inside = _median_ms(lambda n=withdrawals: synclab.run_bank(withdrawals=n, style="long"))
        outside = _median_ms(lambda n=withdrawals: synclab.run_bank(withdrawals=n, style="short"))
        print(f"  {withdrawals:3d} withdrawals: work inside {inside:5.0f} ms, outside {outside:5.0f} ms")
    runs = 30
    long_runs = [synclab.run_bank() for _ in range(runs)]
    contended = sum(r.lock.contended > 0 for r in long_runs)
    held = sum(all(e.hold >= r.work for e in r.lock.events) for r in long_runs)
    print(
        f"defaults, work inside the lock: threads waited in {contended}/{runs} runs; "
        f"every hold >= the slow work in {held}/{runs} runs"
    )
    short_runs = [synclab.run_bank(style="short") for _ in range(runs)]
    ratio = statistics.median(lo.throughput / hi.throughput for lo, hi in zip(short_runs, long_runs, strict=True))
    print(f"  throughput with the work outside / inside the lock: median {ratio:.1f}x (4 threads: at most 4x)")
    overdraft = [synclab.run_bank(style="check_outside", withdrawals=10, balance=100) for _ in range(runs)]
    fixed = [synclab.run_bank(style="short", withdrawals=10, balance=100) for _ in range(runs)]
    print(
        f"notebook 03's overdraft demo: overdrawn in {sum(r.overdrawn for r in overdraft)}/{runs} runs "
        f"with the check outside the lock, exact (balance 0, 10 approved) in "
        f"{sum(r.closing == 0 and r.approved == 10 for r in fixed)}/{runs} with it inside"
    )


def rlock_costs() -> None:
    overhead = synclab.measure_overhead()  # the same call and rows as notebooks 04 and 08
    lock, rlock = overhead.cost("Lock"), overhead.cost("RLock")
    print("uncontended costs (notebook 04; one `with` as in notebook 08's table):")
    print(
        f"  {lock.name} `{lock.code}`: {lock.seconds * 1e9:5.0f} ns   "
        f"{rlock.name} `{rlock.code}`: {rlock.seconds * 1e9:5.0f} ns (ratio {overhead.relative('RLock'):.2f}x)"
    )
    costs = synclab.measure_lock_costs(calls=20_000, repeat=7)
    print("  nested operations, best of 7 x 20,000 calls:")
    for depth, rlock_ns, helper_ns in zip(costs.depths, costs.rlock, costs.helper, strict=True):
        print(f"  depth {depth:2d}: RLock at every level {rlock_ns:6.0f} ns, Lock + helpers {helper_ns:6.0f} ns")
    print(f"  the RLock design costs {costs.extra_per_level:.0f} ns more per extra level")
    print(f"  measure_lock_costs() at its defaults takes {_median_ms(synclab.measure_lock_costs, runs=3):.0f} ms")


def ledger_lab() -> None:
    lab = synclab.reentrant_lab()
    r = lab.result
    print(f"reentrant_lab (notebook 04) re-run, {r.threads} threads x {r.batches} batches of {r.batch_size} entries:")
    for design in synclab.LEDGER_DESIGNS:
        lab.design.value = design
        median, worst = rerun_latency_ms(lab, runs=RUNS)
        print(f"  {design:6}: median", verdict(median, 300, "ms"), f"worst {worst:.0f} ms")
    lab.design.value = "Lock"
    lab.threads.value = lab.threads.max
    median, worst = rerun_latency_ms(lab, runs=5)
    print(
        f"  {lab.design.value:6} at {lab.threads.value} threads (each stuck "
        f"{fmt_seconds(SELF_DEADLOCK_TIMEOUT)} in turn): median {median:.0f} ms, worst {worst:.0f} ms"
    )
    runs = 30
    for design in synclab.LEDGER_DESIGNS:
        results = [synclab.run_ledger(design=design) for _ in range(runs)]
        exact = sum(x.exact for x in results)
        stuck = sum(len(x.stuck) == x.threads for x in results)
        print(
            f"  run_ledger(design={design!r}) x {runs}: exact {exact}/{runs}, every thread stuck {stuck}/{runs}, "
            f"median {_median_ms(lambda d=design: synclab.run_ledger(design=d)):.0f} ms"
        )


def main() -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"== bench_scope on Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {load} =="
    )
    bank_lab_latency()
    bank_defaults()
    rlock_costs()
    ledger_lab()


if __name__ == "__main__":
    main()
