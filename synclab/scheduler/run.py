"""A scenario being played, one step at a time (what `Scenario.start()` returns)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from synclab._validate import check_choice

if TYPE_CHECKING:
    from synclab.scheduler.model import Problem, Scenario, State

__all__ = ["Run", "StepError"]


class StepError(ValueError):
    """The scheduler asked for a step that cannot happen (the thread is blocked, waiting or finished)."""


@dataclass(frozen=True, slots=True)
class Run:
    """A scenario being played: every state so far (the initial one first), the schedule and what each step did."""

    scenario: Scenario
    states: tuple[State, ...]
    schedule: tuple[str, ...]
    events: tuple[str, ...]

    @property
    def state(self) -> State:
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
        """Run the next step of ``thread``; :class:`StepError` says why it cannot."""
        sc = self.scenario
        i = sc.threads.index(check_choice("thread", thread, sc.threads))
        reason = sc.why_not(self.state, i)
        if reason:
            raise StepError(reason)
        after = sc.advance(self.state, i)
        event = sc.event_text(self.state, after, i)
        return Run(sc, self.states + (after,), self.schedule + (thread,), self.events + (event,))

    def steps(self, *threads: str) -> Run:
        """Run several steps: ``run.steps("T1", "T2", "T1")``."""
        run = self
        for thread in threads:
            run = run.step(thread)
        return run

    def undo(self) -> Run:
        if not self.schedule:
            raise StepError("nothing to undo: no step has been run yet")
        return Run(self.scenario, self.states[:-1], self.schedule[:-1], self.events[:-1])

    def reset(self) -> Run:
        return self.scenario.start()

    def problems(self) -> tuple[Problem, ...]:
        """What has gone wrong so far (violations along the way, then the current state's problems)."""
        return self.scenario.problems_along(self.states)

    def __str__(self) -> str:
        sc, state = self.scenario, self.state
        lines = []
        if sc.variables:
            lines.append("shared: " + ", ".join(f"{sc.shown(k)} = {v!r}" for k, v in enumerate(state.values)))
        if sc.locks:
            held = [
                f"{lock} {'free' if h is None else 'held by ' + sc.threads[h]}"
                for lock, h in zip(sc.locks, state.holders, strict=True)
            ]
            lines.append("locks: " + ", ".join(held))
        for i, name in enumerate(sc.threads):
            program = sc.programs[i]
            known = [f"{n} = {v!r}" for n, v in zip(program.locals, state.locals[i], strict=True) if v is not None]
            where = f"line {program.steps[state.pcs[i]].line}, " if state.pcs[i] < len(program.steps) else ""
            nxt = sc.next_text(state, i)
            lines.append(
                f"{name}: {where}{sc.status_text(state, i)}"
                + (f", next: {nxt}" if nxt else "")
                + (f"; {', '.join(known)}" if known else "")
            )
        return "\n".join(lines)
