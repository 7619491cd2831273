"""Notebooks 03 and 04: what the bank and ledger experiments show at the labs' defaults, and the cost of RLock.

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

from _measure import timed_ms

import synclab

RUNS = 15


def _median_ms(action, runs: int = RUNS) -> float:
    return timed_ms(action, runs)[0]


def _median_cpu_ms(action, runs: int = RUNS) -> float:
    """Median CPU time of the whole process (all its threads) per call: what the load does not inflate."""
    return timed_ms(action, runs, clock=time.process_time)[0]


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


def ledger_runs() -> None:
    print("run_ledger at the lab's defaults (4 threads x 10 batches of 4 entries; the lab's re-run: bench_labs.py):")
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
    bank_defaults()
    rlock_costs()
    ledger_runs()


if __name__ == "__main__":
    main()
