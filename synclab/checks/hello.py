"""Check for the exercise of notebook 00: start ``n`` threads and join them all.

The tasks meet at a :class:`~synclab.checks._guards.Rendezvous` (so they ran at once), then stay
running until ``start_and_join`` is seen waiting and finish one at a time, from the last and from the first."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from synclab.checks._base import CheckResult, Trial, first_fault, not_yet, passed, stack, waits_for_others
from synclab.checks._guards import CheckCancelled

#: ``(n, order)`` of each call; the order in which the held tasks are let go.
START_AND_JOIN_RUNS = ((3, "last first"), (4, "first first"))
#: Seconds the first task waits inside for the others to be running too.
MEET_SECONDS = 1.0
_POOL_MODULES = ("concurrent.futures", "multiprocessing.pool")


@dataclass
class _Call:
    """One call of the check's ``task``: its argument, its thread, and how the thread was made."""

    index: Any
    thread: threading.Thread
    pooled: bool
    target: Any


class _TaskRun:
    """One call ``start_and_join(task, n)``: the check's ``task`` and what it saw."""

    def __init__(self, trial: Trial, n: int) -> None:
        self.n = n
        self.calls: list[_Call] = []
        self.guard = threading.Lock()
        self.rendezvous = trial.rendezvous(n, MEET_SECONDS)
        self.gates = [trial.event("the check") for _ in range(n)]
        self.finished = [False] * n
        self.caller: threading.Thread | None = None
        self.finished_at_return: int | None = None

    def task(self, i: Any) -> None:
        me = threading.current_thread()
        # This thread's own stack (sys._getframe), not every thread's: a pool may be starting its
        # next worker right now, the moment CPython gh-106883 needs (see current_frames).
        pooled = any(f.f_globals.get("__name__", "").startswith(_POOL_MODULES) for f in stack(sys._getframe(1)))
        with self.guard:
            slot = len(self.calls)
            self.calls.append(_Call(i, me, pooled, getattr(me, "_target", None)))
        if me is self.caller or slot >= self.n:
            return
        try:
            if self.rendezvous.arrive():
                self.gates[slot].wait()
        except CheckCancelled:
            return
        self.finished[slot] = True

    def call(self, start_and_join: Callable[..., Any]) -> None:
        self.caller = threading.current_thread()
        start_and_join(self.task, self.n)
        self.finished_at_return = sum(self.finished)

    def settled(self, slot: int) -> bool:
        """Whether task ``slot`` returned and (unless a pool runs it) its thread has ended."""
        call = self.calls[slot]
        return self.finished[slot] and (call.pooled or not call.thread.is_alive())


