"""Experiments: each runs real threads and returns a frozen result."""

from __future__ import annotations

from synclab.experiments.counter import (
    RACE_WINDOWS,
    CounterResult,
    CounterSweep,
    run_counter,
    sweep_counter,
)

__all__ = [
    "RACE_WINDOWS",
    "CounterResult",
    "CounterSweep",
    "run_counter",
    "sweep_counter",
]
