"""Play the scheduler: a deterministic model of threads, and an explorer of its schedules.

Standard library only, and no real threads: you (or the explorer) decide which
thread runs each step.

- :mod:`~synclab.scheduler.program`: a few lines of Python become a thread's steps;
- :mod:`~synclab.scheduler.model`: :func:`scenario`, :class:`Scenario`, :class:`State`, :class:`Run`;
- :mod:`~synclab.scheduler.explore`: :func:`explore` counts every schedule and how each ends;
- :mod:`~synclab.scheduler.library`: the built-in scenarios and the challenges;
- :mod:`~synclab.scheduler.bytecode`: the real bytecode of ``counter += 1``, grouped as load, add, store.
"""

from __future__ import annotations

from synclab.scheduler.bytecode import BytecodeGroup, increment_bytecode
from synclab.scheduler.explore import (
    DEFAULT_MAX_STATES,
    Ending,
    Exploration,
    ExplorationLimit,
    ScheduleSweep,
    SweepPoint,
    counter_scenario,
    explore,
    interleavings,
    schedules,
    sweep_schedules,
)
from synclab.scheduler.library import (
    CHALLENGES,
    Challenge,
    challenge,
    deadlock_scenario,
    if_consumer_scenario,
    insufficient_lock_scenario,
    lost_update_scenario,
)
from synclab.scheduler.model import MAX_THREADS, Problem, Run, Scenario, State, StepError, scenario
from synclab.scheduler.program import Program, Step, compile_program

__all__ = [
    "CHALLENGES",
    "DEFAULT_MAX_STATES",
    "MAX_THREADS",
    "BytecodeGroup",
    "Challenge",
    "Ending",
    "Exploration",
    "ExplorationLimit",
    "Problem",
    "Program",
    "Run",
    "Scenario",
    "ScheduleSweep",
    "State",
    "Step",
    "StepError",
    "SweepPoint",
    "challenge",
    "compile_program",
    "counter_scenario",
    "deadlock_scenario",
    "explore",
    "if_consumer_scenario",
    "increment_bytecode",
    "insufficient_lock_scenario",
    "interleavings",
    "lost_update_scenario",
    "scenario",
    "schedules",
    "sweep_schedules",
]
