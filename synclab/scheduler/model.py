"""The deterministic model: threads, shared memory, locks and conditions; *you* are the scheduler.

The rules are Python's: a ``Lock`` has one holder and is not reentrant; releasing a lock you do not
hold raises ``RuntimeError`` (the model is strict, like ``RLock``: ``threading.Lock`` lets another
thread release it, almost always a bug); ``notify()`` wakes the longest waiting thread, which must
then re-acquire the lock, one more step that may block; a thread that raises ends, and its ``with``
blocks release their locks. Any thread may be switched out between any two steps, as an older CPython
or a free-threaded build can (3.10+ with the GIL switches only at calls, function entries and
backward jumps, so a real program may never show some of these schedules).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from synclab.scheduler.program import CONST, LOCAL, LOCKED, OPERATORS, Operand, Program, Step, Value, passes
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
    """Everything that changes while a scenario runs (a named tuple: the explorer builds and hashes thousands)."""

    pcs: tuple[int, ...]
    status: tuple[str, ...]
    locals: tuple[tuple[Value | None, ...], ...]
    values: tuple[Value, ...]  # a buffer's is its length
    holders: tuple[int | None, ...]  # a thread index, or None
    waiters: tuple[tuple[int, ...], ...]  # the threads waiting on each condition, longest first
    errors: tuple[str, ...]  # the exception that ended each thread, or ""


def _put(items: tuple, index: int, value: object) -> tuple:
    return items[:index] + (value,) + items[index + 1 :]


@dataclass(frozen=True, slots=True)
class Scenario:
    """Threads running short programs over shared variables, locks and conditions (make one with :func:`scenario`)."""

    title: str
    threads: tuple[str, ...]
    programs: tuple[Program, ...]
    variables: tuple[str, ...]
    initial: tuple[Value, ...]  # a buffer's is its starting length
    buffers: frozenset[str]
    locks: tuple[str, ...]
    conditions: tuple[str, ...]
    condition_locks: tuple[int, ...]  # each condition's lock by index (one made without a lock has its own)
    expect: tuple[tuple[str, Value], ...]  # the final values a correct run ends with

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
        return Run(self, (self.initial_state(),), (), ())

    def shown(self, k: int) -> str:
        """Shared variable ``k`` as the learner reads it: ``counter``, or ``len(buffer)``."""
        name = self.variables[k]
        return f"len({name})" if name in self.buffers else name

    def blocked_on(self, state: State, i: int) -> int | None:
        """The held lock thread ``i`` waits for, if any."""
        if state.status[i] == NOTIFIED:  # it must re-acquire its condition's lock
            lock = self.condition_locks[self.programs[i].steps[state.pcs[i]].target]
        elif state.status[i] == RUNNING and self.programs[i].steps[state.pcs[i]].kind == "acquire":
            lock = self.programs[i].steps[state.pcs[i]].target
        else:
            return None
        return None if state.holders[lock] is None else lock

    def runnable(self, state: State) -> tuple[int, ...]:
        """Indices of the threads that can run a step now."""
        return tuple(
            i for i, s in enumerate(state.status) if s in (RUNNING, NOTIFIED) and self.blocked_on(state, i) is None
        )

    def _blocker(self, state: State, i: int) -> tuple[str, int | None]:
        """The lock thread ``i`` is blocked on, by name, and its holder (``("", None)`` if it is not blocked)."""
        lock = self.blocked_on(state, i)
        return ("", None) if lock is None else (self.locks[lock], state.holders[lock])

    def _condition(self, state: State, i: int) -> str:
        """The condition a waiting thread waits on."""
        return self.conditions[self.programs[i].steps[state.pcs[i]].target]

    def why_not(self, state: State, i: int) -> str:
        """Why thread ``i`` cannot be stepped now (empty if it can)."""
        name, status = self.threads[i], state.status[i]
        if status in (DONE, CRASHED):
            ended = "has finished" if status == DONE else f"has ended with {state.errors[i]}"
            return f"{name} {ended}: it has no step left to run"
        if status == WAITING:
            cond = self._condition(state, i)
            return f"{name} is waiting in {cond}.wait(): it runs again only after another thread calls {cond}.notify()"
        lock, holder = self._blocker(state, i)
        if holder is None:
            return ""
        if holder == i:
            return f"{name} is blocked: it waits for {lock}, which it holds itself, so it waits forever"
        other = self.threads[holder]
        return f"{name} is blocked: it waits for {lock}, which {other} holds; step {other} until it releases {lock}"

    def _value(self, state: State, i: int, operand: Operand) -> Value:
        kind, value = operand
        if kind == LOCKED:
            return state.holders[int(value)] is not None
        return value if kind == CONST else (state.locals[i] if kind == LOCAL else state.values)[int(value)]  # type: ignore[return-value]

    def _passes(self, state: State, i: int, step: Step) -> bool:
        return passes(step.op, self._value(state, i, step.a), self._value(state, i, step.b))

    def _crash(self, state: State, i: int, message: str, error: str = "RuntimeError") -> State:
        """Thread ``i`` raises ``error``: it ends, and its ``with`` blocks release their locks."""
        with_locks = self.programs[i].steps[state.pcs[i]].with_locks
        holders = tuple(None if k in with_locks and h == i else h for k, h in enumerate(state.holders))
        errors = _put(state.errors, i, f"{error}: {message}")
        return state._replace(status=_put(state.status, i, CRASHED), holders=holders, errors=errors)

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
                status = tuple(NOTIFIED if j in woken else s for j, s in enumerate(status))
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

    def deadlock(self, state: State) -> tuple[int, ...]:
        """Threads blocked in a cycle, each waiting for a lock the next holds: a permanent deadlock (empty if none)."""
        blocked = {i: self.blocked_on(state, i) for i in range(len(self.threads))}
        waits_for = {i: state.holders[lock] for i, lock in blocked.items() if lock is not None}  # i waits for holder
        for start in waits_for:
            path = [start]
            while path[-1] in waits_for and waits_for[path[-1]] not in path:
                path.append(waits_for[path[-1]])
            if path[-1] in waits_for:  # it waits for a thread on the path: a cycle, from its lowest index
                cycle = path[path.index(waits_for[path[-1]]) :]
                first = cycle.index(min(cycle))
                return tuple(cycle[first:] + cycle[:first])
        return ()

    def violation(self, state: State) -> Problem | None:
        """A problem visible in ``state`` whatever happens next: two threads in the critical section."""
        names = [
            name
            for name, program, pc, status in zip(self.threads, self.programs, state.pcs, state.status, strict=True)
            if status == RUNNING and program.steps[pc].kind == "critical"
        ]
        if len(names) < 2:
            return None
        return Problem("exclusion", f"{', '.join(names[:-1])} and {names[-1]} in the critical section at the same time")

    def problems(self, state: State) -> tuple[Problem, ...]:
        """Crashes and deadlocks; once no thread can run, also threads stuck for good and wrong final values."""
        found = [Problem("crash", f"{self.threads[i]} crashed: {e}") for i, e in enumerate(state.errors) if e]
        cycle = self.deadlock(state)
        if cycle:
            parts = []
            for i in cycle:
                lock, holder = self._blocker(state, i)
                held = "which it already holds" if holder == i else f"held by {self.threads[holder]}"
                parts.append(f"{self.threads[i]} waits for {lock}, {held}")
            found.append(Problem("deadlock", "deadlock: " + "; ".join(parts)))
        if self.runnable(state):
            return tuple(found)
        for i, status in enumerate(state.status):
            name = self.threads[i]
            if status == WAITING:
                cond = self._condition(state, i)
                found.append(Problem("stuck", f"{name} waits forever in {cond}.wait(): no thread is left to notify it"))
            elif i not in cycle and status not in (DONE, CRASHED):
                lock, owner = self._blocker(state, i)
                end = {DONE: "has finished", CRASHED: "crashed"}.get(state.status[owner], "is stuck too")
                text = f"{name} is blocked forever on {lock}, held by {self.threads[owner]}, which {end}"
                found.append(Problem("stuck", text))
        if not found:
            for name, wanted in self.expect:
                k = self.variables.index(name)
                if state.values[k] != wanted:
                    found.append(Problem("value", f"{self.shown(k)} = {state.values[k]!r}, expected {wanted!r}"))
        return tuple(found)

    def problems_along(self, states: Sequence[State]) -> tuple[Problem, ...]:
        """The violations along ``states``, then the last state's problems (each once)."""
        found = [self.violation(state) for state in states] + list(self.problems(states[-1]))
        return tuple(dict.fromkeys(p for p in found if p is not None))

    def summary(self, state: State) -> str:
        """The final values that matter: ``"counter = 2"`` (or ``"every thread finished"``)."""
        shown = [f"{self.shown(k)} = {state.values[k]!r}" for k in (self.variables.index(n) for n, _ in self.expect)]
        return ", ".join(shown) or "every thread finished"

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
        if status in (DONE, CRASHED):
            return "finished" if status == DONE else f"crashed: {state.errors[i]}"
        if status == WAITING:
            return f"waiting in {self._condition(state, i)}.wait() until notified"
        prefix = "notified, " if status == NOTIFIED else ""
        lock, holder = self._blocker(state, i)
        if holder is None:
            return prefix + "ready"
        return f"{prefix}blocked on {lock} (held by {self.threads[holder]})"

    def event_text(self, before: State, after: State, i: int) -> str:
        """What stepping thread ``i`` from ``before`` to ``after`` did, with the values involved."""
        name = self.threads[i]
        step = self.programs[i].steps[before.pcs[i]]
        if after.errors[i] and not before.errors[i]:
            return f"{name}: {step.text} raises {after.errors[i]}"
        if before.status[i] == NOTIFIED:
            return f"{name}: wakes up and re-acquires {self.locks[self.condition_locks[step.target]]}"
        if step.kind in ("load", "compute"):
            slot = step.dest if step.kind == "load" else step.target
            return f"{name}: {step.text} -> {self.programs[i].locals[slot]} = {after.locals[i][slot]!r}"
        if step.kind in ("store", "append", "pop"):
            return f"{name}: {step.text} -> {self.shown(step.target)} = {after.values[step.target]!r}"
        if step.kind == "test":
            return f"{name}: {step.text} -> {'true' if self._passes(before, i, step) else 'false'}"
        if step.kind == "notify":
            woken = [
                t for j, t in enumerate(self.threads) if before.status[j] == WAITING and after.status[j] == NOTIFIED
            ]
            return f"{name}: {step.text} wakes {' and '.join(woken) if woken else 'nobody (no thread is waiting)'}"
        return f"{name}: {step.text}"
