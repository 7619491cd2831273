"""Experiments: each runs real threads and returns a frozen result."""

from __future__ import annotations

from synclab.experiments.bank import BANK_STYLES, BankAccount, BankResult, BankSweep, run_bank, sweep_bank
from synclab.experiments.counter import (
    RACE_WINDOWS,
    CounterResult,
    CounterSweep,
    run_counter,
    sweep_counter,
)
from synclab.experiments.deadlock import (
    DeadlockError,
    DeadlockReport,
    StackFrame,
    ThreadStack,
    WaitForGraph,
    cancellable_lock,
    thread_stacks,
    wait_for_graph,
    watch_for_deadlock,
)
from synclab.experiments.faq import (
    BlockedThreadResult,
    TornReadResult,
    measure_blocked_thread,
    run_torn_reads,
)
from synclab.experiments.transfers import (
    STRATEGIES,
    TransferRun,
    TransferRuns,
    TransferSweep,
    repeat_transfers,
    run_transfers,
    sweep_transfers,
)
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
    "RACE_WINDOWS",
    "CounterResult",
    "CounterSweep",
    "measure_lock_costs",
    "rlock_depth",
    "run_bank",
    "run_counter",
    "sweep_bank",
    "sweep_counter",
    "DeadlockError",
    "DeadlockReport",
    "StackFrame",
    "ThreadStack",
    "WaitForGraph",
    "cancellable_lock",
    "thread_stacks",
    "wait_for_graph",
    "watch_for_deadlock",
    "BlockedThreadResult",
    "TornReadResult",
    "measure_blocked_thread",
    "run_torn_reads",
    "STRATEGIES",
    "TransferRun",
    "TransferRuns",
    "TransferSweep",
    "repeat_transfers",
    "run_transfers",
    "sweep_transfers",
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
