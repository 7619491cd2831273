"""synclab: measure, plot and play with Python thread synchronization.

The notebooks import this package; the learner writes real ``threading`` code
and synclab measures it (instruments), runs it (experiments), draws it (plots)
and wires it to controls (widgets). Data flows one way::

    instruments -> experiments -> results -> plots -> widgets

The names below are exactly the ones the notebooks call (``tests/test_exports.py``
reads every notebook to check that). The plots are called through their submodule,
``synclab.plots.plot_counter(result)``, so the names here are what a notebook runs.
Result records and the helpers behind them live in the submodules:
``synclab.experiments.counter.CounterResult``, ...
"""

from __future__ import annotations

from synclab.checks import check_exercise
from synclab.environment import check_environment, gil_enabled
from synclab.experiments import (
    LEDGER_DESIGNS,
    BankAccount,
    FifoLock,
    measure_blocked_thread,
    measure_concurrency,
    measure_lock_costs,
    measure_overhead,
    repeat_test,
    resource_allocation_graph,
    rlock_depth,
    run_bank,
    run_buffer,
    run_counter,
    run_dict_iteration,
    run_ledger,
    run_livelock,
    run_notify,
    run_phases,
    run_pipeline,
    run_pool,
    run_queue_buffer,
    run_start_gate,
    run_starvation,
    run_stolen_wakeup,
    run_stop_signal,
    run_transfers,
    sweep_bank,
    sweep_counter,
    sweep_transfers,
    thread_stacks,
    watch_for_deadlock,
)
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
