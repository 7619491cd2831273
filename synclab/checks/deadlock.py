"""Checks for the exercises of notebooks 07 and 11."""

from __future__ import annotations

import numbers
import threading
import time
from collections.abc import Callable
from typing import Any

from synclab._threads import WorkersStuck, run_workers, switch_interval
from synclab.checks._base import CheckResult, describe_exception
from synclab.experiments.counter import YIELD_SECONDS
from synclab.experiments.deadlock import _CancellableLock, cancellable_lock, watch_for_deadlock
from synclab.experiments.faq import MEASUREMENT
from synclab.instruments import InstrumentedLock

__all__ = ["check_consistent_mean", "check_ordered_transfer"]

RUNS = 3
START = 1_000
#: Exercise 7.1: transfers per thread, and who sends what to whom.
TRANSFERS = 20
_SENDERS = ((0, 1, 2), (1, 0, 1), (0, 1, 2), (1, 0, 1))  # (from, to, amount) for T1..T4
#: Exercise 11.1: measurements the writer records per run.
WRITES = 100
#: Switch interval during a check (restored afterwards): threads waking from
#: their short sleeps get the interpreter back within 0.1 ms, not 5 ms.
CHECK_SWITCH_INTERVAL = 1e-4


class _YieldingLock(_CancellableLock):
    """A cancellable lock that lets the other threads run right after it is taken.

    The pause makes the bad interleaving of two opposite transfers (each
    holding its first lock when the other asks for it) happen on almost every
    run, so a lucky run cannot hide a deadlock.
    """

    __slots__ = ()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        got = super().acquire(blocking, timeout)
        if got:
            time.sleep(YIELD_SECONDS)
        return got


class Account:
    """A bank account for exercise 7.1: ``number``, ``lock`` and ``balance``.

    Changing ``balance`` without holding ``lock`` is recorded as a mistake.
    """

    __slots__ = ("number", "lock", "_balance", "_unlocked_writes")

    def __init__(self, number: int, cancel: threading.Event) -> None:
        self.number = number
        self.lock = InstrumentedLock(_YieldingLock(cancel, f"account {number}"), name=f"account {number}", max_events=0)
        self._balance = START
        self._unlocked_writes = 0

    @property
    def balance(self) -> int:
        return self._balance

    @balance.setter
    def balance(self, value: int) -> None:
        if self.lock.owner != threading.get_ident():
            self._unlocked_writes += 1
        self._balance = value

    def __repr__(self) -> str:
        return f"Account(number={self.number}, balance={self._balance})"


