"""synclab: measure, plot and play with Python thread synchronization.

The notebooks import this package; the learner writes real ``threading`` code
and synclab measures it (instruments), runs it (experiments), draws it (plots)
and wires it to controls (widgets). Data flows one way::

    instruments -> experiments -> results -> plots -> widgets
"""

from __future__ import annotations

from synclab.checks import CheckResult, check_exercise
from synclab.environment import check_environment, gil_enabled
from synclab.experiments import (
    RACE_WINDOWS,
    BankAccount,
    BankResult,
    BankSweep,
    CounterResult,
    CounterSweep,
    LockCosts,
    measure_lock_costs,
    rlock_depth,
    run_bank,
    run_counter,
    sweep_bank,
    sweep_counter,
)
from synclab.experiments.deadlock import (
    DeadlockError,
    DeadlockReport,
    ThreadStack,
    WaitForGraph,
    thread_stacks,
    wait_for_graph,
    watch_for_deadlock,
)
from synclab.experiments.faq import BlockedThreadResult, TornReadResult, measure_blocked_thread, run_torn_reads
from synclab.experiments.transfers import (
    TransferRun,
    TransferRuns,
    TransferSweep,
    repeat_transfers,
    run_transfers,
    sweep_transfers,
)
from synclab.experiments import (
    GateResult,
    OverheadResult,
    PhaseResult,
    PoolResult,
    StopResult,
    measure_overhead,
    run_phases,
    run_pool,
    run_start_gate,
    run_stop_signal,
)
from synclab.instruments import InstrumentedLock, LockEvent, LockStatistics, ThreadLockStatistics
from synclab.plots import plot_schedules
from synclab.plots import (
    plot_balance,
    plot_bank,
    plot_bank_sweep,
    plot_contention,
    plot_counter,
    plot_counter_run,
    plot_hold_histogram,
    plot_lock_costs,
    plot_lock_timeline,
    plot_throughput,
)
from synclab.plots.deadlock import (
    plot_deadlock_share,
    plot_strategies,
    plot_transfer_throughput,
    plot_transfer_runs,
    plot_wait_for_graph,
)
from synclab.plots.faq import plot_blocked_thread, plot_torn_reads
from synclab.widgets.quiz import self_check_quiz
from synclab.widgets.transfers import transfer_lab
from synclab.plots import (
    overhead_table,
    plot_overhead,
    plot_phases,
    plot_pool,
    plot_start_gate,
    plot_stop_signal,
)
from synclab.widgets import counter_lab, widgets_check
from synclab.widgets.bank import bank_lab
from synclab.widgets import pool_lab
from synclab.scheduler import Exploration, Scenario, ScheduleSweep, explore, scenario, sweep_schedules
from synclab.widgets import scheduler_lab

__version__ = "0.1.0"

__all__ = [
    "RACE_WINDOWS",
    "BankAccount",
    "BankResult",
    "BankSweep",
    "CheckResult",
    "CounterResult",
    "CounterSweep",
    "InstrumentedLock",
    "LockCosts",
    "LockEvent",
    "LockStatistics",
    "ThreadLockStatistics",
    "bank_lab",
    "check_environment",
    "check_exercise",
    "counter_lab",
    "gil_enabled",
    "measure_lock_costs",
    "plot_balance",
    "plot_bank",
    "plot_bank_sweep",
    "plot_contention",
    "plot_counter",
    "plot_counter_run",
    "plot_hold_histogram",
    "plot_lock_costs",
    "plot_lock_timeline",
    "plot_throughput",
    "rlock_depth",
    "run_bank",
    "run_counter",
    "sweep_bank",
    "sweep_counter",
    "widgets_check",
    "BlockedThreadResult",
    "DeadlockError",
    "DeadlockReport",
    "ThreadStack",
    "TornReadResult",
    "TransferRun",
    "TransferRuns",
    "TransferSweep",
    "WaitForGraph",
    "measure_blocked_thread",
    "plot_blocked_thread",
    "plot_deadlock_share",
    "plot_strategies",
    "plot_transfer_throughput",
    "plot_torn_reads",
    "plot_transfer_runs",
    "plot_wait_for_graph",
    "repeat_transfers",
    "run_torn_reads",
    "run_transfers",
    "self_check_quiz",
    "sweep_transfers",
    "thread_stacks",
    "transfer_lab",
    "wait_for_graph",
    "watch_for_deadlock",
    "GateResult",
    "OverheadResult",
    "PhaseResult",
    "PoolResult",
    "StopResult",
    "measure_overhead",
    "overhead_table",
    "plot_overhead",
    "plot_phases",
    "plot_pool",
    "plot_start_gate",
    "plot_stop_signal",
    "pool_lab",
    "run_phases",
    "run_pool",
    "run_start_gate",
    "run_stop_signal",
    "Exploration",
    "Scenario",
    "ScheduleSweep",
    "explore",
    "plot_schedules",
    "scenario",
    "scheduler_lab",
    "sweep_schedules",
]
