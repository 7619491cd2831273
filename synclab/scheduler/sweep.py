"""The counter scenario explored for several thread and increment counts: how fast bad schedules multiply."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from synclab._validate import check_bool, check_int
from synclab.scheduler.declare import MAX_THREADS, scenario
from synclab.scheduler.explore import ExplorationLimit, explore, interleavings
from synclab.scheduler.model import Scenario

__all__ = ["SWEEP_MAX_STATES", "ScheduleSweep", "SweepPoint", "counter_scenario", "sweep_schedules"]

#: Most distinct states a scenario of :func:`sweep_schedules` may have to be explored.
SWEEP_MAX_STATES = 10_000


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' if n > 1 else ''}"


def counter_scenario(threads: int = 2, increments: int = 1, *, use_lock: bool = False) -> Scenario:
    """Threads (1 to 8) that each run ``counter += 1`` 1 to 20 times, with or without ``with lock:``."""
    threads = check_int("threads", threads, 1, MAX_THREADS)
    increments = check_int("increments", increments, 1, 20)
    use_lock = check_bool("use_lock", use_lock)
    line = "with lock:\n    counter += 1\n" if use_lock else "counter += 1\n"
    return scenario(
        [line * increments] * threads,
        shared={"counter": 0},
        locks=["lock"] if use_lock else [],
        expect={"counter": threads * increments},
        title=f"{_plural(threads, 'thread')} x {_plural(increments, 'increment')}"
        + (", with a lock" if use_lock else ""),
    )


@dataclass(frozen=True, slots=True)
class SweepPoint:
    """One scenario of a sweep; ``bad`` is ``None`` when it was over the cap (not explored)."""

    threads: int
    increments: int
    schedules: int
    bad: int | None

    @property
    def explored(self) -> bool:
        return self.bad is not None

    @property
    def bad_share(self) -> float | None:
        return None if self.bad is None else self.bad / self.schedules

    def __str__(self) -> str:
        sizes = f"{_plural(self.threads, 'thread')} x {_plural(self.increments, 'increment')}"
        head = f"{sizes}: {_plural(self.schedules, 'schedule')}"
        if self.bad is None:
            return f"{head}, not explored"
        return f"{head}, {self.bad:,} lose an update"


@dataclass(frozen=True, slots=True)
class ScheduleSweep:
    """The counter scenario explored for several thread and increment counts (threads vary fastest)."""

    points: tuple[SweepPoint, ...]
    thread_counts: tuple[int, ...]
    increment_counts: tuple[int, ...]
    use_lock: bool

    @property
    def skipped(self) -> tuple[SweepPoint, ...]:
        return tuple(p for p in self.points if not p.explored)

    def __str__(self) -> str:
        lines = [str(p) for p in self.points]
        if self.skipped:
            lines.append(f"(not explored: over the cap of {SWEEP_MAX_STATES:,} states, or bigger than a case that was)")
        return "\n".join(lines)


def _ints(name: str, values: object, low: int, high: int) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list of integers between {low} and {high}, got {values!r}")
    if not values:
        raise ValueError(f"{name} must list at least one value between {low} and {high}, got {values!r}")
    return tuple(sorted({check_int(name, v, low, high) for v in values}))


def sweep_schedules(
    threads: Sequence[int] = (1, 2, 3, 4), increments: Sequence[int] = (1, 2, 3), *, use_lock: bool = False
) -> ScheduleSweep:
    """Explore the counter scenario for several thread and increment counts.

    A scenario over :data:`SWEEP_MAX_STATES` distinct states is not explored, nor is any with at least as
    many threads and increments, so the sweep stays quick.
    """
    thread_counts = _ints("threads", threads, 1, MAX_THREADS)
    increment_counts = _ints("increments", increments, 1, 20)
    use_lock = check_bool("use_lock", use_lock)
    points = []
    too_big: list[tuple[int, int]] = []
    for k in increment_counts:
        for n in thread_counts:
            # more threads or increments never means fewer states: skip what a smaller case already exceeded
            if not any(n >= n0 and k >= k0 for n0, k0 in too_big):
                try:
                    result = explore(counter_scenario(n, k, use_lock=use_lock), max_states=SWEEP_MAX_STATES)
                    points.append(SweepPoint(n, k, result.schedules, result.bad))
                    continue
                except ExplorationLimit:
                    too_big.append((n, k))
            counted = 0 if use_lock else interleavings(n, 3 * k)
            points.append(SweepPoint(n, k, counted, None))
    return ScheduleSweep(tuple(points), thread_counts, increment_counts, use_lock)
