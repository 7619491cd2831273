"""Check of exercise 3.1 (notebook 03): withdraw with the check and the act in one critical section.

Four forced scenarios: one teller (True, True, True, False from 30); the last 10 taken by another
withdrawal the moment ``withdraw`` reads without the lock or lets go before taking the money; a
busy lock the check holds as a withdrawal starts; four tellers at once (exactly 10 of 20 approved).
Each withdrawal that takes money must call ``verify`` first, not holding the lock."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from threading import get_ident
from typing import Any

from synclab.checks._base import Call, CheckResult, Trial, call_faults, first_fault, not_yet, passed
from synclab.checks._guards import Observed, Watched

#: Seconds the exercise account's ``verify`` takes.
WORK = 0.002
AMOUNT = 10
#: Scenario 1: the opening balance, and the withdrawals one thread makes.
ALONE_OPENING = 30
ALONE_EXPECTED = [True, True, True, False]
#: Scenario 3: the opening balance while the lock is busy.
BUSY_OPENING = 100
#: Scenario 4: threads, withdrawals per thread, and the opening balance (10 withdrawals' worth).
THREADS = 4
ATTEMPTS = 5
OPENING = 100

_ONE_HOLD = (
    "Check the balance and subtract inside one with account.lock: block: the decision and the act that "
    "depends on it must see the same balance."
)


@dataclass
class Withdrawal(Call):
    """One call of ``withdraw``: what it did."""

    writes: int = 0
    verified: bool = False
    verified_late: bool = False
    verified_locked: bool = False
    verified_other: Any = None  # the first amount verify() was asked about that was not this call's
    taken_at: str = ""


class _Balance(Watched):
    """``account.balance``: logged, and after each read the account may act (the forced window)."""

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        value = super().__get__(obj, objtype)
        if obj is not None and not obj.lock.held_by_me():
            obj._take("read")
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        if (call := obj._current.get(get_ident())) is not None:
            call.writes += 1
        if isinstance(value, int | float) and value < obj.lowest:
            obj.lowest = value
        super().__set__(obj, value)


class ExerciseAccount(Observed):
    """The account handed to the learner's ``withdraw`` in exercise 3.1."""

    balance = _Balance()

    def __init__(self, trial: Trial, balance: int, *, take_last: bool = False) -> None:
        self.lock = trial.lock("account.lock")
        super().__init__(self.lock, balance=balance)
        self.lowest = balance
        self.calls: list[Withdrawal] = []
        self.taken = 0
        self._take_last = take_last
        self._current: dict[int, Withdrawal] = {}
        self.lock.after_release = partial(self._take, "release")

    def verify(self, amount: int) -> None:
        """Ask the fraud-check service about a withdrawal: it takes 2 ms."""
        if (call := self._current.get(get_ident())) is not None:
            if amount != AMOUNT and call.verified_other is None:
                call.verified_other = amount
            if self.lock.held_by_me():
                call.verified_locked = True
            if call.writes:
                call.verified_late = True
            else:
                call.verified = True
        time.sleep(WORK)

    def call(self, withdraw: Callable[[Any, int], Any], amount: int) -> Withdrawal:
        """Call ``withdraw(self, amount)`` in this thread and note what it did."""
        call = Withdrawal(f"withdraw(account, {amount})")
        self.calls.append(call)
        me = get_ident()
        self._current[me] = call
        try:
            return call.make(self.lock, withdraw, self, amount)
        finally:
            self._current.pop(me, None)

    def _take(self, where: str) -> None:
        call = self._current.get(get_ident())
        if call is None or call.writes or not self._take_last or self.taken:
            return
        balance = self.peek("balance")
        if isinstance(balance, int) and balance >= AMOUNT:
            self.external_write("balance", balance - AMOUNT)
            self.taken = AMOUNT
            call.taken_at = where

    def __repr__(self) -> str:
        return f"Account(balance={self.peek('balance')!r})"


def _calls_in_threads(account: ExerciseAccount, withdraw: Callable[..., Any], times: int) -> None:
    any(account.call(withdraw, AMOUNT).kept_lock for _ in range(times))  # stop after a call that kept the lock


