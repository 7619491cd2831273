"""Count every schedule of a scenario and say how many end badly.

A *schedule* is one complete order in which the threads' steps run: from the
initial state, pick any thread that can run, step it, and go on until no thread
can run. Two threads each running ``counter += 1`` (load, add, store) have
C(6, 3) = 20 schedules.

:func:`explore` counts them all, exactly. It does not list them one by one:
many schedules pass through the same state (same program counters, values and
lock holders), and everything after a state depends only on that state, so the
explorer remembers, for each state, how many schedules lead on from it and how
each ends (memoisation, on a graph that has no cycles). The counts are still the
number of distinct step orders, the 20 above, not the number of states.

:func:`schedules` does list them one by one, for small scenarios and for
checking :func:`explore`.

A schedule ends badly if some state along it breaks mutual exclusion, or its
last state has a crashed thread, a deadlock, a thread stuck for good, or a
variable whose final value is not the one the scenario expects.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from math import comb, prod

from synclab._validate import check_bool, check_int
from synclab.scheduler.model import Problem, Scenario, State, scenario

__all__ = [
    "DEFAULT_MAX_STATES",
    "Ending",
    "Exploration",
    "ExplorationLimit",
    "ScheduleSweep",
    "SweepPoint",
    "counter_scenario",
    "explore",
    "interleavings",
    "schedules",
    "sweep_schedules",
]

#: Most distinct states :func:`explore` visits before giving up.
DEFAULT_MAX_STATES = 100_000

#: The outcome of a schedule: (ends badly, what happened).
_Key = tuple[bool, tuple[str, ...]]


class ExplorationLimit(ValueError):
    """A scenario has too many states to explore, or can run forever.

    Attributes:
        kind: ``"loop"`` (a state comes back, so some schedule never ends) or
            ``"states"`` (more distinct states than the cap).
        schedule: For ``"loop"``, the threads stepped from the start to the
            state that comes back (empty for ``"states"``).
        loop: For ``"loop"``, the threads stepped from that state back to it.
    """

    def __init__(
        self, message: str, *, kind: str = "states", schedule: tuple[str, ...] = (), loop: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.schedule = schedule
        self.loop = loop


@dataclass(frozen=True, slots=True)
class Ending:
    """One way the schedules of a scenario end, with how many end so.

    Attributes:
        bad: Whether this ending is a bug.
        problems: What went wrong (empty for a good ending).
        description: The problems joined, or the final values of a good ending.
        schedules: How many schedules end this way.
        example: One such schedule: the thread stepped at each step.
    """

    bad: bool
    problems: tuple[str, ...]
    description: str
    schedules: int
    example: tuple[str, ...]

    @property
    def example_text(self) -> str:
        """The example as one short line: ``"T1 T2 T1 T1 T2 T2"``."""
        return " ".join(self.example)


@dataclass(frozen=True, slots=True)
class Exploration:
    """Every schedule of a scenario, counted.

    Attributes:
        scenario: What was explored (replay an example with
            ``scenario.start().steps(*ending.example)``).
        schedules: How many distinct schedules there are.
        bad: How many of them end badly.
        states: How many distinct states the explorer visited.
        endings: Each distinct ending, good ones first, then bad ones, most common first.
    """

    scenario: Scenario
    schedules: int
    bad: int
    states: int
    endings: tuple[Ending, ...]

    @property
    def good(self) -> int:
        """How many schedules end well."""
        return self.schedules - self.bad

    @property
    def bad_share(self) -> float:
        """The fraction of schedules that end badly (0 to 1)."""
        return self.bad / self.schedules

    @property
    def bad_endings(self) -> tuple[Ending, ...]:
        """The endings that are bugs, most common first."""
        return tuple(e for e in self.endings if e.bad)

    def __str__(self) -> str:
        title = f"{self.scenario.title}: " if self.scenario.title else ""
        lines = [f"{title}{self.schedules:,} schedules, {self.bad:,} end badly"]
        for ending in self.endings:
            mark = "BAD " if ending.bad else "ok  "
            lines.append(f"  {mark}{ending.schedules:>8,} x {ending.description}   e.g. {ending.example_text}")
        return "\n".join(lines)


def _leaf_key(scenario: Scenario, state: State) -> _Key:
    problems = scenario.problems(state)
    if problems:
        return True, tuple(p.text for p in problems)
    return False, (scenario.summary(state),)


def _with_violation(key: _Key, violation: Problem | None) -> _Key:
    if violation is None or violation.text in key[1]:
        return key
    texts = key[1] if key[0] else ()
    return True, (violation.text, *texts)


def explore(
    scenario: Scenario,
    *,
    max_states: int = DEFAULT_MAX_STATES,
    observe: Callable[[State], object] | None = None,
) -> Exploration:
    """Count every schedule of ``scenario`` and how each one ends.

    Args:
        scenario: What to explore (see :func:`~synclab.scenario`).
        max_states: Give up after this many distinct states (1 to 2,000,000),
            so a large scenario cannot keep the kernel busy for long.
        observe: Called once with each distinct state reached, the initial one
            first (the exercise checks use it to see which locks a thread held
            at each of its steps).

    Returns:
        An :class:`Exploration`: the number of schedules, how many end badly,
        and each distinct ending with an example schedule.

    Raises:
        TypeError: ``scenario`` is not a Scenario, or ``max_states`` not an int.
        ValueError: ``max_states`` is out of range.
        ExplorationLimit: There are more than ``max_states`` states, or a thread
            can loop forever (a state repeats), so the schedules cannot be counted.
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a Scenario (see synclab.scenario), got {type(scenario).__name__}")
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
    step, runnable, violation = scenario._advance, scenario.runnable, scenario.violation
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
        descended = False
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
            descended = True
            break
        if descended:
            continue
        stack.pop()
        on_path.discard(state)
        problem = violation(state)
        outcomes: dict[_Key, list] = {}
        if not children:
            outcomes[_with_violation(_leaf_key(scenario, state), problem)] = [1, -1, None]
        for thread, child in children:
            for key, (count, _, _) in memo[child].items():
                mine = _with_violation(key, problem)
                if mine in outcomes:
                    outcomes[mine][0] += count
                else:
                    outcomes[mine] = [count, thread, key]
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
        endings.append(Ending(bad, texts if bad else (), "; ".join(texts), count, tuple(example)))
    endings.sort(key=lambda e: (e.bad, -e.schedules, e.description))
    total = sum(e.schedules for e in endings)
    return Exploration(scenario, total, sum(e.schedules for e in endings if e.bad), len(memo), tuple(endings))


