"""Notebook 08 (choosing a primitive): how reliably each demo shows its effect (the pool lab: bench_labs.py).

Usage: python benchmarks/bench_primitives.py [runs]

Prints figures, never asserts. ``runs`` (default 30) is how many times each
experiment is repeated to count the runs that show the effect.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


import synclab  # noqa: E402


def timed(action: Callable[[], object], runs: int) -> tuple[list[object], float]:
    """Run ``action`` ``runs`` times; return the results and the median wall time in ms."""
    results, times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        results.append(action())
        times.append((time.perf_counter() - started) * 1e3)
    return results, statistics.median(times)


def main(runs: int) -> None:
    print(f"bench_primitives: Python {platform.python_version()}, {runs} runs per figure")

    pools, ms = timed(synclab.run_pool, runs)
    print(
        f"  run_pool() defaults: {sum(r.max_holders == r.limit for r in pools)}/{runs} runs reach the limit, "
        f"{sum(r.exceeded for r in pools)}/{runs} exceed it; median {ms:.1f} ms"
    )
    pools, ms = timed(lambda: synclab.run_pool(guard="none"), runs)
    print(
        f"  run_pool(guard='none'): {sum(r.exceeded for r in pools)}/{runs} runs exceed the limit; median {ms:.1f} ms"
    )
    pools, ms = timed(lambda: synclab.run_pool(extra_release=True), runs)
    print(
        f"  run_pool(extra_release=True): {sum(r.max_holders == r.limit + 1 for r in pools)}/{runs} runs let "
        f"limit + 1 in, {sum(r.permits_after == r.limit + 1 for r in pools)}/{runs} end with limit + 1 permits; "
        f"median {ms:.1f} ms"
    )
    pools, ms = timed(lambda: synclab.run_pool(guard="BoundedSemaphore", extra_release=True), runs)
    print(
        f"  run_pool(BoundedSemaphore, extra_release=True): {sum(len(r.release_errors) == 1 for r in pools)}/{runs} "
        f"runs raise exactly one ValueError, {sum(r.release_errors[0].extra for r in pools)}/{runs} from the extra "
        f"release itself, {sum(r.exceeded for r in pools)}/{runs} exceed the limit first; median {ms:.1f} ms"
    )

    gates, ms = timed(lambda: synclab.run_start_gate(use_gate=False), runs)
    print(
        f"  run_start_gate(use_gate=False): {sum(bool(r.early) for r in gates)}/{runs} runs have a worker begin "
        f"before setup; median {ms:.1f} ms"
    )
    gates, ms = timed(synclab.run_start_gate, runs)
    print(
        f"  run_start_gate(): {sum(not r.early for r in gates)}/{runs} runs have every worker see setup done; "
        f"median {ms:.1f} ms"
    )

    few = max(3, runs // 5)
    sleeps, ms_sleep = timed(lambda: synclab.run_stop_signal(wait="sleep"), few)
    events, ms_event = timed(synclab.run_stop_signal, few)
    slowest_event = max(r.max_latency for r in events)
    fastest_sleep = min(min(r.latencies) for r in sleeps)
    print(
        f"  run_stop_signal: slowest event waiter stopped {slowest_event * 1e3:.2f} ms after the signal, fastest "
        f"sleeper {fastest_sleep * 1e3:.1f} ms ({few} runs each; median {ms_event:.0f} / {ms_sleep:.0f} ms per run)"
    )

    phases, ms = timed(lambda: synclab.run_phases(use_barrier=False), runs)
    print(
        f"  run_phases(use_barrier=False): {sum(r.overlapping for r in phases)}/{runs} runs overlap; median {ms:.1f} ms"
    )
    phases, ms = timed(synclab.run_phases, runs)
    print(
        f"  run_phases(): {sum(not r.overlapping for r in phases)}/{runs} runs keep the phases apart; "
        f"median {ms:.1f} ms"
    )

    overheads, ms = timed(synclab.measure_overhead, 3)
    print(f"  measure_overhead() defaults: median {ms:.0f} ms")
    for name in ("Lock", "RLock", "Condition", "Semaphore", "Event", "Event.is_set"):
        figures = [r.cost(name).seconds * 1e9 for r in overheads]  # type: ignore[attr-defined]
        ratios = [r.relative(name) for r in overheads]  # type: ignore[attr-defined]
        print(
            f"    {name:<13} {min(figures):7.0f} - {max(figures):7.0f} ns  "
            f"({min(ratios):.1f} - {max(ratios):.1f} x Lock)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