def _common_faults(account: ExerciseAccount, trial: Trial) -> CheckResult | None:
    rule = "it must return True when it took the money and False when it did not."
    hint = "End each path with return True (after subtracting) or return False (when the balance is too low)."
    fault = call_faults(
        "3.1", trial, account.calls, lock="account.lock", waiters="every later withdrawal", returns=(rule, hint)
    )
    if fault is not None:
        return fault
    log = account.log("balance")
    if log.unlocked_writes:
        if account.lock.holds == 0:
            return not_yet(
                "3.1",
                "withdraw changed account.balance without ever taking account.lock (a lock of your own keeps out "
                "only the code that uses it too).",
                _ONE_HOLD,
            )
        gave_up = " after an attempt to take it gave up (acquire returned False)" if account.lock.failed else ""
        return not_yet("3.1", f"withdraw changed account.balance while not holding account.lock{gave_up}.", _ONE_HOLD)
    for call in account.calls:
        if call.writes and not call.verified and not call.verified_late:
            return not_yet(
                "3.1",
                "a withdrawal took the money without calling account.verify(amount).",
                "Call account.verify(amount) first in withdraw, before with account.lock:.",
            )
        if call.writes and call.verified_other is not None:
            return not_yet(
                "3.1",
                f"withdraw(account, {AMOUNT}) asked account.verify about {call.verified_other!r}, not about the "
                f"{AMOUNT} it took: the fraud check approved another withdrawal than the one that happened.",
                "Call account.verify(amount) with the amount withdraw was given.",
            )
        if call.verified_locked:
            return not_yet(
                "3.1",
                "withdraw called account.verify while holding account.lock: every other withdrawal then waits for "
                "the slow fraud check.",
                "Call account.verify(amount) before with account.lock:, and keep only the check of the balance and "
                "the subtraction inside.",
            )
        if call.verified_late:
            return not_yet(
                "3.1",
                "withdraw called account.verify after it had taken the money: the fraud check must approve a "
                "withdrawal before it happens.",
                "Call account.verify(amount) first, then take the lock, check the balance and subtract.",
            )
    return None


def _alone(withdraw: Callable[..., Any]) -> CheckResult | None:
    with Trial(what="withdraw") as trial:
        account = ExerciseAccount(trial, ALONE_OPENING)
        trial.call("teller", _calls_in_threads, account, withdraw, len(ALONE_EXPECTED))
    if (fault := _common_faults(account, trial)) is not None:
        return fault
    results = [call.result for call in account.calls]
    balance = account.peek("balance")
    if results != ALONE_EXPECTED or balance != 0:
        return not_yet(
            "3.1",
            f"in one thread, four withdrawals of {AMOUNT} from a balance of {ALONE_OPENING} returned {results} and "
            f"left {balance!r}; expected {ALONE_EXPECTED} and 0.",
            "Subtract the amount when the balance is at least the amount, and only then; return whether you did.",
        )
    return None