def schedules(scenario: Scenario, *, limit: int = 1_000) -> Iterator[tuple[tuple[str, ...], Ending]]:
    """List the schedules of ``scenario`` one by one, in order (T1 first).

    Args:
        scenario: What to run.
        limit: Stop after this many schedules (1 to 100,000).

    Yields:
        Each schedule (the thread stepped at each step) and how it ended, as an
        :class:`Ending` counting that one schedule.

    Raises:
        TypeError: ``scenario`` is not a Scenario.
        ValueError: ``limit`` is out of range.
        ExplorationLimit: A schedule grows longer than 10,000 steps (a thread loops forever).
    """
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a Scenario (see synclab.scenario), got {type(scenario).__name__}")
    limit = check_int("limit", limit, 1, 100_000)
    produced = 0
    root = scenario.initial_state()
    stack: list[tuple[State, tuple[int, ...]]] = [(root, ())]
    while stack and produced < limit:
        state, path = stack.pop()
        if len(path) > 10_000:
            raise ExplorationLimit("a schedule ran past 10,000 steps: a thread seems to loop forever")
        runnable = scenario.runnable(state)
        if runnable:
            stack.extend((scenario._advance(state, i), path + (i,)) for i in reversed(runnable))
            continue
        produced += 1
        yield tuple(scenario.threads[i] for i in path), _ending_of(scenario, path)


def _ending_of(scenario: Scenario, path: tuple[int, ...]) -> Ending:
    """Replay ``path`` and say how it ends: violations along the way first, then the last state's problems."""
    state = scenario.initial_state()
    texts: list[str] = []
    for k in range(len(path) + 1):
        if k:
            state = scenario._advance(state, path[k - 1])
        problem = scenario.violation(state)
        if problem is not None and problem.text not in texts:
            texts.append(problem.text)
    bad, last = _leaf_key(scenario, state)
    if bad:
        texts.extend(t for t in last if t not in texts)
    names = tuple(scenario.threads[i] for i in path)
    if texts:
        return Ending(True, tuple(texts), "; ".join(texts), 1, names)
    return Ending(False, (), last[0], 1, names)


def counter_scenario(threads: int = 2, increments: int = 1, *, use_lock: bool = False) -> Scenario:
    """Threads that each run ``counter += 1`` a few times, with or without a lock.

    Args:
        threads: How many threads (1 to 8).
        increments: How many ``counter += 1`` lines each thread runs (1 to 20).
        use_lock: Wrap each increment in ``with lock:``.

    Returns:
        The scenario; it expects ``counter == threads * increments``.

    Raises:
        TypeError, ValueError: An argument is out of range.
    """
    threads = check_int("threads", threads, 1, 8)
    increments = check_int("increments", increments, 1, 20)
    use_lock = check_bool("use_lock", use_lock)
    line = "with lock:\n    counter += 1\n" if use_lock else "counter += 1\n"
    return _counter(threads, increments, use_lock, line * increments)


