"""Small measuring helpers shared by the benchmark scripts (printed, never asserted)."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any


def timed_ms(
    action: Callable[[], object], runs: int, *, clock: Callable[[], float] = time.perf_counter
) -> tuple[float, float]:
    """Median and worst time of ``action()`` over ``runs`` calls, in ms.

    Wall time by default; ``clock=time.process_time`` gives the CPU time of the
    whole process (all its threads), which other load on the machine does not inflate.
    """
    times = []
    for _ in range(runs):
        started = clock()
        action()
        times.append((clock() - started) * 1e3)
    return statistics.median(times), max(times)


def rerun_latency_ms(lab: Any, runs: int = 15) -> tuple[float, float]:
    """Median and worst wall time, in ms, of ``lab.rerun()`` (experiment + drawing + PNG)."""
    return timed_ms(lab.rerun, runs)


def peak_memory_mb(action: Callable[[], object]) -> float:
    """Peak Python memory allocated above the baseline while ``action`` runs, in MB."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline, _ = tracemalloc.get_traced_memory()
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return (peak - baseline) / 1e6


def verdict(value: float, target: float, unit: str, *, lower_is_better: bool = True) -> str:
    """``"123.4 ms (target <= 300 ms: met)"``."""
    met = value <= target if lower_is_better else value >= target
    sign = "<=" if lower_is_better else ">="
    return f"{value:,.1f} {unit} (target {sign} {target:g} {unit}: {'met' if met else 'NOT met'})"
