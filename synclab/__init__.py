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
    BufferResult,
    CounterResult,
    CounterSweep,
    run_buffer,
    run_counter,
    run_notify,
    run_stolen_wakeup,
    sweep_counter,
)
from synclab.instruments import InstrumentedLock, LockEvent, LockStatistics, ThreadLockStatistics
from synclab.plots import (
    plot_buffer_run,
    plot_contention,
    plot_counter,
    plot_counter_run,
    plot_hold_histogram,
    plot_lock_timeline,
)
from synclab.widgets import buffer_lab, counter_lab, widgets_check

__version__ = "0.1.0"

__all__ = [
    "RACE_WINDOWS",
    "BufferResult",
    "CheckResult",
    "CounterResult",
    "CounterSweep",
    "InstrumentedLock",
    "LockEvent",
    "LockStatistics",
    "ThreadLockStatistics",
    "check_environment",
    "buffer_lab",
    "check_exercise",
    "counter_lab",
    "gil_enabled",
    "plot_buffer_run",
    "plot_contention",
    "plot_counter",
    "plot_counter_run",
    "plot_hold_histogram",
    "plot_lock_timeline",
    "run_buffer",
    "run_counter",
    "run_notify",
    "run_stolen_wakeup",
    "sweep_counter",
    "widgets_check",
]
