"""Play the scheduler: a deterministic model of threads, and an explorer of its schedules.

Standard library only, and no real threads: you (or the explorer) decide which thread runs each
step. :mod:`~synclab.scheduler.program` turns a few lines of Python into a thread's steps,
:mod:`~synclab.scheduler.model` runs them, :mod:`~synclab.scheduler.explore` counts every schedule,
:mod:`~synclab.scheduler.library` holds the built-in scenarios and challenges, and
:mod:`~synclab.scheduler.bytecode` matches the model's load, add and store with the real bytecode.
"""

from __future__ import annotations

from synclab.scheduler.bytecode import increment_bytecode
from synclab.scheduler.explore import (
    ExplorationLimit,
    counter_scenario,
    explore,
    interleavings,
    schedules,
    sweep_schedules,
)
from synclab.scheduler.library import CHALLENGES
from synclab.scheduler.model import StepError, scenario

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
