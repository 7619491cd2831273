"""Check of exercise 4.1 (notebook 04): ``Wallet.pay`` with a plain Lock, without re-entering it.

The learner's ``Wallet`` is watched (:func:`~synclab.checks._guards.observed_subclass`) with a
:class:`~synclab.checks._guards.GuardedLock`. Four forced scenarios: one thread; all or nothing
(another payment goes through the moment ``pay`` lets go early); a busy lock; four threads at once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from threading import get_ident
from typing import Any

from synclab.checks._base import Call, CheckResult, Trial, call_faults, describe_exception, not_yet, passed
from synclab.checks._guards import GuardedLock, Observed, SelfDeadlock, Watched, observed_subclass

#: Scenario 1: (method, arguments, expected result, expected balance after it), from OPENING.
SCRIPT = (
    ("pay", (7, 3), True, 90),
    ("withdraw", (5,), True, 85),
    ("pay", (80, 10), False, 85),
    ("pay", (80, 5), True, 0),
    ("withdraw", (1,), False, 0),
)
#: Scenario 2: pay(7, 3) from 10; another payment of 3 goes through if pay lets go of the lock early.
AMOUNT, FEE = 7, 3
OTHER_PAYMENT = 3
#: Scenario 4: threads, rounds of pay(2, 1) and withdraw(1) per thread; scenarios 1, 3 and 4 start from OPENING.
THREADS = 4
ROUNDS = 15
OPENING = 100

_HELPER_HINT = (
    "Move the body of withdraw into a helper, _withdraw_unlocked(self, amount), that does not take the lock; "
    "let withdraw and pay each take self.lock once and call the helper."
)
_ONE_HOLD = (
    "Hold self.lock once for the whole payment, from the check of the balance to the last subtraction: take it "
    "in pay, and call only helpers that do not take it."
)


@dataclass
class WalletCall(Call):
    """One call of ``pay`` or ``withdraw``: what it did."""

    method: str = ""
    args: tuple[int, ...] = ()
    left: Any = None  # the balance right after it returned


class _Balance(Watched):
    """``self.balance`` of the learner's wallet: logged, and the lowest balance written noted in the ledger."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__()
        self.ledger = ledger

    def __set__(self, obj: Any, value: Any) -> None:
        with contextlib.suppress(TypeError):  # the learner may write something that does not compare
            if self.ledger.lowest is None or value < self.ledger.lowest:
                self.ledger.lowest = value
        super().__set__(obj, value)


class Ledger:
    """What the check saw of one wallet: each call, the lowest balance, and the money another payment took."""

    def __init__(self, trial: Trial, wallet_class: type, *, take_at_release: bool = False) -> None:
        self.lock: GuardedLock = trial.lock("self.lock")
        self.lock.after_release = self._after_release
        self.calls: list[WalletCall] = []
        self.lowest: Any = None
        self.taken = 0
        self.wallet: Any = None
        self.made = observed_subclass(wallet_class, self.lock, balance=_Balance(self))  # the wallet's class, observed
        self.built_unlocked = 0  # writes the constructor made without the lock
        self._take_at_release = take_at_release
        self._current: dict[int, WalletCall] = {}

    def make(self, balance: int) -> None:
        """Build the learner's wallet (in a thread of the trial)."""
        self.wallet = self.made(balance, self.lock)
        self.lowest = self.balance()
        self.built_unlocked = Observed.log(self.wallet, "balance").unlocked_writes

    def balance(self) -> Any:
        """The wallet's balance now, read without logging."""
        return Observed.peek(self.wallet, "balance")

    def call(self, method: str, *args: int) -> WalletCall:
        """Call ``wallet.method(*args)`` in this thread and note what it did."""
        call = WalletCall(f"{method}({', '.join(map(str, args))})", method=method, args=args)
        self.calls.append(call)
        me = get_ident()
        self._current[me] = call
        try:
            call.make(self.lock, getattr(self.wallet, method), *args)
            call.left = self.balance()
            return call
        finally:
            self._current.pop(me, None)

    def script(self, steps: tuple[tuple[str, tuple[int, ...]], ...], repeat: int = 1) -> None:
        """Run ``steps`` in order, ``repeat`` times; stop after a call that kept the lock."""
        any(self.call(method, *args).kept_lock for _ in range(repeat) for method, args in steps)

    def _after_release(self) -> None:
        call = self._current.get(get_ident())
        if call is None or call.method != "pay" or not self._take_at_release or self.taken:
            return
        balance = self.balance()
        if isinstance(balance, int) and balance >= OTHER_PAYMENT:
            Observed.external_write(self.wallet, "balance", balance - OTHER_PAYMENT)
            self.taken = OTHER_PAYMENT


