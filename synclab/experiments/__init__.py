"""Experiments: each runs real threads and returns a frozen result."""

from __future__ import annotations

from synclab.experiments.bank import BANK_STYLES, BankAccount, BankResult, BankSweep, run_bank, sweep_bank
from synclab.experiments.buffer import DONE, BufferResult, ThreadWaits, WaitSpan, run_buffer
from synclab.experiments.counter import (
    RACE_WINDOWS,
    CounterResult,
    CounterSweep,
    run_counter,
    sweep_counter,
)
from synclab.experiments.wakeups import NotifyResult, WakeupResult, run_notify, run_stolen_wakeup
from synclab.experiments.overhead import OverheadResult, PrimitiveCost, measure_overhead
from synclab.experiments.pool import GUARDS, PoolResult, PoolUse, ReleaseError, run_pool
from synclab.experiments.reentrant import LockCosts, measure_lock_costs, rlock_depth
from synclab.experiments.signals import (
    STOP_WAITS,
    GateResult,
    GateThread,
    PhaseResult,
    PhaseSpan,
    StopResult,
    StopThread,
    run_phases,
    run_start_gate,
    run_stop_signal,
)

__all__ = [
    "BANK_STYLES",
    "BankAccount",
    "BankResult",
    "BankSweep",
    "LockCosts",
    "DONE",
    "RACE_WINDOWS",
    "CounterResult",
    "BufferResult",
    "CounterSweep",
    "measure_lock_costs",
    "rlock_depth",
    "run_bank",
    "run_counter",
    "sweep_bank",
    "NotifyResult",
    "ThreadWaits",
    "WaitSpan",
    "WakeupResult",
    "run_buffer",
    "run_notify",
    "run_stolen_wakeup",
    "sweep_counter",
    "GUARDS",
    "STOP_WAITS",
    "GateResult",
    "GateThread",
    "OverheadResult",
    "PhaseResult",
    "PhaseSpan",
    "PoolResult",
    "PoolUse",
    "PrimitiveCost",
    "ReleaseError",
    "StopResult",
    "StopThread",
    "measure_overhead",
    "run_phases",
    "run_pool",
    "run_start_gate",
    "run_stop_signal",
]
