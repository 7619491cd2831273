"""Experiments: each runs real threads and returns a frozen result."""

from __future__ import annotations

from synclab.experiments.bank import BANK_STYLES, BankAccount, BankResult, BankSweep, run_bank, sweep_bank
from synclab.experiments.buffer import DONE, BufferResult, ThreadWaits, WaitSpan, run_buffer
from synclab.experiments.counter import RACE_WINDOWS, CounterResult, CounterSweep, run_counter, sweep_counter
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
from synclab.experiments.faq import BlockedThreadResult, TornReadResult, measure_blocked_thread, run_torn_reads
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
from synclab.experiments.transfers import (
    STRATEGIES,
    TransferRun,
    TransferRuns,
    TransferSweep,
    repeat_transfers,
    run_transfers,
    sweep_transfers,
)
from synclab.experiments.wakeups import NotifyResult, WakeupResult, run_notify, run_stolen_wakeup

__all__ = [
    "BANK_STYLES",
    "DONE",
    "GUARDS",
    "RACE_WINDOWS",
    "STOP_WAITS",
    "STRATEGIES",
    "BankAccount",
    "BankResult",
    "BankSweep",
    "BlockedThreadResult",
    "BufferResult",
    "CounterResult",
    "CounterSweep",
    "DeadlockError",
    "DeadlockReport",
    "GateResult",
    "GateThread",
    "LockCosts",
    "NotifyResult",
    "OverheadResult",
    "PhaseResult",
    "PhaseSpan",
    "PoolResult",
    "PoolUse",
    "PrimitiveCost",
    "ReleaseError",
    "StackFrame",
    "StopResult",
    "StopThread",
    "ThreadStack",
    "ThreadWaits",
    "TornReadResult",
    "TransferRun",
    "TransferRuns",
    "TransferSweep",
    "WaitForGraph",
    "WaitSpan",
    "WakeupResult",
    "cancellable_lock",
    "measure_blocked_thread",
    "measure_lock_costs",
    "measure_overhead",
    "repeat_transfers",
    "rlock_depth",
    "run_bank",
    "run_buffer",
    "run_counter",
    "run_notify",
    "run_phases",
    "run_pool",
    "run_start_gate",
    "run_stolen_wakeup",
    "run_stop_signal",
    "run_torn_reads",
    "run_transfers",
    "sweep_bank",
    "sweep_counter",
    "sweep_transfers",
    "thread_stacks",
    "wait_for_graph",
    "watch_for_deadlock",
]