def _late_bound(calls: list[_Call]) -> bool:
    owners: dict[int, set[int]] = {}
    for call in calls:
        for cell in getattr(call.target, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                owners.setdefault(id(cell), set()).add(id(call.thread))
    return any(len(threads) > 1 for threads in owners.values())


_LATE_BINDING = (
    "each thread runs a function that reads i when it runs, not when the thread is made, so a thread "
    "that starts late gets a later i"
)
_BIND_HINT = (
    "Give each thread its own value when you create it: threading.Thread(target=task, args=(i,)) "
    "(or lambda i=i: task(i))."
)


def _start_and_join_once(start_and_join: Callable[..., Any], n: int, order: str) -> CheckResult | None:
    with Trial(what="start_and_join") as trial:
        run = _TaskRun(trial, n)
        caller = trial.start("check 0.1", run.call, start_and_join)
        meeting = run.rendezvous
        trial.wait(until=lambda: meeting.met or meeting.broken or (caller.done and meeting.inside == 0))
        verdict = _release_one_by_one(trial, run, caller, order) if meeting.met else None
        trial.wait(runners=[caller])
        trial.cancel()  # tasks still held return quietly
    problem = trial.trouble()
    calls = run.calls
    indexes = [call.index for call in calls]
    if problem is not None and (caller.error is not None or not calls):
        return not_yet("0.1", *problem)
    if not calls:
        return not_yet(
            "0.1",
            f"start_and_join(task, {n}) returned without calling task.",
            "Create threading.Thread(target=task, args=(i,)) for each i in range(n), start() them all, "
            "then join() them.",
        )
    if any(call.thread is run.caller for call in calls):
        return not_yet(
            "0.1",
            "task ran in the thread that called start_and_join, not in a new thread: calling task(i) yourself, "
            "thread.run(), or threading.Thread(target=task(i)) all run it right there.",
            "Give the thread the function and its argument, threading.Thread(target=task, args=(i,)), and call "
            "start(): start() runs it in the new thread.",
        )
    try:
        right_indexes = sorted(indexes) == list(range(n))
    except TypeError:
        right_indexes = False
    if not right_indexes:
        late = _late_bound(calls)
        return not_yet(
            "0.1",
            f"with n={n}, task was called with {indexes!r} (in the order the calls came); expected each of "
            f"{list(range(n))!r} once" + (f": {_LATE_BINDING}." if late else "."),
            _BIND_HINT if late else "Call task once for each i in range(n), each in its own thread.",
        )
    if not meeting.met:
        threads = len({id(call.thread) for call in calls})
        at_once = "one task" if meeting.most <= 1 else f"{meeting.most} tasks"
        pool = " (a pool with fewer workers than tasks runs the rest later)" if threads < n else ""
        return not_yet(
            "0.1",
            f"with n={n}, the tasks did not run at the same time: each task waits inside until all {n} are "
            f"running, and at most {at_once} ran at once{pool}.",
            "Start every thread first, then join() each of them in a second loop: a join() inside the first loop "
            "waits for each thread before the next one starts.",
        )
    if _late_bound(calls):
        return not_yet("0.1", f"the tasks got the right numbers this time, but {_LATE_BINDING}.", _BIND_HINT)
    if verdict is not None:
        return verdict
    if problem is not None:
        return not_yet("0.1", *problem)
    return None


def _release_one_by_one(trial: Trial, run: _TaskRun, caller: Any, order: str) -> CheckResult | None:
    slots = sorted(range(run.n), key=lambda slot: run.calls[slot].index, reverse=order == "last first")
    released = 0
    for slot in slots:
        if not trial.wait(until=lambda: caller.done or waits_for_others(caller.thread)) or caller.done:
            break
        run.gates[slot].set()
        released += 1
        if not trial.wait(until=lambda slot=slot: run.settled(slot)):
            break
    else:
        trial.wait(runners=[caller])
    if run.finished_at_return is not None and run.finished_at_return < run.n:
        return not_yet(
            "0.1",
            f"with n={run.n}, start_and_join returned while some tasks were still running (the check keeps "
            "each task running until start_and_join waits for it).",
            "After starting every thread, join() each one of them: joining one thread does not wait for the "
            "others, and a sleep only guesses how long they take.",
        )
    if trial.gave_up == "deadline" and caller.error is None and run.finished_at_return is None:
        if released == run.n:
            late, why = "every task had finished, but start_and_join did not return", ""
        else:
            late = "start_and_join neither returned nor waited for the tasks with join()"
            why = " (the check lets each task finish only once start_and_join waits for it)"
        return not_yet(
            "0.1",
            f"with n={run.n}, {late} within {trial.timeout:g} s{why}, so the check stopped it.{trial.stuck_note()}",
            "After starting every thread, join() each of them once, and don't wait for anything else.",
        )
    return None


def check_start_and_join(start_and_join: Callable[..., Any]) -> CheckResult:
    """Exercise 0.1: run ``task(i)`` for each ``i`` in ``range(n)``, all at once, and return when all are done."""
    runs = (partial(_start_and_join_once, n=n, order=order) for n, order in START_AND_JOIN_RUNS)
    if (fault := first_fault("0.1", start_and_join, "def start_and_join(task, n):", runs)) is not None:
        return fault
    sizes = " and ".join(str(n) for n, _ in START_AND_JOIN_RUNS)
    return passed(
        "0.1",
        f"with n = {sizes}, task ran once for each i, each in its own thread, all of them at the same time, and "
        "start_and_join returned only after every task had finished.",
    )
