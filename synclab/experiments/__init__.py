"""Experiments: each runs real threads and returns a frozen result."""

from __future__ import annotations

from synclab.experiments.buffer import DONE, BufferResult, ThreadWaits, WaitSpan, run_buffer
from synclab.experiments.counter import (
    RACE_WINDOWS,
    CounterResult,
    CounterSweep,
    run_counter,
    sweep_counter,
)
from synclab.experiments.wakeups import NotifyResult, WakeupResult, run_notify, run_stolen_wakeup

__all__ = [
    "DONE",
    "RACE_WINDOWS",
    "CounterResult",
    "BufferResult",
    "CounterSweep",
    "NotifyResult",
    "ThreadWaits",
    "WaitSpan",
    "WakeupResult",
    "run_buffer",
    "run_counter",
    "run_notify",
    "run_stolen_wakeup",
    "sweep_counter",
]
