"""synclab: measure, plot and play with Python thread synchronization.

The names below are exactly the ones the notebooks call (``tests/test_exports.py`` checks
it); plots are called through ``synclab.plots``. Data flows one way:
instruments -> experiments -> results -> plots -> widgets. Result records live in their
submodule: ``synclab.experiments.counter.CounterResult``, ...
"""

from __future__ import annotations

from synclab._threads.deadlock import resource_allocation_graph, thread_stacks, watch_for_deadlock
from synclab._threads.primitives import measure_overhead
from synclab.checks import check_exercise
from synclab.environment import check_environment, gil_enabled
from synclab.experiments.bank import BankAccount, run_bank, sweep_bank
from synclab.experiments.conditions import run_buffer, run_notify, run_stolen_wakeup
from synclab.experiments.counter import run_counter, sweep_counter
from synclab.experiments.deadlock import run_transfers, sweep_transfers
from synclab.experiments.faq import measure_blocked_thread, run_dict_iteration
from synclab.experiments.primitives import run_phases, run_pool, run_start_gate, run_stop_signal
from synclab.experiments.queues import measure_concurrency, run_pipeline, run_queue_buffer
from synclab.experiments.reentrant import LEDGER_DESIGNS, measure_lock_costs, rlock_depth, run_ledger
from synclab.experiments.testing import FifoLock, repeat_test, run_livelock, run_starvation
from synclab.instruments import InstrumentedLock
from synclab.scheduler import explore, scenario, sweep_schedules
from synclab.widgets import (
    bank_lab,
    buffer_lab,
    catch_rate_lab,
    counter_lab,
    pipeline_lab,
    pool_lab,
    reentrant_lab,
    scheduler_lab,
    self_check_quiz,
    transfer_lab,
    widgets_check,
)

__version__ = "0.1.0"

# isort: split
# after the experiments: the plots are called as synclab.plots.plot_counter(...)
from synclab import plots as plots

__all__ = [
    "BankAccount",
    "FifoLock",
    "InstrumentedLock",
    "LEDGER_DESIGNS",
    "bank_lab",
    "buffer_lab",
    "catch_rate_lab",
    "check_environment",
    "check_exercise",
    "counter_lab",
    "explore",
    "gil_enabled",
    "measure_blocked_thread",
    "measure_concurrency",
    "measure_lock_costs",
    "measure_overhead",
    "pipeline_lab",
    "pool_lab",
    "reentrant_lab",
    "repeat_test",
    "resource_allocation_graph",
    "rlock_depth",
    "run_bank",
    "run_buffer",
    "run_counter",
    "run_dict_iteration",
    "run_ledger",
    "run_livelock",
    "run_notify",
    "run_phases",
    "run_pipeline",
    "run_pool",
    "run_queue_buffer",
    "run_start_gate",
    "run_starvation",
    "run_stolen_wakeup",
    "run_stop_signal",
    "run_transfers",
    "scenario",
    "scheduler_lab",
    "self_check_quiz",
    "sweep_bank",
    "sweep_counter",
    "sweep_schedules",
    "sweep_transfers",
    "thread_stacks",
    "transfer_lab",
    "watch_for_deadlock",
    "widgets_check",
]