def _built(wallet_class: type, trial: Trial, balance: int, **options: bool) -> tuple[Ledger, CheckResult | None]:
    ledger = Ledger(trial, wallet_class, **options)
    runner = trial.call("Wallet", ledger.make, balance)
    if runner.error is not None or ledger.wallet is None:
        problem = trial.trouble() or ("",)
        message = describe_exception(runner.error, f"Wallet({balance}, lock)") if runner.error else problem[0]
        return ledger, not_yet(
            "4.1",
            f"{message.rstrip('.')}.",
            "Keep the constructor as it is: def __init__(self, balance, lock), storing both.",
        )
    if getattr(ledger.wallet, "lock", None) is not ledger.lock:
        return ledger, not_yet(
            "4.1",
            "Wallet did not keep the lock it was given: self.lock must be the lock passed to Wallet(balance, lock).",
            "Keep self.lock = lock: the point is to make pay work with that plain Lock, without an RLock.",
        )
    if ledger.balance() != balance:
        return ledger, not_yet(
            "4.1",
            f"Wallet({balance}, lock).balance is {ledger.balance()!r}, not {balance}.",
            "Keep the constructor as it is: self.balance = balance.",
        )
    return ledger, None


def _faults(ledger: Ledger, trial: Trial) -> CheckResult | None:
    reentered = next((call for call in ledger.calls if isinstance(call.error, SelfDeadlock)), None)
    if reentered is not None or trial.reentered() is not None:
        who = f"{reentered.method}()" if reentered is not None else "Wallet"
        return not_yet(
            "4.1",
            f"{who} asked for self.lock while already holding it: with a threading.Lock, the thread would wait for "
            "itself forever.",
            _HELPER_HINT,
        )
    rule = "pay and withdraw must return True when they took the money and False when they did not."
    hint = "End each path with return True or return False."
    fault = call_faults("4.1", trial, ledger.calls, lock="self.lock", waiters="every later call", returns=(rule, hint))
    if fault is not None:
        return fault
    if Observed.log(ledger.wallet, "balance").unlocked_writes > ledger.built_unlocked:
        gave_up = " after an attempt to take it gave up (acquire returned False)" if ledger.lock.failed else ""
        return not_yet(
            "4.1",
            f"the wallet changed self.balance while not holding self.lock{gave_up}."
            + (" self.lock was never taken." if ledger.lock.holds == 0 else ""),
            "withdraw and pay must each hold self.lock around their check and subtraction; only the helper they "
            "call runs without taking it (its caller holds it).",
        )
    return None


def _one_thread(wallet_class: type) -> CheckResult | None:
    with Trial(what="Wallet") as trial:
        ledger, fault = _built(wallet_class, trial, OPENING)
        if fault is not None:
            return fault
        trial.call("T1", ledger.script, tuple((method, args) for method, args, _, _ in SCRIPT))
    if (fault := _faults(ledger, trial)) is not None:
        return fault
    for (method, args, result, balance), call in zip(SCRIPT, ledger.calls, strict=False):
        got, left = call.result, call.left
        if (got, left) != (result, balance):
            done = "; ".join(f"{m}({', '.join(map(str, a))}) -> {r}, balance {b}" for m, a, r, b in SCRIPT)
            return not_yet(
                "4.1",
                f"in one thread from {OPENING}: {method}({', '.join(map(str, args))}) returned {got!r} and "
                f"left the balance at {left!r}; expected {result} and {balance} (the whole script: {done}).",
                "pay takes amount + fee when the balance covers both, and nothing otherwise; withdraw takes the "
                "amount when the balance covers it.",
            )
    return None


