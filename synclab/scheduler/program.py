"""A thread's program as the model runs it: its steps, each touching shared memory at most once.

The scheduler may switch threads between any two steps, as CPython 3.9 or a free-threaded build
can: ``counter += 1`` is three steps, load, add, store, the three parts ``dis`` shows.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

__all__ = ["MAX_STEPS", "Program", "Step", "passes"]

Value = int | bool

MAX_STEPS = 200

#: Operand kinds: a constant, a local of the thread, a shared variable, whether a lock is held.
CONST, LOCAL, SHARED, LOCKED = 0, 1, 2, 3

#: An operand: ``(CONST, value)``, ``(LOCAL, index)``, ``(SHARED, index)`` or ``(LOCKED, lock index)``.
Operand = tuple[int, Value]

#: What ``a op b`` computes; a ``test`` step also tests ``a`` alone (``"truth"``, ``"not"``).
OPERATORS = {
    "+": operator.add,
    "-": operator.sub,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "truth": lambda a, _: bool(a),
    "not": lambda a, _: not a,
}


def passes(op: str, a: Value, b: Value) -> bool:
    """Whether a test step with operator ``op`` (a comparison, ``"truth"`` or ``"not"``) is true."""
    return bool(OPERATORS[op](a, b))


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a thread: the smallest thing the scheduler can run."""

    kind: str  # load, compute, store, acquire, release, wait, notify, test, append, pop or critical
    line: int
    text: str
    target: int = -1  # the shared variable, lock or condition it acts on (an index), or the local a compute writes
    dest: int = -1  # the local a load writes
    a: Operand = (CONST, 0)  # a op b: what a compute, store or test evaluates
    op: str = ""
    b: Operand = (CONST, 0)
    next_pc: int = 0  # where a test goes on when true (the next step, for any other step)
    else_pc: int = 0  # where a test goes on when false
    notify_all: bool = False
    with_locks: tuple[int, ...] = ()  # the locks of the with blocks around it, released if it raises


@dataclass(frozen=True, slots=True)
class Program:
    """A thread's program: its source lines (dedented), its steps and the names of its locals."""

    thread: str
    lines: tuple[str, ...]
    steps: tuple[Step, ...]
    locals: tuple[str, ...]
