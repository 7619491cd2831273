"""The deterministic model: threads, shared memory, locks and conditions.

A :class:`Scenario` is a few threads, each running a short program (see
:mod:`synclab.scheduler.program`), over declared shared variables, buffers,
locks and conditions. A :class:`State` is a snapshot of everything that can
change. Nothing here starts a thread: *you* are the scheduler, and
:meth:`Scenario.step` runs one step of the thread you pick.

Everything is immutable. A :class:`Run` is a scenario, the history of states
and the schedule so far; ``run.step("T1")`` returns a new run, ``undo()`` goes
back one state and ``reset()`` back to the start.

The rules the model follows, all of them as in Python's ``threading``:

- a lock has at most one holder; a thread whose next step acquires a held lock
  is *blocked* and cannot be stepped until the lock is released (a thread that
  acquires a lock it already holds blocks forever: a ``Lock`` is not reentrant);
- only the holder may release a lock: releasing a lock you do not hold raises
  ``RuntimeError`` in that thread, which then ends. (A plain ``threading.Lock``
  lets another thread release it; the model is strict, like ``RLock``, because
  doing so is almost always a bug.)
- ``cond.wait()`` needs the condition's lock; it releases the lock and sleeps
  until another thread calls ``cond.notify()`` (which wakes the longest waiting
  thread, as CPython does) or ``notify_all()``; the woken thread must then
  re-acquire the lock, which is one more step and may block;
- ``buffer.pop()`` on an empty buffer raises ``IndexError``; a thread that
  raises ends, and ``with`` blocks release their locks on the way out;
- any thread may be switched out between any two steps. CPython 3.10+ with the
  GIL switches only at function calls and entries and the backward jump of a
  loop (on CPython 3.10 also some conditional jumps), so on it a real program
  may never show some of these schedules; an older CPython or a free-threaded
  build can.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from synclab._validate import check_int
from synclab.scheduler.program import (
    ACQUIRE,
    APPEND,
    COMPUTE,
    CONST,
    CRITICAL,
    LOAD,
    LOCAL,
    LOCKED,
    NOTIFY,
    POP,
    RELEASE,
    STORE,
    TEST,
    WAIT,
    Operand,
    Program,
    Step,
    compile_program,
)

__all__ = [
    "CRASHED",
    "DONE",
    "MAX_THREADS",
    "NOTIFIED",
    "RUNNING",
    "WAITING",
    "Problem",
    "Run",
    "Scenario",
    "State",
    "StepError",
    "scenario",
]

Value = int | bool

#: Thread states. A running thread may still be blocked on a lock.
RUNNING, WAITING, NOTIFIED, DONE, CRASHED = "running", "waiting", "notified", "done", "crashed"

#: Most threads a scenario may have.
MAX_THREADS = 8

_NAME_HELP = "a short identifier like 'T1', 'lock_a' or 'counter'"


class StepError(ValueError):
    """The scheduler asked for a step that cannot happen (the thread is blocked, waiting or finished)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that went wrong in a state or a schedule.

    Attributes:
        kind: ``"value"`` (a variable ends with the wrong value), ``"exclusion"``
            (two threads in the critical section), ``"deadlock"``, ``"stuck"``
            (a thread can never run again, without a cycle) or ``"crash"``.
        text: What happened, in words, without anything that varies between runs.
    """

    kind: str
    text: str


class State(NamedTuple):
    """Everything that changes while a scenario runs.

    A named tuple rather than a dataclass: immutable and hashable like one, but
    cheaper to build and hash, which matters when the explorer visits tens of
    thousands of states.

    Attributes:
        pcs: For each thread, the index of its next step.
        status: For each thread, ``"running"``, ``"waiting"``, ``"notified"``,
            ``"done"`` or ``"crashed"``.
        locals: For each thread, the values of its locals (``None``: not set yet).
        values: Shared variables and buffer lengths, in the scenario's order.
        holders: For each lock, the index of the thread holding it, or ``None``.
        waiters: For each condition, the threads waiting on it, longest first.
        errors: For each thread, the exception that ended it (``""`` if none).
    """

    pcs: tuple[int, ...]
    status: tuple[str, ...]
    locals: tuple[tuple[Value | None, ...], ...]
    values: tuple[Value, ...]
    holders: tuple[int | None, ...]
    waiters: tuple[tuple[int, ...], ...]
    errors: tuple[str, ...]


def _put(items: tuple, index: int, value: object) -> tuple:
    return items[:index] + (value,) + items[index + 1 :]


_COMPARE = {
    "==": lambda x, y: x == y,
    "!=": lambda x, y: x != y,
    "<": lambda x, y: x < y,
    "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y,
    ">=": lambda x, y: x >= y,
}


@dataclass(frozen=True, slots=True)
class Scenario:
    """Threads running short programs over shared variables, locks and conditions.

    Make one with :func:`scenario`; the built-in ones are in
    :mod:`synclab.scheduler.library`.

    Attributes:
        title: A short description.
        threads: The threads' names.
        programs: Each thread's compiled program.
        variables: Names of the shared variables and buffers.
        initial: Their starting values (a buffer's value is its length).
        buffers: Which variables are buffers.
        locks: Names of the locks (a condition made without a lock has its own,
            named like the condition).
        conditions: Names of the conditions.
        condition_locks: For each condition, the index of its lock.
        expect: Final values a correct run must end with.
    """

    title: str
    threads: tuple[str, ...]
    programs: tuple[Program, ...]
    variables: tuple[str, ...]
    initial: tuple[Value, ...]
    buffers: frozenset[str]
    locks: tuple[str, ...]
    conditions: tuple[str, ...]
    condition_locks: tuple[int, ...]
    expect: tuple[tuple[str, Value], ...]
    has_critical: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        critical = any(step.kind == CRITICAL for program in self.programs for step in program.steps)
        object.__setattr__(self, "has_critical", critical)

    # -- starting -------------------------------------------------------------------

    def initial_state(self) -> State:
        """The state before any thread has run."""
        return State(
            pcs=tuple(0 for _ in self.threads),
            status=tuple(DONE if not p.steps else RUNNING for p in self.programs),
            locals=tuple(tuple(None for _ in p.locals) for p in self.programs),
            values=self.initial,
            holders=tuple(None for _ in self.locks),
            waiters=tuple(() for _ in self.conditions),
            errors=tuple("" for _ in self.threads),
        )

    def start(self) -> Run:
        """A :class:`Run` at the initial state, ready to be stepped."""
        return Run(self, (self.initial_state(),), (), ())

    def thread_index(self, thread: object) -> int:
        """The index of a thread given by name.

        Raises:
            TypeError: ``thread`` is not a string.
            ValueError: There is no thread with that name.
        """
        listed = ", ".join(repr(t) for t in self.threads)
        if not isinstance(thread, str):
            raise TypeError(f"thread must be one of {listed}, got {thread!r} of type {type(thread).__name__}")
        if thread not in self.threads:
            raise ValueError(f"thread must be one of {listed}, got {thread!r}")
        return self.threads.index(thread)

    # -- who can run ------------------------------------------------------------------

    def blocked_on(self, state: State, i: int) -> int | None:
        """The lock thread ``i`` waits for, if it is blocked on a held lock."""
        status = state.status[i]
        if status == RUNNING:
            step = self.programs[i].steps[state.pcs[i]]
            if step.kind == ACQUIRE and state.holders[step.target] is not None:
                return step.target
        elif status == NOTIFIED:
            lock = self.condition_locks[self.programs[i].steps[state.pcs[i]].target]
            if state.holders[lock] is not None:
                return lock
        return None

    def can_step(self, state: State, i: int) -> bool:
        """Whether thread ``i`` has a step it can run now."""
        return state.status[i] in (RUNNING, NOTIFIED) and self.blocked_on(state, i) is None

    def runnable(self, state: State) -> tuple[int, ...]:
        """Indices of the threads that can run a step now."""
        found = []
        holders, pcs = state.holders, state.pcs
        for i, status in enumerate(state.status):
            if status == RUNNING:
                step = self.programs[i].steps[pcs[i]]
                if step.kind != ACQUIRE or holders[step.target] is None:
                    found.append(i)
            elif status == NOTIFIED:
                lock = self.condition_locks[self.programs[i].steps[pcs[i]].target]
                if holders[lock] is None:
                    found.append(i)
        return tuple(found)

    def why_not(self, state: State, i: int) -> str:
        """Why thread ``i`` cannot be stepped now (empty if it can)."""
        name, status = self.threads[i], state.status[i]
        if status == DONE:
            return f"{name} has finished: it has no step left to run"
        if status == CRASHED:
            return f"{name} has ended with {state.errors[i]}: it has no step left to run"
        if status == WAITING:
            cond = self.conditions[self.programs[i].steps[state.pcs[i]].target]
            return f"{name} is waiting in {cond}.wait(): it runs again only after another thread calls {cond}.notify()"
        lock = self.blocked_on(state, i)
        if lock is not None:
            holder = state.holders[lock]
            assert holder is not None
            if holder == i:
                return f"{name} is blocked: it waits for {self.locks[lock]}, which it holds itself, so it waits forever"
            return (
                f"{name} is blocked: it waits for {self.locks[lock]}, which {self.threads[holder]} holds; "
                f"step {self.threads[holder]} until it releases {self.locks[lock]}"
            )
        return ""

    # -- running one step ---------------------------------------------------------------

    def step(self, state: State, thread: int | str) -> State:
        """Run the next step of one thread.

        Args:
            state: The state to step from.
            thread: The thread, by name or index.

        Returns:
            The new state (``state`` itself is unchanged).

        Raises:
            StepError: The thread is blocked, waiting or finished.
            TypeError: ``thread`` is not a thread name.
            ValueError: There is no such thread.
        """
        i = thread if isinstance(thread, int) and not isinstance(thread, bool) else self.thread_index(thread)
        if not 0 <= i < len(self.threads):
            raise ValueError(f"thread index must be between 0 and {len(self.threads) - 1}, got {i}")
        reason = self.why_not(state, i)
        if reason:
            raise StepError(reason)
        return self._advance(state, i)

    def _value(self, state: State, i: int, operand: Operand) -> Value:
        kind, value = operand
        if kind == CONST:
            return value
        if kind == LOCAL:
            found = state.locals[i][int(value)]
            assert found is not None
            return found
        if kind == LOCKED:
            return state.holders[int(value)] is not None
        return state.values[int(value)]

    def _passes(self, state: State, i: int, step: Step) -> bool:
        a = self._value(state, i, step.a)
        if step.op == "truth":
            return bool(a)
        if step.op == "not":
            return not a
        return bool(_COMPARE[step.op](a, self._value(state, i, step.b)))

    def _moved(
        self,
        state: State,
        i: int,
        pc: int,
        *,
        status: tuple[str, ...] | None = None,
        locals_: tuple[tuple[Value | None, ...], ...] | None = None,
        values: tuple[Value, ...] | None = None,
        holders: tuple[int | None, ...] | None = None,
        waiters: tuple[tuple[int, ...], ...] | None = None,
    ) -> State:
        """``state`` with thread ``i`` at ``pc`` (done if past its last step) and the given parts replaced."""
        if status is None:
            status = state.status
        if pc >= len(self.programs[i].steps):
            status = _put(status, i, DONE)
        return State(
            _put(state.pcs, i, pc),
            status,
            state.locals if locals_ is None else locals_,
            state.values if values is None else values,
            state.holders if holders is None else holders,
            state.waiters if waiters is None else waiters,
            state.errors,
        )

    def _crash(self, state: State, i: int, error: str) -> State:
        holders = state.holders
        for lock in self.programs[i].steps[state.pcs[i]].with_locks:
            if holders[lock] == i:
                holders = _put(holders, lock, None)
        return State(
            state.pcs,
            _put(state.status, i, CRASHED),
            state.locals,
            state.values,
            holders,
            state.waiters,
            _put(state.errors, i, error),
        )

    def _advance(self, state: State, i: int) -> State:
        step = self.programs[i].steps[state.pcs[i]]
        if state.status[i] == NOTIFIED:  # wake up from wait(): re-acquire the lock
            lock = self.condition_locks[step.target]
            return self._moved(
                state, i, step.next_pc, holders=_put(state.holders, lock, i), status=_put(state.status, i, RUNNING)
            )
        kind = step.kind
        if kind == LOAD:
            value = state.values[step.target]
            locals_ = _put(state.locals, i, _put(state.locals[i], step.dest, value))
            return self._moved(state, i, step.next_pc, locals_=locals_)
        if kind == COMPUTE:
            a = self._value(state, i, step.a)
            if step.op == "+":
                a = a + self._value(state, i, step.b)
            elif step.op == "-":
                a = a - self._value(state, i, step.b)
            locals_ = _put(state.locals, i, _put(state.locals[i], step.target, a))
            return self._moved(state, i, step.next_pc, locals_=locals_)
        if kind == STORE:
            values = _put(state.values, step.target, self._value(state, i, step.a))
            return self._moved(state, i, step.next_pc, values=values)
        if kind == ACQUIRE:
            return self._moved(state, i, step.next_pc, holders=_put(state.holders, step.target, i))
        if kind == RELEASE:
            if state.holders[step.target] != i:
                return self._crash(
                    state,
                    i,
                    f"RuntimeError: release of {self.locks[step.target]}, which {self.threads[i]} does not hold",
                )
            return self._moved(state, i, step.next_pc, holders=_put(state.holders, step.target, None))
        if kind == WAIT:
            lock = self.condition_locks[step.target]
            if state.holders[lock] != i:
                return self._crash(
                    state, i, f"RuntimeError: {self.conditions[step.target]}.wait() without holding {self.locks[lock]}"
                )
            waiters = _put(state.waiters, step.target, state.waiters[step.target] + (i,))
            return State(
                state.pcs,
                _put(state.status, i, WAITING),
                state.locals,
                state.values,
                _put(state.holders, lock, None),
                waiters,
                state.errors,
            )
        if kind == NOTIFY:
            lock = self.condition_locks[step.target]
            if state.holders[lock] != i:
                return self._crash(
                    state,
                    i,
                    f"RuntimeError: {self.conditions[step.target]}.notify() without holding {self.locks[lock]}",
                )
            queue = state.waiters[step.target]
            woken, rest = (queue, ()) if step.notify_all else (queue[:1], queue[1:])
            status = state.status
            for j in woken:
                status = _put(status, j, NOTIFIED)
            return self._moved(state, i, step.next_pc, status=status, waiters=_put(state.waiters, step.target, rest))
        if kind == TEST:
            return self._moved(state, i, step.next_pc if self._passes(state, i, step) else step.else_pc)
        if kind == APPEND:
            return self._moved(
                state, i, step.next_pc, values=_put(state.values, step.target, state.values[step.target] + 1)
            )
        if kind == POP:
            if state.values[step.target] <= 0:
                return self._crash(state, i, "IndexError: pop from empty list")
            return self._moved(
                state, i, step.next_pc, values=_put(state.values, step.target, state.values[step.target] - 1)
            )
        if kind == CRITICAL:
            return self._moved(state, i, step.next_pc)
        raise AssertionError(f"unknown step kind {kind!r}")  # pragma: no cover

    # -- what went wrong ------------------------------------------------------------------

    def deadlock(self, state: State) -> tuple[int, ...]:
        """Threads blocked in a cycle, each waiting for a lock the next one holds (empty if none).

        A deadlock is permanent: no step of any other thread can break it.
        """
        edges = {}
        for i in range(len(self.threads)):
            lock = self.blocked_on(state, i)
            if lock is not None:
                edges[i] = state.holders[lock]
        for start in sorted(edges):
            path = [start]
            node = edges[start]
            while node in edges and node not in path:
                path.append(node)
                node = edges[node]
            if node in path:
                cycle = path[path.index(node) :]
                first = cycle.index(min(cycle))
                return tuple(cycle[first:] + cycle[:first])
        return ()

    def describe_deadlock(self, state: State, cycle: tuple[int, ...]) -> str:
        """``"deadlock: T1 waits for lock_b, held by T2; T2 waits for lock_a, held by T1"``."""
        parts = []
        for i in cycle:
            lock = self.blocked_on(state, i)
            assert lock is not None
            holder = state.holders[lock]
            assert holder is not None
            if holder == i:
                parts.append(f"{self.threads[i]} waits for {self.locks[lock]}, which it already holds")
            else:
                parts.append(f"{self.threads[i]} waits for {self.locks[lock]}, held by {self.threads[holder]}")
        return "deadlock: " + "; ".join(parts)

    def in_critical_section(self, state: State) -> tuple[int, ...]:
        """Threads whose next step is ``critical_section()``."""
        return tuple(
            i
            for i, program in enumerate(self.programs)
            if state.status[i] == RUNNING and program.steps[state.pcs[i]].kind == CRITICAL
        )

    def violation(self, state: State) -> Problem | None:
        """A problem visible in ``state`` whatever happens next: two threads in the critical section."""
        if not self.has_critical:
            return None
        inside = self.in_critical_section(state)
        if len(inside) < 2:
            return None
        names = [self.threads[i] for i in inside]
        together = " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 2 else " and ".join(names)
        return Problem("exclusion", f"{together} in the critical section at the same time")

    def problems(self, state: State) -> tuple[Problem, ...]:
        """What is wrong in ``state``: crashes and deadlocks at any time; when no
        thread can run, also threads stuck for good and wrong final values."""
        found = [Problem("crash", f"{self.threads[i]} crashed: {e}") for i, e in enumerate(state.errors) if e]
        cycle = self.deadlock(state)
        if cycle:
            found.append(Problem("deadlock", self.describe_deadlock(state, cycle)))
        if self.runnable(state):
            return tuple(found)
        for i, status in enumerate(state.status):
            if i in cycle or status in (DONE, CRASHED):
                continue
            name = self.threads[i]
            if status == WAITING:
                cond = self.conditions[self.programs[i].steps[state.pcs[i]].target]
                found.append(Problem("stuck", f"{name} waits forever in {cond}.wait(): no thread is left to notify it"))
                continue
            lock = self.blocked_on(state, i)
            assert lock is not None
            holder = state.holders[lock]
            assert holder is not None
            whose = {DONE: "which has finished", CRASHED: "which crashed"}.get(
                state.status[holder], "which is stuck too"
            )
            found.append(
                Problem(
                    "stuck", f"{name} is blocked forever on {self.locks[lock]}, held by {self.threads[holder]}, {whose}"
                )
            )
        if not found:
            for name, wanted in self.expect:
                got = state.values[self.variables.index(name)]
                if got != wanted:
                    shown = f"len({name})" if name in self.buffers else name
                    found.append(Problem("value", f"{shown} = {got!r}, expected {wanted!r}"))
        return tuple(found)

    def summary(self, state: State) -> str:
        """The final values that matter: ``"counter = 2"`` (or ``"every thread finished"``)."""
        if not self.expect:
            return "every thread finished"
        parts = []
        for name, _ in self.expect:
            shown = f"len({name})" if name in self.buffers else name
            parts.append(f"{shown} = {state.values[self.variables.index(name)]!r}")
        return ", ".join(parts)

    # -- words for people ----------------------------------------------------------------------

    def next_text(self, state: State, i: int) -> str:
        """What thread ``i`` does when stepped next (empty if it has ended)."""
        if state.status[i] in (DONE, CRASHED):
            return ""
        step = self.programs[i].steps[state.pcs[i]]
        if state.status[i] == NOTIFIED:
            return f"wake up and re-acquire {self.locks[self.condition_locks[step.target]]}"
        return step.text

    def status_text(self, state: State, i: int) -> str:
        """The thread's condition in a few words: ``"ready"``, ``"blocked on lock (held by T2)"``..."""
        status = state.status[i]
        if status == DONE:
            return "finished"
        if status == CRASHED:
            return f"crashed: {state.errors[i]}"
        if status == WAITING:
            cond = self.conditions[self.programs[i].steps[state.pcs[i]].target]
            return f"waiting in {cond}.wait() until notified"
        lock = self.blocked_on(state, i)
        prefix = "notified, " if status == NOTIFIED else ""
        if lock is None:
            return prefix + "ready"
        holder = state.holders[lock]
        assert holder is not None
        return f"{prefix}blocked on {self.locks[lock]} (held by {self.threads[holder]})"

    def event_text(self, before: State, after: State, i: int) -> str:
        """What stepping thread ``i`` from ``before`` to ``after`` did, with the values involved."""
        name = self.threads[i]
        step = self.programs[i].steps[before.pcs[i]]
        if after.errors[i] and not before.errors[i]:
            return f"{name}: {step.text} raises {after.errors[i]}"
        if before.status[i] == NOTIFIED:
            return f"{name}: wakes up and re-acquires {self.locks[self.condition_locks[step.target]]}"
        kind = step.kind
        if kind in (LOAD, COMPUTE):
            slot = step.dest if kind == LOAD else step.target
            local = self.programs[i].locals[slot]
            return f"{name}: {step.text} -> {local} = {after.locals[i][slot]!r}"
        if kind in (STORE, APPEND, POP):
            var = self.variables[step.target]
            shown = f"len({var})" if var in self.buffers else var
            return f"{name}: {step.text} -> {shown} = {after.values[step.target]!r}"
        if kind == TEST:
            return f"{name}: {step.text} -> {'true' if self._passes(before, i, step) else 'false'}"
        if kind == NOTIFY:
            woken = [
                self.threads[j]
                for j in range(len(self.threads))
                if before.status[j] == WAITING and after.status[j] == NOTIFIED
            ]
            return f"{name}: {step.text} wakes {' and '.join(woken) if woken else 'nobody (no thread is waiting)'}"
        return f"{name}: {step.text}"


@dataclass(frozen=True, slots=True)
class Run:
    """A scenario being played: the states so far and the schedule that led there.

    Attributes:
        scenario: What is being run.
        states: Every state so far, the initial one first (undo goes back one).
        schedule: The thread stepped at each step, by name.
        events: What each step did, in words.
    """

    scenario: Scenario
    states: tuple[State, ...]
    schedule: tuple[str, ...]
    events: tuple[str, ...]

    @property
    def state(self) -> State:
        """The current state."""
        return self.states[-1]

    @property
    def runnable(self) -> tuple[str, ...]:
        """Names of the threads that can be stepped now."""
        return tuple(self.scenario.threads[i] for i in self.scenario.runnable(self.state))

    @property
    def finished(self) -> bool:
        """Whether no thread can run any more (all done, crashed, blocked or waiting)."""
        return not self.scenario.runnable(self.state)

    def step(self, thread: str) -> Run:
        """Run the next step of ``thread``.

        Raises:
            StepError: The thread is blocked, waiting or finished; the message says why.
            TypeError, ValueError: There is no thread by that name.
        """
        i = self.scenario.thread_index(thread)
        after = self.scenario.step(self.state, i)
        event = self.scenario.event_text(self.state, after, i)
        return Run(self.scenario, self.states + (after,), self.schedule + (thread,), self.events + (event,))

    def steps(self, *threads: str) -> Run:
        """Run several steps: ``run.steps("T1", "T2", "T1")``."""
        run = self
        for thread in threads:
            run = run.step(thread)
        return run

    def undo(self) -> Run:
        """Go back one step.

        Raises:
            StepError: Nothing has been stepped yet.
        """
        if not self.schedule:
            raise StepError("nothing to undo: no step has been run yet")
        return Run(self.scenario, self.states[:-1], self.schedule[:-1], self.events[:-1])

    def reset(self) -> Run:
        """Back to the initial state."""
        return self.scenario.start()

    def problems(self) -> tuple[Problem, ...]:
        """What has gone wrong so far (violations along the way, then the current state's problems)."""
        found: list[Problem] = []
        for state in self.states:
            problem = self.scenario.violation(state)
            if problem is not None and problem not in found:
                found.append(problem)
        found.extend(p for p in self.scenario.problems(self.state) if p not in found)
        return tuple(found)

    def value(self, name: str) -> Value:
        """The current value of a shared variable (or a buffer's length)."""
        if name not in self.scenario.variables:
            raise ValueError(f"name must be one of {', '.join(self.scenario.variables)}, got {name!r}")
        return self.state.values[self.scenario.variables.index(name)]

    def holder(self, lock: str) -> str | None:
        """The thread holding ``lock`` now, or ``None``."""
        if lock not in self.scenario.locks:
            raise ValueError(f"lock must be one of {', '.join(self.scenario.locks)}, got {lock!r}")
        holder = self.state.holders[self.scenario.locks.index(lock)]
        return None if holder is None else self.scenario.threads[holder]

    def status(self, thread: str) -> str:
        """A thread's condition in words: ``"ready"``, ``"blocked on lock (held by T1)"``, ``"finished"``..."""
        return self.scenario.status_text(self.state, self.scenario.thread_index(thread))

    def __str__(self) -> str:
        sc, state = self.scenario, self.state
        lines = []
        if sc.variables:
            lines.append(
                "shared: "
                + ", ".join(
                    f"{f'len({v})' if v in sc.buffers else v} = {state.values[k]!r}" for k, v in enumerate(sc.variables)
                )
            )
        if sc.locks:
            lines.append(
                "locks: "
                + ", ".join(
                    f"{lock} {'free' if h is None else 'held by ' + sc.threads[h]}"
                    for lock, h in zip(sc.locks, state.holders, strict=True)
                )
            )
        for i, name in enumerate(sc.threads):
            program = sc.programs[i]
            known = [f"{n} = {v!r}" for n, v in zip(program.locals, state.locals[i], strict=True) if v is not None]
            where = "" if state.status[i] == DONE else f"line {program.steps[state.pcs[i]].line}, "
            nxt = sc.next_text(state, i)
            lines.append(
                f"{name}: {where}{sc.status_text(state, i)}"
                + (f", next: {nxt}" if nxt else "")
                + (f"; {', '.join(known)}" if known else "")
            )
        return "\n".join(lines)


def _check_name(what: str, name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be {_NAME_HELP}, got {name!r} of type {type(name).__name__}")
    if not name.isidentifier() or keyword.iskeyword(name) or len(name) > 20:
        raise ValueError(f"{what} must be {_NAME_HELP} (at most 20 characters), got {name!r}")
    return name


def _check_value(what: str, value: object) -> Value:
    if isinstance(value, bool):
        return value
    return check_int(what, value, -(10**9), 10**9)


def _mapping(what: str, value: object, example: str) -> Mapping:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a dict like {example}, got {value!r} of type {type(value).__name__}")
    return value


def scenario(
    threads: Mapping[str, str] | Sequence[str],
    *,
    shared: Mapping[str, Value] | None = None,
    buffers: Mapping[str, int] | None = None,
    locks: Sequence[str] = (),
    conditions: Mapping[str, str | None] | Sequence[str] | None = None,
    expect: Mapping[str, Value] | None = None,
    title: str = "",
) -> Scenario:
    """Describe threads and what they share, for the scheduler to play.

    Args:
        threads: Each thread's program, as ``{"T1": "counter += 1", ...}``, or a
            list of programs (the threads are then named T1, T2, ...). 1 to 8 threads.
        shared: Shared variables and their starting values: ``{"counter": 0}``.
        buffers: Shared lists and how many items each starts with: ``{"buffer": 0}``.
        locks: Names of the locks: ``["lock"]``.
        conditions: Condition variables and the lock each uses, as
            ``{"cond": "lock"}``; a name alone (or ``None`` as its lock) gives the
            condition a lock of its own, named like the condition.
        expect: The final values a correct run ends with: ``{"counter": 2}``.
        title: A short description.

    Returns:
        The :class:`Scenario`.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: A name is invalid or used twice, a value is out of range, or
            a program uses something the model does not understand (the message
            names the thread and the line).
    """
    if isinstance(threads, Mapping):
        pairs = list(threads.items())
    elif isinstance(threads, Sequence) and not isinstance(threads, str):
        pairs = [(f"T{k}", source) for k, source in enumerate(threads, start=1)]
    else:
        raise TypeError(
            "threads must be a dict {name: program} or a list of programs, "
            f"got {threads!r} of type {type(threads).__name__}"
        )
    check_int("number of threads", len(pairs), 1, MAX_THREADS)
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {title!r} of type {type(title).__name__}")
    shared_map = _mapping("shared", shared, "{'counter': 0}")
    buffer_map = _mapping("buffers", buffers, "{'buffer': 0}")
    expect_map = _mapping("expect", expect, "{'counter': 2}")
    if isinstance(locks, str) or not isinstance(locks, Sequence):
        raise TypeError(f"locks must be a list of names like ['lock'], got {locks!r} of type {type(locks).__name__}")
    if conditions is None:
        cond_pairs: list[tuple[str, str | None]] = []
    elif isinstance(conditions, Mapping):
        cond_pairs = list(conditions.items())
    elif isinstance(conditions, Sequence) and not isinstance(conditions, str):
        cond_pairs = [(name, None) for name in conditions]
    else:
        raise TypeError(
            "conditions must be a dict like {'cond': 'lock'} or a list of names, "
            f"got {conditions!r} of type {type(conditions).__name__}"
        )

    seen: dict[str, str] = {}

    def declare(what: str, name: object) -> str:
        name = _check_name(what, name)
        if name in seen:
            raise ValueError(f"{what} {name!r} is already used as a {seen[name]}; give each name one meaning")
        seen[name] = what.split()[0]
        return name

    thread_names = tuple(declare("thread name", name) for name, _ in pairs)
    variables, initial = [], []
    for name, value in shared_map.items():
        variables.append(declare("shared variable", name))
        initial.append(_check_value(f"shared[{name!r}]", value))
    buffer_names = set()
    for name, value in buffer_map.items():
        variables.append(declare("buffer name", name))
        buffer_names.add(name)
        initial.append(check_int(f"buffers[{name!r}]", value, 0, 1000))
    lock_names = [declare("lock name", name) for name in locks]
    cond_names, cond_locks = [], []
    for name, lock in cond_pairs:
        cond_names.append(declare("condition name", name))
        if lock is None:
            lock_names.append(name)
            cond_locks.append(len(lock_names) - 1)
        else:
            lock = _check_name(f"the lock of condition {name!r}", lock)
            if lock not in lock_names:
                raise ValueError(
                    f"the lock of condition {name!r} must be one of the locks "
                    f"({', '.join(lock_names) or 'none declared'}), got {lock!r}"
                )
            cond_locks.append(lock_names.index(lock))
    expected = []
    for name, value in expect_map.items():
        if name not in variables:
            raise ValueError(
                f"expect names shared variables or buffers ({', '.join(variables) or 'none declared'}), got {name!r}"
            )
        expected.append((name, _check_value(f"expect[{name!r}]", value)))

    programs = tuple(
        compile_program(
            name,
            source,
            variables=tuple(variables),
            buffers=frozenset(buffer_names),
            locks=tuple(lock_names),
            conditions=tuple(cond_names),
            condition_locks=tuple(cond_locks),
        )
        for name, (_, source) in zip(thread_names, pairs, strict=True)
    )
    return Scenario(
        title=title,
        threads=thread_names,
        programs=programs,
        variables=tuple(variables),
        initial=tuple(initial),
        buffers=frozenset(buffer_names),
        locks=tuple(lock_names),
        conditions=tuple(cond_names),
        condition_locks=tuple(cond_locks),
        expect=tuple(expected),
    )
