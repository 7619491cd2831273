"""Count every schedule of a scenario (one complete order of the threads' steps) and how many end badly.

Two threads each running ``counter += 1`` (load, add, store) have C(6, 3) = 20 schedules.
:func:`explore` counts them without listing them: everything after a state depends only on that
state, so it remembers, for each state, how many schedules lead on from it and how each ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from math import comb, prod

from synclab._validate import check_int
from synclab.scheduler.model import Problem, Scenario, State

__all__ = ["Ending", "Exploration", "ExplorationLimit", "explore", "interleavings", "schedules"]

#: The outcome of a schedule: (ends badly, what happened).
_Key = tuple[bool, tuple[str, ...]]


class ExplorationLimit(ValueError):
    """Too many states (``kind="states"``), or a state comes back (``"loop"``: ``schedule`` to it, ``loop`` back)."""

    def __init__(
        self, message: str, *, kind: str = "states", schedule: tuple[str, ...] = (), loop: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.kind, self.schedule, self.loop = kind, schedule, loop


@dataclass(frozen=True, slots=True)
class Ending:
    """One way the schedules end: what went wrong (if anything), how many, and one example schedule."""

    bad: bool
    description: str
    schedules: int
    example: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Exploration:
    """Every schedule of a scenario, counted; endings good first, then most common first."""

    scenario: Scenario
    schedules: int
    bad: int
    states: int
    endings: tuple[Ending, ...]

    @property
    def bad_endings(self) -> tuple[Ending, ...]:
        return tuple(e for e in self.endings if e.bad)

    def __str__(self) -> str:
        title = f"{self.scenario.title}: " if self.scenario.title else ""
        lines = [f"{title}{self.schedules:,} schedules, {self.bad:,} end badly"]
        for ending in self.endings:
            mark = "BAD " if ending.bad else "ok  "
            lines.append(f"  {mark}{ending.schedules:>8,} x {ending.description}   e.g. {' '.join(ending.example)}")
        return "\n".join(lines)


def _ending(problems: Sequence[Problem], scenario: Scenario, state: State) -> _Key:
    if problems:
        return True, tuple(dict.fromkeys(p.text for p in problems))
    return False, (scenario.summary(state),)


def _with_violation(key: _Key, violation: Problem | None) -> _Key:
    if violation is None or violation.text in key[1]:
        return key
    return True, (violation.text, *(key[1] if key[0] else ()))


def _check_scenario(scenario: object) -> None:
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a Scenario (see synclab.scenario), got {type(scenario).__name__}")


def explore(
    scenario: Scenario, *, max_states: int = 100_000, observe: Callable[[State], object] | None = None
) -> Exploration:
    """Count every schedule of ``scenario`` and how each one ends.

    Gives up with :class:`ExplorationLimit` past ``max_states`` distinct states, or when a thread
    can loop forever. ``observe`` is called once with each distinct state (the checks use it).
    """
    _check_scenario(scenario)
    max_states = check_int("max_states", max_states, 1, 2_000_000)
    if observe is not None and not callable(observe):
        raise TypeError(f"observe must be a function of a State, or None, got {type(observe).__name__}")
    collecting = gc.isenabled()
    gc.disable()  # the memo is many small tuples without cycles: collecting them only costs time
    try:
        return _explore(scenario, max_states, observe)
    finally:
        if collecting:
            gc.enable()


def _explore(scenario: Scenario, max_states: int, observe: Callable[[State], object] | None) -> Exploration:
    step, runnable, violation = scenario.advance, scenario.runnable, scenario.violation
    # memo[state] = {outcome: [schedules, first thread, outcome in the child]}
    memo: dict[State, dict[_Key, list]] = {}
    root = scenario.initial_state()
    on_path = {root}
    stack: list[tuple[State, list[tuple[int, State]], list[int]]] = []

    def push(state: State) -> None:
        if observe is not None:
            observe(state)
        stack.append((state, [(i, step(state, i)) for i in runnable(state)], [0]))

    push(root)
    while stack:
        state, children, cursor = stack[-1]
        while cursor[0] < len(children):
            _, child = children[cursor[0]]
            cursor[0] += 1
            if child in memo:
                continue
            if child in on_path:
                path = tuple(scenario.threads[kids[at[0] - 1][0]] for _, kids, at in stack)
                back = next(k for k, entry in enumerate(stack) if entry[0] == child)
                raise ExplorationLimit(
                    "a thread can loop forever here (the same state comes back), so its schedules cannot be "
                    "counted; make every loop end, for example by waiting on a condition instead of spinning",
                    kind="loop",
                    schedule=path[:back],
                    loop=path[back:],
                )
            if len(memo) + len(on_path) >= max_states:
                raise ExplorationLimit(
                    f"more than {max_states:,} distinct states: too many schedules to explore here; use fewer "
                    "threads or shorter programs, or raise max_states"
                )
            on_path.add(child)
            push(child)
            break
        else:  # every child is counted: count this state
            stack.pop()
            on_path.discard(state)
            problem = violation(state)
            outcomes: dict[_Key, list] = {}
            if not children:
                outcomes[_with_violation(_ending(scenario.problems(state), scenario, state), problem)] = [1, -1, None]
            for thread, child in children:
                for key, (count, _, _) in memo[child].items():
                    outcomes.setdefault(_with_violation(key, problem), [0, thread, key])[0] += count
            memo[state] = outcomes

    endings = []
    for key, (count, _, _) in memo[root].items():
        example: list[str] = []
        state, current = root, key
        while True:
            _, thread, child_key = memo[state][current]
            if thread < 0:
                break
            example.append(scenario.threads[thread])
            state, current = step(state, thread), child_key
        bad, texts = key
        endings.append(Ending(bad, "; ".join(texts), count, tuple(example)))
    endings.sort(key=lambda e: (e.bad, -e.schedules, e.description))
    total = sum(e.schedules for e in endings)
    return Exploration(scenario, total, sum(e.schedules for e in endings if e.bad), len(memo), tuple(endings))


def schedules(scenario: Scenario) -> Iterator[tuple[tuple[str, ...], Ending]]:
    """List the schedules of ``scenario`` one by one (T1 first), each with how it ended."""
    _check_scenario(scenario)
    stack: list[tuple[tuple[State, ...], tuple[int, ...]]] = [((scenario.initial_state(),), ())]
    while stack:
        states, path = stack.pop()
        if len(path) > 10_000:
            raise ExplorationLimit("a schedule ran past 10,000 steps: a thread seems to loop forever")
        runnable = scenario.runnable(states[-1])
        if runnable:
            stack.extend((states + (scenario.advance(states[-1], i),), path + (i,)) for i in reversed(runnable))
            continue
        names = tuple(scenario.threads[i] for i in path)
        bad, texts = _ending(scenario.problems_along(states), scenario, states[-1])
        yield names, Ending(bad, "; ".join(texts), 1, names)


def interleavings(threads: int, steps: int) -> int:
    """How many ways ``threads`` threads of ``steps`` steps each can interleave: (n * k)! / (k!) ** n."""
    return prod(comb(k * steps, steps) for k in range(1, threads + 1))
