"""Check of the exercise of notebook 07: transfer without deadlock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from synclab._threads import WorkersStuck, switch_interval
from synclab.checks._base import CheckResult, describe_exception
from synclab.experiments.counter import YIELD_SECONDS
from synclab.experiments.deadlock import _CancellableLock, watch_for_deadlock
from synclab.instruments import InstrumentedLock

__all__ = ["check_ordered_transfer"]

RUNS = 3
START = 1_000
#: Exercise 7.1: transfers per thread, and who sends what to whom.
TRANSFERS = 20
_SENDERS = ((0, 1, 2), (1, 0, 1), (0, 1, 2), (1, 0, 1))  # (from, to, amount) for T1..T4
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
