"""Play the scheduler: a deterministic model of threads, and an explorer of its schedules.

Standard library only, and no real threads: you (or the explorer) decide which thread runs each
step. :mod:`~synclab.scheduler.declare` declares the threads and what they share,
:mod:`~synclab.scheduler.compiler` turns each thread's few lines of Python into its steps
(:mod:`~synclab.scheduler.program`), :mod:`~synclab.scheduler.model` runs them,
:mod:`~synclab.scheduler.run` one at a time as you pick them, :mod:`~synclab.scheduler.explore`
counts every schedule, :mod:`~synclab.scheduler.sweep` does so for many counters,
:mod:`~synclab.scheduler.library` holds the built-in scenarios and challenges, and
:mod:`~synclab.scheduler.bytecode` matches the model's load, add and store with the real bytecode.
"""

from __future__ import annotations

from synclab.scheduler.bytecode import increment_bytecode
from synclab.scheduler.declare import scenario
from synclab.scheduler.explore import ExplorationLimit, explore, interleavings, schedules
from synclab.scheduler.library import CHALLENGES
from synclab.scheduler.run import StepError
from synclab.scheduler.sweep import counter_scenario, sweep_schedules

__all__ = [
    "CHALLENGES",
    "ExplorationLimit",
    "StepError",
    "counter_scenario",
    "explore",
    "increment_bytecode",
    "interleavings",
    "scenario",
    "schedules",
    "sweep_schedules",
]
