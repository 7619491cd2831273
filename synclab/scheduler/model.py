"""The deterministic model: threads, shared memory, locks and conditions; *you* are the scheduler.

The rules are Python's: a ``Lock`` has one holder and is not reentrant; releasing a lock you do
not hold raises ``RuntimeError`` (``threading.Lock`` lets another thread release it; the model is
strict, like ``RLock``, because doing so is almost always a bug); ``notify()`` wakes the longest
waiting thread, which must then re-acquire the lock, one more step that may block; a thread that
raises ends, and its ``with`` blocks release their locks. Any thread may be switched out between
any two steps: CPython 3.10+ with the GIL switches only at calls, function entries and loops'
backward jumps (on 3.10 also some conditional jumps), so a real program may never show some of
these schedules; an older CPython or a free-threaded build can.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from synclab.scheduler.program import CONST, LOCAL, LOCKED, OPERATORS, Operand, Program, Step, Value, passes

if TYPE_CHECKING:
    from synclab.scheduler.run import Run

__all__ = ["Problem", "Scenario", "State"]

#: Thread states. A running thread may still be blocked on a lock.
RUNNING, WAITING, NOTIFIED, DONE, CRASHED = "running", "waiting", "notified", "done", "crashed"


@dataclass(frozen=True, slots=True)
class Problem:
    """What went wrong: ``kind`` is ``"value"``, ``"exclusion"``, ``"deadlock"``, ``"stuck"`` or ``"crash"``."""

    kind: str
    text: str


class State(NamedTuple):
    """Everything that changes while a scenario runs, per thread, variable, lock and condition.

    A named tuple rather than a dataclass: as immutable and hashable, but cheaper to build and
    hash, which matters when the explorer visits tens of thousands of states. ``values`` holds a
    buffer's length; ``holders`` a thread index or ``None``; ``waiters`` the threads waiting on
    each condition, longest first; ``errors`` the exception that ended each thread (or ``""``).
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


