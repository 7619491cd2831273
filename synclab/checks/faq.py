"""Check of exercise 11.1 (notebook 11): read two fields that must agree, together, under the writer's lock.

``read_mean(stats)`` gets a :class:`Stats` whose ``count`` and ``total`` are
:class:`~synclab.checks._guards.Watched` fields: every read notes whether
``stats.lock`` was held and in which hold. So the check judges each call by
what it did, not by whether a torn value happened to come out:

1. a writer records measurements under ``stats.lock``, with a forced window
   between its two updates, while two threads call ``read_mean`` again and
   again: every call must read both fields holding the lock, in one hold, and
   return ``total / count`` of what it read, and give the lock back;
2. the check holds ``stats.lock`` in the middle of an update as ``read_mean``
   starts, and lets go once it waits: a ``read_mean`` that gives up on a busy
   lock and reads anyway reads a half-made update, on every run.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from synclab.checks._base import Call, CheckResult, Trial, call_faults, not_yet, passed
from synclab.checks._guards import Observed, Watched
from synclab.experiments.counter import YIELD_SECONDS
from synclab.experiments.faq import MEASUREMENT

__all__ = ["Stats", "check_consistent_mean"]

#: Scenario 1: updates the writer makes, readers, and calls of read_mean each reader makes.
WRITES = 20
READERS = 2
CALLS = 30

_TOGETHER = "Read both fields inside one with stats.lock: block: with stats.lock: return stats.total / stats.count"


class Stats(Observed):
    """The two fields of exercise 11.1: ``total`` is always ``10 * count`` between updates.

    Attributes:
        count: Measurements recorded (logged).
        total: Their sum (logged).
        lock: ``stats.lock``, the lock the writer holds around each update.
    """

    count = Watched()
    total = Watched()

    def __init__(self, trial: Trial) -> None:
        lock = trial.lock("stats.lock")
        super().__init__(lock, count=1, total=MEASUREMENT)
        self.lock = lock

    def __repr__(self) -> str:
        return f"Stats(count={self.peek('count')!r}, total={self.peek('total')!r})"


@dataclass
class Reading(Call):
    """One call of ``read_mean``: what it returned and what it read.

    Attributes:
        count: ``(value, locked, hold)`` of its last read of ``stats.count``, or ``None``.
        total: The same for ``stats.total``.
    """

    count: tuple[Any, bool, tuple[int | None, ...]] | None = None
    total: tuple[Any, bool, tuple[int | None, ...]] | None = None


def _read(stats: Stats, read_mean: Callable[[Any], Any], readings: list[Reading]) -> Reading:
    """Call ``read_mean(stats)`` once in this thread and note what it read."""
    stats.forget_reads()
    reading = Reading("read_mean(stats)")
    readings.append(reading)
    reading.make(stats.lock, read_mean, stats)
    reading.count, reading.total = stats.last_read("count"), stats.last_read("total")
    return reading


def _judge(readings: list[Reading], stats: Stats, trial: Trial) -> CheckResult | None:
    """The verdict on every call of one scenario; ``None`` if each was right."""
    exercise = "11.1"
    if (fault := call_faults(exercise, trial, readings, lock="stats.lock", waiters="the writer")) is not None:
        return fault
    gave_up = " after an attempt to take it gave up (acquire returned False)" if stats.lock.failed else ""
    for r in readings:
        missing = [name for name, read in (("stats.total", r.total), ("stats.count", r.count)) if read is None]
        if missing:
            return not_yet(
                exercise,
                f"read_mean returned without reading {' and '.join(missing)}: the mean must come from the recorded "
                "fields.",
                "Return stats.total / stats.count, read inside with stats.lock:.",
            )
        unlocked = [name for name, read in (("stats.total", r.total), ("stats.count", r.count)) if not read[1]]
        if unlocked:
            return not_yet(
                exercise,
                f"read_mean read {' and '.join(unlocked)} while not holding stats.lock{gave_up}: the writer can be "
                "between its two updates at that moment.",
                _TOGETHER,
            )
        if r.total[2] != r.count[2]:
            return not_yet(
                exercise,
                "read_mean read stats.total and stats.count holding stats.lock, but in two different holds: the "
                "writer can make a whole update between them.",
                _TOGETHER,
            )
        value = r.result
        right = r.total[0] / r.count[0]
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != right:
            return not_yet(
                exercise,
                f"read_mean returned {type(value).__name__ if not isinstance(value, numbers.Real) else 'a number'} "
                "other than stats.total / stats.count of the values it read.",
                "Return stats.total / stats.count.",
            )
    return None


def _alongside_a_writer(read_mean: Callable[[Any], Any]) -> CheckResult | None:
    """Scenario 1: a writer with a forced window between its two updates, and two readers calling read_mean."""
    readings: list[Reading] = []
    with Trial(what="read_mean") as trial:
        stats = Stats(trial)

        def writer() -> None:
            for _ in range(WRITES):
                with stats.lock:
                    stats.count += 1
                    time.sleep(YIELD_SECONDS)  # a forced window between the two updates
                    stats.total += MEASUREMENT

        def reader() -> None:
            for _ in range(CALLS):
                if _read(stats, read_mean, readings).kept_lock:
                    return

        trial.run([("writer", writer, ()), *((f"T{i}", reader, ()) for i in range(1, READERS + 1))])
    return _judge(readings, stats, trial)


def _busy_lock(read_mean: Callable[[Any], Any]) -> CheckResult | None:
    """Scenario 2: the check holds stats.lock in the middle of an update as read_mean starts."""
    readings: list[Reading] = []
    with Trial(what="read_mean") as trial:
        stats = Stats(trial)
        # The writer's first update is made before read_mean starts (nobody can look in between); the
        # check then holds stats.lock, as the writer would until its second update, while read_mean starts.
        stats.count += 1

        def second_update() -> None:
            stats.total += MEASUREMENT

        trial.while_held(stats.lock, "T1", _read, stats, read_mean, readings, before_release=second_update)
    return _judge(readings, stats, trial)


def check_consistent_mean(read_mean: Callable[[Any], Any]) -> CheckResult:
    """Exercise 11.1: read ``stats.total`` and ``stats.count`` together, holding ``stats.lock``."""
    exercise = "11.1"
    if not callable(read_mean):
        return not_yet(exercise, "read_mean is not a function.", "Define it with def read_mean(stats):")
    for scenario in (_alongside_a_writer, _busy_lock):
        if (verdict := scenario(read_mean)) is not None:
            return verdict
    return passed(
        exercise,
        f"while a writer updated the two fields {WRITES} times, every call of read_mean read both of them in one "
        "hold of stats.lock and returned their mean; and when the lock was busy in the middle of an update, "
        "read_mean waited for it.",
    )
