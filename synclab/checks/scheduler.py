"""Checks for the exercises of notebook 09, run across every schedule.

The learner writes a thread's program for the step-through model. The check
builds the scenario and explores *every* schedule (see
:func:`synclab.scheduler.explore`), so a fix that only works when the threads
happen to take turns nicely fails, with one schedule that breaks it as the
example. Nothing runs in real threads and the explorer has a state cap, so a
check cannot hang; its messages are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable

from synclab.checks._base import CheckResult
from synclab.scheduler.explore import Exploration, ExplorationLimit, explore
from synclab.scheduler.library import deadlock_scenario, if_consumer_scenario
from synclab.scheduler.model import Scenario, scenario

__all__ = ["check_lock_order", "check_locked_increment", "check_while_consumer"]

#: Most states a check explores; the reference solutions need a few hundred.
MAX_CHECK_STATES = 50_000

_GENERIC_HINTS = {
    "deadlock": "Two threads ended up each waiting for a lock the other holds: take locks in one order everywhere.",
    "stuck": "A thread was left waiting for good: release every lock you take (with lock: does it for you), "
    "and make sure someone notifies every wait().",
    "crash": "A step raised an exception: read the message for which one.",
    "exclusion": "Two threads were in the critical section together: the check and the claim need one lock.",
}


def _verdict(
    exercise: str,
    answer: object,
    name: str,
    build: Callable[[str], list[tuple[str, Scenario]]],
    hints: dict[str, str],
    passed: str,
) -> CheckResult:
    if not isinstance(answer, str):
        return CheckResult(
            exercise,
            False,
            f"{name} must be a string holding a thread's program, got {type(answer).__name__}.",
            f'Write {name} = """...""" with the lines of Python.',
        )
    try:
        cases = build(answer)
    except (TypeError, ValueError) as exc:
        return CheckResult(
            exercise,
            False,
            f"the model cannot run {name}: {exc}.",
            "Use only what the model understands: counter += 1, with lock:, cond.wait(), "
            "if/while with a simple test...",
        )
    results: list[tuple[str, Exploration]] = []
    for label, case in cases:
        try:
            result = explore(case, max_states=MAX_CHECK_STATES)
        except ExplorationLimit as exc:
            return CheckResult(
                exercise,
                False,
                f"{label}: {exc}.",
                "Keep the program short, and make every loop wait on a condition instead of spinning.",
            )
        if result.bad:
            worst = result.bad_endings[0]
            kind = _kind_of(case, worst.example)
            return CheckResult(
                exercise,
                False,
                f"{label}: {result.bad:,} of {result.schedules:,} schedules end badly, for example "
                f"{worst.example_text}, which ends with: {worst.description}.",
                hints.get(kind, _GENERIC_HINTS.get(kind, "Replay the example in synclab.scheduler_lab to see it.")),
            )
        results.append((label, result))
    counted = "; ".join(f"{label}: all {r.schedules:,} schedules end well" for label, r in results)
    return CheckResult(exercise, True, f"{counted}. {passed}")


def _kind_of(case: Scenario, example: tuple[str, ...]) -> str:
    run = case.start().steps(*example)
    problems = run.problems()
    return problems[0].kind if problems else ""


def check_locked_increment(increment: object) -> CheckResult:
    """Exercise 9.1: ``counter += 1`` made safe with the lock, on every schedule."""

    def build(source: str) -> list[tuple[str, Scenario]]:
        return [
            (f"{n} threads", scenario([source] * n, shared={"counter": 0}, locks=["lock"], expect={"counter": n}))
            for n in (2, 3)
        ]

    return _verdict(
        "9.1",
        increment,
        "increment",
        build,
        {
            "value": "Put with lock: around counter += 1, so that no other thread's load or store can come between "
            "this thread's load and its store."
        },
        "The lock leaves only the schedules where increments run whole, one after another.",
    )


def check_lock_order(second: object) -> CheckResult:
    """Exercise 9.2: T2's transfer no longer deadlocks with T1's, on any schedule."""
    return _verdict(
        "9.2",
        second,
        "second",
        lambda source: [("T1 and your T2", deadlock_scenario(source))],
        {
            "deadlock": "T1 takes lock_a, then lock_b. Take them in the same order in T2, and no cycle can form.",
            "value": "T2 must still move 1 from b to a, with both updates under the locks.",
        },
        "Both transfers take lock_a first, so a thread holding lock_b never waits for lock_a.",
    )


def check_while_consumer(consumer: object) -> CheckResult:
    """Exercise 9.3: a consumer that never pops from an empty buffer, on any schedule."""
    return _verdict(
        "9.3",
        consumer,
        "consumer",
        lambda source: [("one producer, two consumers", if_consumer_scenario(source))],
        {
            "crash": "After cond.wait() returns, another consumer may already have taken the item. Check again in a "
            "loop: while not buffer: cond.wait().",
            "value": "Each consumer must take exactly one item: call buffer.pop() once, after waiting.",
            "stuck": "A consumer waited with nobody left to notify it: wait only while the buffer is empty, and "
            "check under the lock (with cond:).",
        },
        "while re-checks the buffer after every wake-up, so a stolen item only means waiting again.",
    )
