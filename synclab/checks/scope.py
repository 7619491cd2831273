"""Checks for the exercise of notebook 03: lock scope and check-then-act."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from typing import Any

from synclab.checks._base import CheckResult, ExerciseError, run_in_threads
from synclab.checks._guards import NoReentryLock
from synclab.instruments import InstrumentedLock

__all__ = ["check_withdraw_in_one_critical_section"]

RUNS = 3
THREADS = 4
#: Seconds the exercise account's verify() sleeps.
WORK = 0.002
AMOUNT = 10
OPENING = 100
ATTEMPTS = 5  # per thread: 20 attempts for 10 affordable withdrawals


class ExerciseAccount:
    """The account handed to the learner's ``withdraw`` in exercise 3.1.

    Attributes:
        balance: The money in the account.
        lock: The lock guarding ``balance`` (it measures itself).
    """

    def __init__(self, balance: int) -> None:
        self.balance = balance
        self.guard = NoReentryLock()
        self.lock = InstrumentedLock(self.guard, name="account lock")
        self.verified = 0
        self._tally = threading.Lock()

    def verify(self, amount: int) -> None:
        """Ask the fraud-check service about a withdrawal: takes 2 ms."""
        with self._tally:
            self.verified += 1
        time.sleep(WORK)


def _not_yet(exercise: str, message: str, hint: str) -> CheckResult:
    return CheckResult(exercise, False, message, hint)


def check_withdraw_in_one_critical_section(withdraw: Callable[[Any, int], Any]) -> CheckResult:
    """Exercise 3.1: never overdraw, and keep the slow ``verify`` outside the lock."""
    exercise = "3.1"
    if not callable(withdraw):
        return _not_yet(exercise, "withdraw is not a function.", "Define it with def withdraw(account, amount):")
    reentry_hint = "Take account.lock once per withdrawal: a threading.Lock cannot be acquired twice by one thread."
    # One thread first: the plain behaviour.
    alone = ExerciseAccount(3 * AMOUNT)
    answers: list[Any] = []
    try:
        run_in_threads(lambda: answers.extend(withdraw(alone, AMOUNT) for _ in range(4)), [()])
    except ExerciseError as exc:
        if alone.guard.reentered:
            return _not_yet(exercise, "withdraw asked for account.lock while already holding it.", reentry_hint)
        return _not_yet(exercise, str(exc) + ".", "Read the message, fix the function and run the cell again.")
    if any(answer is not True and answer is not False for answer in answers):
        return _not_yet(
            exercise,
            "withdraw must return True when it took the money and False when it did not.",
            "Return True after subtracting, False when the balance is too low.",
        )
    if answers != [True, True, True, False] or alone.balance != 0:
        return _not_yet(
            exercise,
            f"in one thread, four withdrawals of {AMOUNT} from a balance of {3 * AMOUNT} returned {answers} "
            f"and left {alone.balance}; expected [True, True, True, False] and 0.",
            "Subtract the amount when the balance is at least the amount, and only then.",
        )
    if alone.verified < 3:
        return _not_yet(
            exercise,
            "an approved withdrawal was not verified.",
            "Call account.verify(amount) for every withdrawal, before taking the money.",
        )
    if alone.lock.statistics().acquisitions == 0:
        return _not_yet(
            exercise,
            "account.lock was never acquired.",
            "Use with account.lock: around the check of the balance and the subtraction.",
        )
    # Several threads, several runs: no overdraft, no lost update, short holds.
    hold_ratios = []
    for _ in range(RUNS):
        account = ExerciseAccount(OPENING)
        approved = [0] * THREADS

        def attempts(slot: int, account: ExerciseAccount = account, approved: list[int] = approved) -> None:
            for _ in range(ATTEMPTS):
                approved[slot] += withdraw(account, AMOUNT) is True

        try:
            run_in_threads(attempts, [(slot,) for slot in range(THREADS)])
        except ExerciseError as exc:
            if account.guard.reentered:
                return _not_yet(exercise, "withdraw asked for account.lock while already holding it.", reentry_hint)
            return _not_yet(exercise, str(exc) + ".", "Read the message, fix the function and run the cell again.")
        taken = sum(approved)
        if account.balance < 0:
            return _not_yet(
                exercise,
                f"with {THREADS} threads the balance went below zero: more withdrawals were approved "
                "than the account could pay.",
                "Another thread can withdraw between your check and your subtraction. Check the balance "
                "and subtract inside one with account.lock: block, and call verify before it.",
            )
        if account.balance != OPENING - taken * AMOUNT:
            return _not_yet(
                exercise,
                f"with {THREADS} threads the balance does not match the withdrawals that returned True.",
                "Subtract inside the lock, and return True exactly when you subtracted.",
            )
        if taken != OPENING // AMOUNT:
            return _not_yet(
                exercise,
                f"with {THREADS} threads, a withdrawal was refused although the account still had the money.",
                "Refuse a withdrawal only when the balance, read inside the lock, is below the amount.",
            )
        holds = [event.hold for event in account.lock.statistics().events]
        if not holds:
            return _not_yet(
                exercise,
                "account.lock was never acquired in the threaded runs.",
                "Use with account.lock: around the check and the subtraction.",
            )
        hold_ratios.append(statistics.median(holds) / WORK)
    if statistics.median(hold_ratios) >= 0.5:
        return _not_yet(
            exercise,
            "the balance is right, but the lock is held during verify: every other thread waits for each fraud check.",
            "Call account.verify(amount) before with account.lock:, and keep only the check and the "
            "subtraction inside the lock.",
        )
    return CheckResult(
        exercise,
        True,
        f"{RUNS} runs with {THREADS} threads: never overdrawn, every withdrawal accounted for, and the lock "
        "was held only for the check and the subtraction.",
    )
