"""Play the scheduler: a deterministic model of threads, and an explorer of its schedules.

Standard library only, and no real threads: you (or the explorer) decide which thread runs each step.
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
