"""Checks for the exercises of notebooks 00 to 02."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from synclab.checks._base import CheckResult, ExerciseError, describe_exception, run_in_threads
from synclab.instruments import InstrumentedLock

__all__ = ["check_protected_increment", "check_racy_increment", "check_start_and_join"]

RUNS = 3
THREADS = 4
INCREMENTS = 500


class Counter:
    """The shared counter handed to the learner's function."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


def _observe_start_and_join(
    start_and_join: Callable[[Callable[[int], None], int], Any], n: int
) -> tuple[bool, BaseException | None, list[tuple[int, str]], int]:
    """Call ``start_and_join(task, n)`` from a helper thread and watch the tasks.

    Returns:
        Whether it returned within 5 s, what it raised, the ``(i, thread name)``
        of each task call, and how many tasks had finished when it returned.
    """
    calls: list[tuple[int, str]] = []
    finished: list[int] = []
    outcome: list[BaseException | int] = []
    guard = threading.Lock()
    done = threading.Event()

    def task(i: int) -> None:
        with guard:
            calls.append((i, threading.current_thread().name))
        time.sleep(0.05)
        with guard:
            finished.append(i)

    def call() -> None:
        try:
            start_and_join(task, n)
            with guard:
                outcome.append(len(finished))  # snapshot at the moment it returned
        except Exception as exc:
            outcome.append(exc)
        finally:
            done.set()

    caller = threading.Thread(target=call, name="check-0.1", daemon=True)
    caller.start()
    if not done.wait(5.0):
        return False, None, calls, 0
    caller.join(1.0)
    result = outcome[0]
    if isinstance(result, BaseException):
        return True, result, calls, 0
    return True, None, calls, result


def check_start_and_join(start_and_join: Callable[[Callable[[int], None], int], Any]) -> CheckResult:
    """Exercise 0.1: run ``task(i)`` in ``n`` threads and return when all are done."""
    exercise = "0.1"
    if not callable(start_and_join):
        return CheckResult(
            exercise, False, "start_and_join is not a function.", "Define it with def start_and_join(task, n):"
        )
    for n in (1, 3, 5):
        returned, error, calls, finished = _observe_start_and_join(start_and_join, n)
        if not returned:
            return CheckResult(
                exercise,
                False,
                f"start_and_join(task, {n}) did not return within 5 s.",
                "Join each thread once; a join with no end means a thread never finished.",
            )
        if error is not None:
            return CheckResult(
                exercise, False, describe_exception(error) + ".", "Read the error, fix it and run the cell again."
            )
        if not calls:
            return CheckResult(
                exercise,
                False,
                f"start_and_join(task, {n}) never called task.",
                "Create threading.Thread(target=task, args=(i,)) for each i in range(n) and start() them.",
            )
        if sorted(i for i, _ in calls) != list(range(n)):
            return CheckResult(
                exercise,
                False,
                f"with n={n}, task was called with {sorted(i for i, _ in calls)}, expected {list(range(n))}.",
                "Pass args=(i,) for each i in range(n).",
            )
        names = {name for _, name in calls}
        if "check-0.1" in names:
            return CheckResult(
                exercise,
                False,
                "task ran in the thread that called start_and_join, not in new threads.",
                "Don't call task(i) yourself: give it to threading.Thread(target=task, args=(i,)).",
            )
        if len(names) != n:
            return CheckResult(
                exercise,
                False,
                f"with n={n}, task ran in {len(names)} distinct thread(s).",
                "Make one thread per call.",
            )
        if finished < n:
            return CheckResult(
                exercise,
                False,
                "start_and_join returned before every task had finished.",
                "After starting all threads, call join() on each one.",
            )
    return CheckResult(exercise, True, "task ran once per thread, in its own thread, and every thread was joined.")


def check_racy_increment(racy_increment: Callable[[Any, int], Any]) -> CheckResult:
    """Exercise 1.1: an increment that loses updates on every run, on any CPython 3.10+."""
    exercise = "1.1"
    if not callable(racy_increment):
        return CheckResult(
            exercise, False, "racy_increment is not a function.", "Define it with def racy_increment(counter, n):"
        )
    try:
        alone = Counter()
        run_in_threads(racy_increment, [(alone, INCREMENTS)])
        if alone.value != INCREMENTS:
            return CheckResult(
                exercise,
                False,
                f"in one thread, {INCREMENTS} calls left the counter at {alone.value}, not {INCREMENTS}.",
                "Add exactly 1 per iteration: read, wait, write value + 1.",
            )
        runs_losing = 0
        for _ in range(RUNS):
            counter = Counter()
            run_in_threads(racy_increment, [(counter, INCREMENTS)] * THREADS)
            runs_losing += counter.value < THREADS * INCREMENTS
    except ExerciseError as exc:
        return CheckResult(
            exercise, False, str(exc) + ".", "Read the message, fix the function and run the cell again."
        )
    if runs_losing < RUNS:
        return CheckResult(
            exercise,
            False,
            f"with {THREADS} threads, every update was counted in {RUNS - runs_losing} of {RUNS} runs: "
            "the race did not show.",
            "On CPython 3.10+ plain += is not interrupted in practice. Read counter.value into a local, "
            "call time.sleep(1e-6) (sleep(0) is not enough on every version), then write the local + 1 back.",
        )
    return CheckResult(
        exercise, True, f"alone it counts exactly; with {THREADS} threads it lost updates in every one of {RUNS} runs."
    )


def check_protected_increment(protected_increment: Callable[[Any, Any, int], Any]) -> CheckResult:
    """Exercise 2.1: a lock makes the racy increment exact, run after run."""
    exercise = "2.1"
    if not callable(protected_increment):
        return CheckResult(
            exercise,
            False,
            "protected_increment is not a function.",
            "Define it with def protected_increment(counter, lock, n):",
        )
    exact_runs = 0
    coarse = False
    try:
        for _ in range(RUNS):
            counter, lock = Counter(), InstrumentedLock(name="exercise lock")
            run_in_threads(protected_increment, [(counter, lock, INCREMENTS)] * THREADS)
            stats = lock.statistics()
            if stats.acquisitions == 0:
                return CheckResult(
                    exercise,
                    False,
                    "the lock you were given was never acquired.",
                    "Use the lock argument: with lock: ... around the read, the sleep and the write.",
                )
            if counter.value != THREADS * INCREMENTS:
                continue
            exact_runs += 1
            coarse = coarse or stats.acquisitions < THREADS * INCREMENTS
    except ExerciseError as exc:
        return CheckResult(
            exercise, False, str(exc) + ".", "Read the message, fix the function and run the cell again."
        )
    if exact_runs < RUNS:
        return CheckResult(
            exercise,
            False,
            f"with {THREADS} threads, the count was wrong in {RUNS - exact_runs} of {RUNS} runs.",
            "The read, the sleep and the write must all be inside one with lock: block.",
        )
    note = (
        (
            " You held the lock around the whole loop: correct, but the threads ran one after another;"
            " locking each increment keeps them interleaved."
        )
        if coarse
        else ""
    )
    return CheckResult(exercise, True, f"the count was exact in all {RUNS} runs with {THREADS} threads.{note}")