def _last_ten(withdraw: Callable[..., Any]) -> CheckResult | None:
    with Trial(what="withdraw") as trial:
        account = ExerciseAccount(trial, AMOUNT, take_last=True)
        trial.call("teller", _calls_in_threads, account, withdraw, 1)
    if (fault := _common_faults(account, trial)) is not None:
        return fault
    (call,) = account.calls
    took = call.writes > 0
    balance = account.peek("balance")
    if not account.taken:
        if call.result is not took or balance != AMOUNT - (AMOUNT if took else 0):
            return not_yet(
                "3.1",
                f"withdraw(account, {AMOUNT}) on a balance of {AMOUNT} returned {call.result!r} and left {balance!r}; "
                "expected True and 0.",
                "Subtract the amount when the balance is at least the amount, and return whether you did.",
            )
        return None
    if call.taken_at == "read":
        moment = (
            "withdraw read account.balance without holding account.lock and went on. Right after that read, the "
            f"check made another withdrawal take the last {AMOUNT} (another thread could, at that moment)"
        )
    else:
        moment = (
            "withdraw let go of account.lock before it had taken the money. At that moment the check made another "
            f"withdrawal take the last {AMOUNT} (another thread could)"
        )
    if account.lowest < 0:
        return not_yet(
            "3.1", f"{moment}, and withdraw then subtracted anyway: the balance went to {account.lowest}.", _ONE_HOLD
        )
    if balance != AMOUNT - account.taken - (AMOUNT if took else 0):
        return not_yet(
            "3.1",
            f"{moment}, and withdraw then wrote back a balance computed from what it had read before: the other "
            "withdrawal's money vanished from the books (a lost update).",
            _ONE_HOLD,
        )
    if call.result is not took:
        did = "took money from the empty account" if took else "had not taken any money"
        return not_yet(
            "3.1",
            f"{moment}; withdraw then returned {call.result!r} but {did}.",
            "Return True exactly when you subtracted, inside the same with account.lock: block.",
        )
    return None


def _busy_lock(withdraw: Callable[..., Any]) -> CheckResult | None:
    with Trial(what="withdraw") as trial:
        account = ExerciseAccount(trial, BUSY_OPENING)
        trial.while_held(account.lock, "teller", _calls_in_threads, account, withdraw, 1)
    if (fault := _common_faults(account, trial)) is not None:
        return fault
    if not account.calls or account.calls[0].result is not True or account.peek("balance") != BUSY_OPENING - AMOUNT:
        gave_up = account.lock.failed > 0
        return not_yet(
            "3.1",
            f"while another withdrawal held account.lock, withdraw(account, {AMOUNT}) on a balance of {BUSY_OPENING} "
            + ("gave up on the lock and refused, although the account had the money." if gave_up else "refused."),
            "Wait for the lock: with account.lock: waits as long as it takes (another withdrawal holds it only "
            "for a moment).",
        )
    return None


def _four_tellers(withdraw: Callable[..., Any]) -> CheckResult | None:
    with Trial(what="withdraw") as trial:
        account = ExerciseAccount(trial, OPENING)
        trial.run([(f"T{i}", _calls_in_threads, (account, withdraw, ATTEMPTS)) for i in range(1, THREADS + 1)])
    if (fault := _common_faults(account, trial)) is not None:
        return fault
    approved = sum(call.result is True for call in account.calls)
    setting = f"with {THREADS} threads each making {ATTEMPTS} withdrawals of {AMOUNT} from {OPENING}"
    hint = (
        "Inside one with account.lock: block, subtract when the balance covers the amount and return True; "
        "otherwise return False."
    )
    if account.lowest < 0:
        return not_yet("3.1", f"{setting}, the balance went below zero.", _ONE_HOLD)
    if account.peek("balance") != OPENING - approved * AMOUNT:
        return not_yet(
            "3.1", f"{setting}, the withdrawals that returned True do not match the money that left the account.", hint
        )
    if approved != OPENING // AMOUNT:
        return not_yet(
            "3.1",
            f"{setting}, not every withdrawal the balance covered was approved: the account should have paid out "
            f"all {OPENING}.",
            hint,
        )
    return None


def check_withdraw_in_one_critical_section(withdraw: Callable[[Any, int], Any]) -> CheckResult:
    """Exercise 3.1: never overdraw, verify each withdrawal first, and keep the slow ``verify`` outside the lock."""
    exercise = "3.1"
    scenarios = (_alone, _last_ten, _busy_lock, _four_tellers)
    if (fault := first_fault(exercise, withdraw, "def withdraw(account, amount):", scenarios)) is not None:
        return fault
    return passed(
        exercise,
        f"one thread got True, True, True, False from {ALONE_OPENING}; when another withdrawal took the last {AMOUNT} "
        f"at the worst moment, yours never overdrew; it waited for a busy lock; {THREADS} threads approved exactly "
        f"{OPENING // AMOUNT} withdrawals from {OPENING}; and every withdrawal was verified first, outside the lock.",
    )