def _counter(threads: int, increments: int, use_lock: bool, source: str) -> Scenario:
    return scenario(
        [source] * threads,
        shared={"counter": 0},
        locks=["lock"] if use_lock else [],
        expect={"counter": threads * increments},
        title=f"{threads} thread{'s' if threads > 1 else ''} x {increments} increment{'s' if increments > 1 else ''}"
        + (", with a lock" if use_lock else ""),
    )


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """One scenario of a :class:`ScheduleSweep`.

    Attributes:
        threads: Threads in the scenario.
        increments: ``counter += 1`` lines per thread.
        schedules: How many schedules it has (counted by formula when not explored).
        bad: How many lose an update (``None`` when not explored).
        states: Distinct states visited (0 when not explored).
        explored: Whether it fitted under the sweep's state cap.
    """

    threads: int
    increments: int
    schedules: int
    bad: int | None
    states: int
    explored: bool

    @property
    def bad_share(self) -> float | None:
        """The fraction of schedules that lose an update, if explored."""
        return None if self.bad is None else self.bad / self.schedules

    def __str__(self) -> str:
        threads = f"{self.threads} thread{'s' if self.threads > 1 else ''}"
        increments = f"{self.increments} increment{'s' if self.increments > 1 else ''}"
        head = f"{threads} x {increments}: {self.schedules:,} schedule{'s' if self.schedules > 1 else ''}"
        if self.bad is None:
            return f"{head}, not explored"
        return f"{head}, {self.bad:,} lose an update"


@dataclass(frozen=True, slots=True)
class ScheduleSweep:
    """How the number of schedules, and the share that lose an update, grow.

    Attributes:
        points: One per (threads, increments) pair, threads varying fastest.
        thread_counts: The thread counts swept.
        increment_counts: The increments per thread swept.
        use_lock: Whether each increment was inside ``with lock:``.
        max_states: The cap: a scenario whose state count exceeds it is not explored.
    """

    points: tuple[SweepPoint, ...]
    thread_counts: tuple[int, ...]
    increment_counts: tuple[int, ...]
    use_lock: bool
    max_states: int

    @property
    def skipped(self) -> tuple[SweepPoint, ...]:
        """The points over the cap."""
        return tuple(p for p in self.points if not p.explored)

    def __str__(self) -> str:
        lines = [str(p) for p in self.points]
        if self.skipped:
            lines.append(f"(not explored: over the cap of {self.max_states:,} states, or bigger than a case that was)")
        return "\n".join(lines)


def interleavings(threads: int, steps: int) -> int:
    """How many ways ``threads`` threads of ``steps`` steps each can interleave, with no lock.

    It is the multinomial coefficient (threads * steps)! / (steps!) ** threads.
    """
    return prod(comb(k * steps, steps) for k in range(1, threads + 1))


def _ints(name: str, values: object, low: int, high: int) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list of integers between {low} and {high}, got {values!r}")
    if not values:
        raise ValueError(f"{name} must list at least one value between {low} and {high}, got {values!r}")
    return tuple(sorted({check_int(name, v, low, high) for v in values}))


def sweep_schedules(
    threads: Sequence[int] = (1, 2, 3, 4),
    increments: Sequence[int] = (1, 2, 3),
    *,
    use_lock: bool = False,
    max_states: int = 10_000,
) -> ScheduleSweep:
    """Explore the counter scenario for several thread and increment counts.

    Args:
        threads: Thread counts to try (each 1 to 8).
        increments: ``counter += 1`` lines per thread to try (each 1 to 20).
        use_lock: Wrap each increment in ``with lock:``.
        max_states: The cap (1 to 2,000,000): a scenario with more distinct
            states is not explored (its point says so), nor is any with at least
            as many threads and increments, so the sweep stays quick.

    Returns:
        A :class:`ScheduleSweep`.

    Raises:
        TypeError, ValueError: An argument is out of range.
    """
    thread_counts = _ints("threads", threads, 1, 8)
    increment_counts = _ints("increments", increments, 1, 20)
    use_lock = check_bool("use_lock", use_lock)
    max_states = check_int("max_states", max_states, 1, 2_000_000)
    points = []
    too_big: list[tuple[int, int]] = []
    for k in increment_counts:
        for n in thread_counts:
            # more threads or increments never means fewer states: skip what a smaller case already exceeded
            if any(n >= n0 and k >= k0 for n0, k0 in too_big):
                counted = None if use_lock else interleavings(n, 3 * k)
                points.append(SweepPoint(n, k, counted or 0, None, 0, False))
                continue
            try:
                result = explore(counter_scenario(n, k, use_lock=use_lock), max_states=max_states)
            except ExplorationLimit:
                too_big.append((n, k))
                counted = None if use_lock else interleavings(n, 3 * k)
                points.append(SweepPoint(n, k, counted or 0, None, 0, False))
                continue
            points.append(SweepPoint(n, k, result.schedules, result.bad, result.states, True))
    return ScheduleSweep(tuple(points), thread_counts, increment_counts, use_lock, max_states)
