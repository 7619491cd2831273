"""Checks for the exercise of notebook 04: reentrancy without an RLock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synclab.checks._base import CheckResult, ExerciseError, describe_exception, run_in_threads
from synclab.checks._guards import NoReentryLock
from synclab.instruments import InstrumentedLock

__all__ = ["check_pay_without_reentry"]

RUNS = 3
THREADS = 4


def _not_yet(exercise: str, message: str, hint: str) -> CheckResult:
    return CheckResult(exercise, False, message, hint)


def check_pay_without_reentry(wallet_class: Callable[[int, Any], Any]) -> CheckResult:
    """Exercise 4.1: ``Wallet.pay`` works with a plain Lock through an unlocked helper."""
    exercise = "4.1"
    if not callable(wallet_class):
        return _not_yet(exercise, "Wallet is not a class.", "Define it with class Wallet: ...")
    reentry = (
        "pay() asked for self.lock while already holding it: with a threading.Lock, the thread would "
        "wait for itself forever."
    )
    reentry_hint = (
        "Move the body of withdraw into a helper, _withdraw_unlocked(self, amount), that does not take the "
        "lock; let withdraw and pay each take self.lock once and call the helper."
    )
    guard = NoReentryLock()
    lock = InstrumentedLock(guard, name="wallet lock")
    try:
        wallet = wallet_class(100, lock)
    except Exception as exc:
        return _not_yet(
            exercise,
            f"Wallet(100, lock) failed: {describe_exception(exc)}.",
            "Keep the constructor as it is: def __init__(self, balance, lock).",
        )
    if getattr(wallet, "lock", None) is not lock:
        return _not_yet(
            exercise,
            "Wallet must keep the lock it is given in self.lock.",
            "Use self.lock = lock; the point is to make pay work with a plain threading.Lock.",
        )
    answers: list[Any] = []

    def script() -> None:
        answers.append(wallet.pay(7, 3))
        answers.append(wallet.balance)
        answers.append(wallet.withdraw(5))
        answers.append(wallet.pay(80, 10))
        answers.append(wallet.balance)

    try:
        run_in_threads(script, [()])
    except ExerciseError as exc:
        if guard.reentered:
            return _not_yet(exercise, reentry, reentry_hint)
        return _not_yet(exercise, str(exc) + ".", "Read the message, fix the class and run the cell again.")
    expected = [True, 90, True, False, 85]
    if answers != expected:
        return _not_yet(
            exercise,
            f"in one thread: pay(7, 3), balance, withdraw(5), pay(80, 10), balance gave {answers}; "
            f"expected {expected}.",
            "pay takes amount + fee when the balance covers both, and nothing otherwise.",
        )
    for _ in range(RUNS):
        guard = NoReentryLock()
        lock = InstrumentedLock(guard, name="wallet lock")
        wallet = wallet_class(100, lock)
        taken = [0] * THREADS

        def spend(slot: int, wallet: Any = wallet, taken: list[int] = taken) -> None:
            for _ in range(15):
                if wallet.pay(2, 1) is True:
                    taken[slot] += 3
                if wallet.withdraw(1) is True:
                    taken[slot] += 1

        try:
            run_in_threads(spend, [(slot,) for slot in range(THREADS)])
        except ExerciseError as exc:
            if guard.reentered:
                return _not_yet(exercise, reentry, reentry_hint)
            return _not_yet(exercise, str(exc) + ".", "Read the message, fix the class and run the cell again.")
        if lock.statistics().acquisitions == 0:
            return _not_yet(
                exercise, "self.lock was never acquired.", "withdraw and pay must each take self.lock (once)."
            )
        if wallet.balance < 0 or wallet.balance != 100 - sum(taken):
            return _not_yet(
                exercise,
                f"with {THREADS} threads the balance does not match what pay and withdraw reported taking.",
                "Each public method must hold self.lock for its whole check-and-subtract; the helper "
                "itself must not take it.",
            )
    return CheckResult(
        exercise,
        True,
        f"pay works with a plain Lock, and {RUNS} runs with {THREADS} threads kept the balance exact.",
    )
