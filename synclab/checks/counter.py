"""Checks for the exercises of notebooks 01 and 02: make the race show, protect the counter.

Both count the real writes of ``counter.value`` (a hard-coded total writes it a handful of times)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synclab.checks._base import CheckResult, Trial, first_fault, not_yet, passed
from synclab.checks._guards import Observed, RecordedCounter, Watched

THREADS = 4
#: Exercise 1.1: increments per thread, and runs with all threads.
RACY_INCREMENTS = 200
RACY_RUNS = 3
#: Exercise 2.1: increments per thread (the threads take turns, so fewer), and runs.
PROTECTED_INCREMENTS = 100
PROTECTED_RUNS = 3


# -- exercise 1.1 ----------------------------------------------------------------------

_WINDOW_HINT = (
    "A thread loses an update only if another thread writes between its read and its write. Read counter.value into a "
    "local variable, call time.sleep(1e-6) to let the other threads run, then write the local + 1 back (time.sleep(0) "
    "is not enough on every Python version). No lock here: a lock is what stops the race."
)


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count:,} times")


def _run_counter(fn: Callable[..., Any], threads: int, *args: Any) -> tuple[RecordedCounter, Trial]:
    counter = RecordedCounter(0)
    with Trial(what=getattr(fn, "__name__", "your function")) as trial:
        trial.run([(f"T{i}", fn, (counter, *args)) for i in range(1, threads + 1)])
    return counter, trial


def check_racy_increment(racy_increment: Callable[..., Any]) -> CheckResult:
    """Exercise 1.1: an increment that counts right alone and loses updates with 4 threads, on every run."""
    n = RACY_INCREMENTS
    if (fault := first_fault("1.1", racy_increment, "def racy_increment(counter, n):")) is not None:
        return fault
    counter, trial = _run_counter(racy_increment, 1, n)
    if (problem := trial.trouble()) is not None:
        return not_yet("1.1", *problem)
    if counter.writes != n:
        return not_yet(
            "1.1",
            f"in one thread, racy_increment(counter, {n}) wrote counter.value {_times(counter.writes)}; adding 1, "
            f"{n} times, writes it {n} times.",
            "Keep the loop: in each pass, read counter.value and write back that value + 1.",
        )
    if not counter.all_steps_of_one() or counter.value != n:
        return not_yet(
            "1.1",
            f"in one thread, racy_increment(counter, {n}) wrote {n} times, but not each time one more than the "
            f"value before (it ended at {counter.value!r}, not {n}).",
            "In each pass, write back exactly the value you read + 1.",
        )
    total = THREADS * n
    for _ in range(RACY_RUNS):
        counter, trial = _run_counter(racy_increment, THREADS, n)
        if (problem := trial.trouble()) is not None:
            return not_yet("1.1", *problem)
        if counter.writes != total:
            return not_yet(
                "1.1",
                f"with {THREADS} threads, counter.value was written {_times(counter.writes)}, not {total:,}: each "
                "thread must write once per increment.",
                "Keep the loop: in each pass, read counter.value and write back that value + 1.",
            )
        if not counter.all_steps_of_one():
            return not_yet(
                "1.1",
                f"with {THREADS} threads, a thread wrote a value that was not one more than any value the counter "
                "had held.",
                "Write back the value you read + 1, nothing else.",
            )
        if counter.lost_updates() == 0:
            return not_yet(
                "1.1",
                f"with {THREADS} threads running at once, every one of the {total:,} updates was counted: the "
                "race did not show.",
                _WINDOW_HINT,
            )
    return passed(
        "1.1",
        f"alone it added exactly {n}, one write per increment; with {THREADS} threads at once it wrote {total:,} times "
        f"and lost updates in every one of {RACY_RUNS} runs, with no lock and no trick in the counter.",
    )


# -- exercise 2.1 ----------------------------------------------------------------------


class WatchedCounter(Observed):
    """The counter of exercise 2.1: ``value`` logs every read and write and whether the lock was held."""

    value = Watched(step=1)

    def __init__(self, lock: Any) -> None:
        super().__init__(lock, value=0)

    def __repr__(self) -> str:
        return f"Counter(value={self._values['value']!r})"


def check_protected_increment(protected_increment: Callable[..., Any]) -> CheckResult:
    """Exercise 2.1: the lock passed in is held around every read-and-write, so the count is exact."""
    n = PROTECTED_INCREMENTS
    total = THREADS * n
    if (fault := first_fault("2.1", protected_increment, "def protected_increment(counter, lock, n):")) is not None:
        return fault
    note = ""
    for _ in range(PROTECTED_RUNS):
        with Trial(what="protected_increment") as trial:
            lock = trial.lock("the lock")
            counter = WatchedCounter(lock)
            trial.run([(f"T{i}", protected_increment, (counter, lock, n)) for i in range(1, THREADS + 1)])
        if (problem := trial.trouble()) is not None:
            return not_yet("2.1", *problem)
        log = counter.log("value")
        if lock.holds == 0:
            return not_yet(
                "2.1",
                "the lock passed in as lock was never acquired, so nothing kept the threads apart.",
                "Use the lock argument itself: with lock: around the read, the sleep and the write. A lock "
                "created inside the function is a new lock in every call, so it keeps nobody out.",
            )
        if log.writes != total:
            return not_yet(
                "2.1",
                f"{THREADS} threads wrote counter.value {_times(log.writes)}, not {total:,}: each increment must "
                "read the counter and write it back, once per pass of the loop.",
                "Don't compute the total: keep the loop, and in each pass add 1 inside with lock:.",
            )
        if log.unlocked_writes:
            return not_yet(
                "2.1",
                "a thread wrote counter.value while it did not hold the lock.",
                "Hold the lock around the read, the sleep and the write: put all three inside one with lock: block.",
            )
        if log.split_writes:
            return not_yet(
                "2.1",
                "a thread wrote counter.value holding the lock, but it had read the value before it took the "
                "lock (or in an earlier with block): another thread could have changed it in between.",
                "The read and the write must be inside the same with lock: block.",
            )
        if log.off_steps:
            return not_yet(
                "2.1",
                "a thread wrote counter.value as something other than the value it had read + 1.",
                "In each pass, write back the value you read + 1.",
            )
        if lock.holds < total:
            note = (
                " You held the lock around the whole loop: correct, but each thread then keeps the others waiting for "
                "all its increments; a with block inside the loop holds it for one increment at a time."
            )
    return passed(
        "2.1",
        f"in {PROTECTED_RUNS} runs of {THREADS} threads x {n} increments, every one of the {total:,} writes was "
        f"made holding the lock, in the same hold as the read before it, so the count was exact.{note}",
    )