@dataclass(frozen=True, slots=True)
class Scenario:
    """Threads running short programs over shared variables, locks and conditions (make one with :func:`scenario`).

    ``initial`` holds a buffer's starting length; a condition made without a lock has its own,
    named like the condition (``condition_locks`` gives each condition's lock by index);
    ``expect`` holds the final values a correct run ends with.
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
        critical = any(step.kind == "critical" for program in self.programs for step in program.steps)
        object.__setattr__(self, "has_critical", critical)

    def initial_state(self) -> State:
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
        """A :class:`~synclab.scheduler.run.Run` at the initial state, ready to be stepped."""
        from synclab.scheduler.run import Run  # run.py imports this module

        return Run(self, (self.initial_state(),), (), ())

    def shown(self, k: int) -> str:
        """Shared variable ``k`` as the learner reads it: ``counter``, or ``len(buffer)``."""
        name = self.variables[k]
        return f"len({name})" if name in self.buffers else name

    # -- who can run ------------------------------------------------------------------

    def blocked_on(self, state: State, i: int) -> int | None:
        """The held lock thread ``i`` waits for, if any."""
        status = state.status[i]
        if status == RUNNING:
            step = self.programs[i].steps[state.pcs[i]]
            if step.kind == "acquire" and state.holders[step.target] is not None:
                return step.target
        elif status == NOTIFIED:
            lock = self.condition_locks[self.programs[i].steps[state.pcs[i]].target]
            if state.holders[lock] is not None:
                return lock
        return None

    def runnable(self, state: State) -> tuple[int, ...]:
        """Indices of the threads that can run a step now."""
        return tuple(
            i
            for i, status in enumerate(state.status)
            if status in (RUNNING, NOTIFIED) and self.blocked_on(state, i) is None
        )

    def _blocker(self, state: State, i: int) -> tuple[str, int] | None:
        """The lock thread ``i`` is blocked on, by name, and its holder."""
        lock = self.blocked_on(state, i)
        return None if lock is None else (self.locks[lock], state.holders[lock])  # type: ignore[return-value]

    def _condition(self, state: State, i: int) -> str:
        """The condition a waiting thread waits on."""
        return self.conditions[self.programs[i].steps[state.pcs[i]].target]

    def why_not(self, state: State, i: int) -> str:
        """Why thread ``i`` cannot be stepped now (empty if it can)."""
        name, status = self.threads[i], state.status[i]
        if status == DONE:
            return f"{name} has finished: it has no step left to run"
        if status == CRASHED:
            return f"{name} has ended with {state.errors[i]}: it has no step left to run"
        if status == WAITING:
            cond = self._condition(state, i)
            return f"{name} is waiting in {cond}.wait(): it runs again only after another thread calls {cond}.notify()"
        blocker = self._blocker(state, i)
        if blocker is None:
            return ""
        lock, holder = blocker
        if holder == i:
            return f"{name} is blocked: it waits for {lock}, which it holds itself, so it waits forever"
        other = self.threads[holder]
        return f"{name} is blocked: it waits for {lock}, which {other} holds; step {other} until it releases {lock}"

    # -- running one step ---------------------------------------------------------------

    def _value(self, state: State, i: int, operand: Operand) -> Value:
        kind, value = operand
        if kind == CONST:
            return value
        if kind == LOCAL:
            return state.locals[i][int(value)]  # type: ignore[return-value]
        if kind == LOCKED:
            return state.holders[int(value)] is not None
        return state.values[int(value)]

    def _passes(self, state: State, i: int, step: Step) -> bool:
        return passes(step.op, self._value(state, i, step.a), self._value(state, i, step.b))

    def _crash(self, state: State, i: int, message: str, error: str = "RuntimeError") -> State:
        """Thread ``i`` raises ``error``: it ends, and its ``with`` blocks release their locks."""
        holders = state.holders
        for lock in self.programs[i].steps[state.pcs[i]].with_locks:
            if holders[lock] == i:
                holders = _put(holders, lock, None)
        return state._replace(
            status=_put(state.status, i, CRASHED), holders=holders, errors=_put(state.errors, i, f"{error}: {message}")
        )

    def advance(self, state: State, i: int) -> State:
        """The state after thread ``i`` runs its next step (it must be able to)."""
        pcs, status, locals_, values, holders, waiters, errors = state
        step = self.programs[i].steps[pcs[i]]
        kind, target, pc = step.kind, step.target, step.next_pc
        if status[i] == NOTIFIED:  # wake up from wait(): re-acquire the lock
            holders = _put(holders, self.condition_locks[target], i)
            status = _put(status, i, RUNNING)
        elif kind == "load":
            locals_ = _put(locals_, i, _put(locals_[i], step.dest, values[target]))
        elif kind == "compute":
            a = self._value(state, i, step.a)
            if step.op:
                a = OPERATORS[step.op](a, self._value(state, i, step.b))
            locals_ = _put(locals_, i, _put(locals_[i], target, a))
        elif kind == "store":
            values = _put(values, target, self._value(state, i, step.a))
        elif kind == "acquire":
            holders = _put(holders, target, i)
        elif kind == "release" and holders[target] != i:
            return self._crash(state, i, f"release of {self.locks[target]}, which {self.threads[i]} does not hold")
        elif kind == "release":
            holders = _put(holders, target, None)
        elif kind in ("wait", "notify"):
            lock, queue = self.condition_locks[target], waiters[target]
            if holders[lock] != i:
                return self._crash(state, i, f"{self.conditions[target]}.{kind}() without holding {self.locks[lock]}")
            if kind == "wait":
                status, holders, pc = _put(status, i, WAITING), _put(holders, lock, None), pcs[i]
                waiters = _put(waiters, target, queue + (i,))
            else:
                woken, rest = (queue, ()) if step.notify_all else (queue[:1], queue[1:])
                for j in woken:
                    status = _put(status, j, NOTIFIED)
                waiters = _put(waiters, target, rest)
        elif kind == "test" and not self._passes(state, i, step):
            pc = step.else_pc
        elif kind in ("append", "pop"):
            if kind == "pop" and values[target] <= 0:
                return self._crash(state, i, "pop from empty list", "IndexError")
            values = _put(values, target, values[target] + (1 if kind == "append" else -1))
        if pc >= len(self.programs[i].steps):
            status = _put(status, i, DONE)
        return State(_put(pcs, i, pc), status, locals_, values, holders, waiters, errors)

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

    def violation(self, state: State) -> Problem | None:
        """A problem visible in ``state`` whatever happens next: two threads in the critical section."""
        if not self.has_critical:
            return None
        names = [
            self.threads[i]
            for i, program in enumerate(self.programs)
            if state.status[i] == RUNNING and program.steps[state.pcs[i]].kind == "critical"
        ]
        if len(names) < 2:
            return None
        together = f"{', '.join(names[:-1])} and {names[-1]}"
        return Problem("exclusion", f"{together} in the critical section at the same time")

    def problems(self, state: State) -> tuple[Problem, ...]:
        """Crashes and deadlocks; once no thread can run, also threads stuck for good and wrong final values."""
        found = [Problem("crash", f"{self.threads[i]} crashed: {e}") for i, e in enumerate(state.errors) if e]
        cycle = self.deadlock(state)
        if cycle:
            parts = []
            for i in cycle:
                lock, holder = self._blocker(state, i)  # type: ignore[misc]
                held = "which it already holds" if holder == i else f"held by {self.threads[holder]}"
                parts.append(f"{self.threads[i]} waits for {lock}, {held}")
            found.append(Problem("deadlock", "deadlock: " + "; ".join(parts)))
        if self.runnable(state):
            return tuple(found)
        for i, status in enumerate(state.status):
            if i in cycle or status in (DONE, CRASHED):
                continue
            name = self.threads[i]
            if status == WAITING:
                cond = self._condition(state, i)
                found.append(Problem("stuck", f"{name} waits forever in {cond}.wait(): no thread is left to notify it"))
                continue
            lock, owner = self._blocker(state, i)  # type: ignore[misc]
            end = {DONE: "which has finished", CRASHED: "which crashed"}.get(state.status[owner], "which is stuck too")
            found.append(Problem("stuck", f"{name} is blocked forever on {lock}, held by {self.threads[owner]}, {end}"))
        if not found:
            for name, wanted in self.expect:
                k = self.variables.index(name)
                if state.values[k] != wanted:
                    found.append(Problem("value", f"{self.shown(k)} = {state.values[k]!r}, expected {wanted!r}"))
        return tuple(found)

    def problems_along(self, states: Sequence[State]) -> tuple[Problem, ...]:
        """The violations along ``states``, then the last state's problems."""
        found: list[Problem] = []
        for state in states:
            problem = self.violation(state)
            if problem is not None and problem not in found:
                found.append(problem)
        found.extend(p for p in self.problems(states[-1]) if p not in found)
        return tuple(found)

    def summary(self, state: State) -> str:
        """The final values that matter: ``"counter = 2"`` (or ``"every thread finished"``)."""
        if not self.expect:
            return "every thread finished"
        return ", ".join(
            f"{self.shown(k)} = {state.values[k]!r}" for k in (self.variables.index(name) for name, _ in self.expect)
        )

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
            return f"waiting in {self._condition(state, i)}.wait() until notified"
        prefix = "notified, " if status == NOTIFIED else ""
        blocker = self._blocker(state, i)
        if blocker is None:
            return prefix + "ready"
        return f"{prefix}blocked on {blocker[0]} (held by {self.threads[blocker[1]]})"

    def event_text(self, before: State, after: State, i: int) -> str:
        """What stepping thread ``i`` from ``before`` to ``after`` did, with the values involved."""
        name = self.threads[i]
        step = self.programs[i].steps[before.pcs[i]]
        if after.errors[i] and not before.errors[i]:
            return f"{name}: {step.text} raises {after.errors[i]}"
        if before.status[i] == NOTIFIED:
            return f"{name}: wakes up and re-acquires {self.locks[self.condition_locks[step.target]]}"
        kind = step.kind
        if kind in ("load", "compute"):
            slot = step.dest if kind == "load" else step.target
            return f"{name}: {step.text} -> {self.programs[i].locals[slot]} = {after.locals[i][slot]!r}"
        if kind in ("store", "append", "pop"):
            return f"{name}: {step.text} -> {self.shown(step.target)} = {after.values[step.target]!r}"
        if kind == "test":
            return f"{name}: {step.text} -> {'true' if self._passes(before, i, step) else 'false'}"
        if kind == "notify":
            woken = [
                t for j, t in enumerate(self.threads) if before.status[j] == WAITING and after.status[j] == NOTIFIED
            ]
            return f"{name}: {step.text} wakes {' and '.join(woken) if woken else 'nobody (no thread is waiting)'}"
        return f"{name}: {step.text}"