def _all_or_nothing(wallet_class: type) -> CheckResult | None:
    opening = AMOUNT + FEE
    with Trial(what="Wallet") as trial:
        ledger, fault = _built(wallet_class, trial, opening, take_at_release=True)
        if fault is not None:
            return fault
        trial.call("T1", ledger.call, "pay", AMOUNT, FEE)
    if (fault := _faults(ledger, trial)) is not None:
        return fault
    (call,) = ledger.calls
    paid = opening - ledger.taken - ledger.balance()
    if not ledger.taken:
        if (call.result, paid) != (True, opening):
            return not_yet(
                "4.1",
                f"pay({AMOUNT}, {FEE}) from a balance of {opening} returned {call.result!r} and took {paid}; expected "
                f"True and {opening}.",
                "pay takes amount + fee when the balance covers both.",
            )
        return None
    moment = (
        f"pay({AMOUNT}, {FEE}) let go of self.lock before it returned. At that moment the check made another payment "
        f"of {OTHER_PAYMENT} (another thread could), leaving {opening - OTHER_PAYMENT}: too little for {AMOUNT} + {FEE}"
    )
    if isinstance(ledger.lowest, int) and ledger.lowest < 0:
        return not_yet("4.1", f"{moment}, yet pay went on and the balance went to {ledger.lowest}.", _ONE_HOLD)
    if paid != 0 or call.result is not False:
        took = "nothing" if paid == 0 else f"{paid}"
        return not_yet(
            "4.1",
            f"{moment}, so pay should have taken nothing and returned False; it took {took} and returned "
            f"{call.result!r}.",
            _ONE_HOLD,
        )
    return None


def _busy_lock(wallet_class: type) -> CheckResult | None:
    with Trial(what="Wallet") as trial:
        ledger, fault = _built(wallet_class, trial, OPENING)
        if fault is not None:
            return fault
        trial.while_held(ledger.lock, "T1", ledger.call, "pay", AMOUNT, FEE)
        trial.while_held(ledger.lock, "T2", ledger.call, "withdraw", AMOUNT)
    if (fault := _faults(ledger, trial)) is not None:
        return fault
    expected = OPENING - AMOUNT - FEE - AMOUNT
    for call in ledger.calls:
        if call.result is not True:
            gave_up = " gave up on the lock and" if ledger.lock.failed else ""
            return not_yet(
                "4.1",
                f"while another thread held self.lock, {call.label} on a balance of {OPENING}{gave_up} returned "
                f"{call.result!r}, although the wallet had the money.",
                "Wait for the lock: with self.lock: waits as long as it takes (another thread holds it only for a "
                "moment).",
            )
    if len(ledger.calls) != 2 or ledger.balance() != expected:
        return not_yet(
            "4.1",
            f"pay({AMOUNT}, {FEE}) then withdraw({AMOUNT}) from {OPENING} left {ledger.balance()!r}, not {expected}.",
            "pay takes amount + fee, withdraw the amount.",
        )
    return None


def _four_threads(wallet_class: type) -> CheckResult | None:
    with Trial(what="Wallet") as trial:
        ledger, fault = _built(wallet_class, trial, OPENING)
        if fault is not None:
            return fault
        steps = (("pay", (2, 1)), ("withdraw", (1,)))
        trial.run([(f"T{i}", ledger.script, (steps, ROUNDS)) for i in range(1, THREADS + 1)])
    if (fault := _faults(ledger, trial)) is not None:
        return fault
    paid = sum(sum(call.args) for call in ledger.calls if call.result is True)
    if (isinstance(ledger.lowest, int) and ledger.lowest < 0) or ledger.balance() != OPENING - paid:
        return not_yet(
            "4.1",
            f"with {THREADS} threads paying and withdrawing at once, the calls that returned True do not match the "
            "money that left the wallet.",
            _ONE_HOLD,
        )
    return None


def check_pay_without_reentry(wallet_class: Callable[[int, Any], Any]) -> CheckResult:
    """Exercise 4.1: ``Wallet.pay`` works with the plain Lock it is given, as one critical section, without re-entry."""
    if not isinstance(wallet_class, type):
        return not_yet("4.1", "Wallet is not a class.", "Define it with class Wallet: ...")
    try:
        observed_subclass(wallet_class)
    except TypeError as exc:
        return not_yet(
            "4.1", f"the check cannot build on your Wallet class: {exc}.", "Define it with class Wallet: ..."
        )
    for scenario in (_one_thread, _all_or_nothing, _busy_lock, _four_threads):
        if (verdict := scenario(wallet_class)) is not None:
            return verdict
    return passed(
        "4.1",
        "pay works with the plain Lock it is given: each call took self.lock once and gave it back; pay took amount "
        "and fee together or nothing, even when another payment came at the worst moment; it waited for a busy "
        f"lock; and {THREADS} threads paying at once kept the balance exact.",
    )