def _sender(transfer: Callable[[Any, Any, int], Any], src: Account, dst: Account, amount: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(TRANSFERS):
            transfer(src, dst, amount)

    return run


def check_ordered_transfer(transfer: Callable[[Any, Any, int], Any]) -> CheckResult:
    """Exercise 7.1: a transfer between two accounts that never deadlocks."""
    exercise = "7.1"
    if not callable(transfer):
        return CheckResult(
            exercise, False, "transfer is not a function.", "Define it with def transfer(src, dst, amount):"
        )
    retry = "Read the message, fix the function and run the cell again."
    for _ in range(RUNS):
        cancel = threading.Event()
        accounts = [Account(0, cancel), Account(1, cancel)]

        workers = {
            f"T{i}": _sender(transfer, accounts[src], accounts[dst], amount)
            for i, (src, dst, amount) in enumerate(_SENDERS, start=1)
        }
        try:
            with switch_interval(CHECK_SWITCH_INTERVAL):
                report = watch_for_deadlock(
                    workers, [a.lock for a in accounts], cancel=cancel, confirm=0.01, timeout=5.0
                )
        except (TimeoutError, WorkersStuck):
            return CheckResult(
                exercise,
                False,
                "your transfers did not finish within 5 s.",
                "Does a thread wait for a lock that is never released, or loop for ever?",
            )
        except Exception as exc:
            return CheckResult(exercise, False, describe_exception(exc) + ".", retry)
        if report.deadlocked:
            return CheckResult(
                exercise,
                False,
                "your transfers deadlocked: two threads each held one account's lock and waited for the other's.",
                "Take the two locks in one global order: the account with the lower number first, whichever "
                "way the money goes.",
            )
        if any(a._unlocked_writes for a in accounts):
            return CheckResult(
                exercise,
                False,
                "a balance was changed by a thread that did not hold that account's lock.",
                "Hold both accounts' locks (with ...:) around both balance updates.",
            )
        if any(stats.acquisitions == 0 for stats in report.locks):
            return CheckResult(
                exercise,
                False,
                "an account's lock was never taken.",
                "Use the accounts' own locks: src.lock and dst.lock.",
            )
        sent = {0: 0, 1: 0}
        for src, _dst, amount in _SENDERS:
            sent[src] += amount * TRANSFERS
        expected = [START - sent[0] + sent[1], START - sent[1] + sent[0]]
        got = [a.balance for a in accounts]
        if got != expected:
            return CheckResult(
                exercise,
                False,
                f"the balances ended at {got}, not {expected}.",
                "Subtract amount from src.balance and add it to dst.balance, once per call.",
            )
    return CheckResult(
        exercise,
        True,
        f"{len(_SENDERS)} threads made opposite transfers {RUNS} times: no deadlock, no balance changed "
        "without its lock, and every unit of money accounted for.",
    )


class RunningMean:
    """The two fields of exercise 11.1: ``total`` must always be ``10 * count``.

    Its lock is a cancellable one: if a run has to be stopped, threads blocked
    on it are freed instead of being left behind.
    """

    __slots__ = ("count", "total", "lock")

    def __init__(self, cancel: threading.Event) -> None:
        self.count = 1
        self.total = MEASUREMENT
        self.lock = cancellable_lock(cancel, "stats lock")


def _mean_workers(
    read_mean: Callable[[Any], Any], stats: RunningMean, stop: threading.Event, seen: list
) -> list[Callable[[], None]]:
    """A writer (correct, with a forced window) and two readers calling ``read_mean``."""
    writer_done, reading = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            reading.wait(5.0)  # start once a reader is reading
            for _ in range(WRITES):
                with stats.lock:
                    stats.count += 1
                    time.sleep(YIELD_SECONDS)  # a forced window between the two writes
                    stats.total += MEASUREMENT
        finally:
            writer_done.set()

    def reader() -> None:
        bad: list[object] = []  # the first wrong value, if any
        reads = 0
        reading.set()
        while not writer_done.is_set() and not stop.is_set():
            value = read_mean(stats)
            reads += 1
            if not bad and (isinstance(value, bool) or not isinstance(value, numbers.Real) or value != MEASUREMENT):
                bad.append(value)
        seen.append((reads, bad))

    return [writer, reader, reader]


def check_consistent_mean(read_mean: Callable[[Any], Any]) -> CheckResult:
    """Exercise 11.1: read two fields that must agree, never torn."""
    exercise = "11.1"
    if not callable(read_mean):
        return CheckResult(exercise, False, "read_mean is not a function.", "Define it with def read_mean(stats):")
    for _ in range(RUNS):
        stop = threading.Event()
        stats = RunningMean(stop)
        seen: list[tuple[int, list[object]]] = []
        workers = _mean_workers(read_mean, stats, stop, seen)
        try:
            with switch_interval(CHECK_SWITCH_INTERVAL):
                run_workers(workers, names=["writer", "T1", "T2"], timeout=5.0, stop=stop, what="your function")
        except (TimeoutError, WorkersStuck):
            return CheckResult(
                exercise,
                False,
                "read_mean did not let the writer finish within 5 s.",
                "Hold the lock only while you read the two fields, then release it.",
            )
        except Exception as exc:
            return CheckResult(
                exercise,
                False,
                describe_exception(exc) + ".",
                "Read the message, fix the function and run the cell again.",
            )
        wrong = [bad[0] for _, bad in seen if bad]
        if wrong:
            value = wrong[0]
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                return CheckResult(
                    exercise,
                    False,
                    f"read_mean returned {type(value).__name__}, not a number.",
                    "Return stats.total / stats.count.",
                )
            return CheckResult(
                exercise,
                False,
                "read_mean returned a mean other than 10: it read the two fields "
                "between the writer's two updates (a torn read).",
                "Read stats.total and stats.count together inside with stats.lock:.",
            )
        if stats.lock.statistics().acquisitions <= WRITES:
            return CheckResult(
                exercise,
                False,
                "every mean was 10, but read_mean never took stats.lock: the reads were lucky, not safe.",
                "Read both fields inside with stats.lock:.",
            )
    return CheckResult(exercise, True, f"{RUNS} runs with a writer and two readers: every mean was exactly 10.")
