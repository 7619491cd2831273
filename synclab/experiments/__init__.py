"""Experiments: each runs real threads and returns a frozen result."""

from __future__ import annotations

from synclab.experiments.counter import (
    DEFAULT_SWITCH_INTERVAL,
    RACE_WINDOWS,
    CounterResult,
    CounterSweep,
    run_counter,
    sweep_counter,
)

__all__ = [
    "DEFAULT_SWITCH_INTERVAL",
    "RACE_WINDOWS",
    "CounterResult",
    "CounterSweep",
    "run_counter",
    "sweep_counter",
]
