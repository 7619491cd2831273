"""Check of the exercise of notebook 07: transfer without deadlock.

The account locks force the bad schedule: a transfer holding its first lock waits until every
other transfer holds or waits for one, so opposite lock orders deadlock on every run, and a timed
acquire that fails in such a collision returns only once the other thread's has failed too.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

from synclab.checks._base import POLL, CheckResult, Trial, first_fault, not_yet, passed
from synclab.checks._guards import CheckCancelled, GuardedLock, Observed, Watched

#: Exercise 7.1: each run's accounts (number, starting balance) and transfers (from, to, amount) by thread.
TRANSFER_RUNS = (
    ("two opposite transfers", ((7, 100), (3, 100)), ((7, 3, 2), (3, 7, 1))),
    ("three transfers in a circle", ((2, 100), (9, 100), (4, 100)), ((2, 9, 2), (9, 4, 1), (4, 2, 3))),
)
TRANSFERS = 8  # calls of transfer per thread and run
COLLISIONS = 2  # forced per thread and run: a transfer holding its first lock waits for the others to take theirs
#: Seconds, in a whole check, that forced collisions may spend waiting for transfers that are busy elsewhere
#: (sleeping, or blocked on a lock of the learner's own); after that the check stops forcing.
COLLIDE_PATIENCE = 0.5
TIMEOUT_PARTNER_SECONDS = 0.5  # the most a timed acquire failed in a collision waits for the other's to fail too
STUCK_TIMEOUTS = 3  # timeouts in a row, no lock changing hands: threads that keep retrying are stuck for good


class _Balance(Watched):
    """``account.balance``: a :class:`Watched` field that also books each write's change on the writing call."""

    def __set__(self, obj: Account, value: Any) -> None:  # type: ignore[override]
        if (call := obj.bank.calls.get(threading.get_ident())) is not None:
            try:
                change = value - obj.peek("balance")
            except Exception:  # the learner wrote something that is not a number
                change = None
            before = call.moved.get(obj, 0)
            call.moved[obj] = None if change is None or before is None else before + change
            tokens = obj._tokens()
            if None in tokens:
                call.unlocked += 1
                call.partly += any(token is not None for token in tokens)
            call.holds.add((call.src.lock.hold_token(), call.dst.lock.hold_token()))  # one item per hold of both
        super().__set__(obj, value)


# Not experiments/deadlock.py's account: this one's lock forces collisions and its balance books each write on a call.
class Account(Observed):
    """A bank account of exercise 7.1: ``number``, ``lock`` and ``balance``."""

    balance = _Balance()

    def __init__(self, bank: _Bank, number: int, balance: int) -> None:
        super().__init__(balance=balance)
        self.bank, self.number = bank, number
        self.lock = _AccountLock(bank, f"account {number}'s lock")

    def _tokens(self) -> tuple[int | None, ...]:  # this account's hold and, in a transfer, the other account's
        call = self.bank.calls.get(threading.get_ident())
        if call is None or self not in (call.src, call.dst):
            return (self.lock.hold_token(), None)
        other = call.dst if self is call.src else call.src
        return (self.lock.hold_token(), other.lock.hold_token())

    def __repr__(self) -> str:
        return f"Account(number={self.number}, balance={self._values['balance']!r})"


class _AccountLock(GuardedLock):
    """An account's lock: a :class:`GuardedLock` that forces collisions between transfers."""

    __slots__ = ("bank",)

    def __init__(self, bank: _Bank, name: str) -> None:
        super().__init__(bank.trial, name)
        self.bank = bank

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        bank = self.bank
        me = threading.get_ident()
        first = not bank.holds_any()
        bank.want(me, self)
        try:
            got = super().acquire(blocking, timeout)
        finally:
            bank.wanting.pop(me, None)
        if not got:
            if bank.holds_any():
                bank.retreating.add(me)
            if blocking:
                bank.timed_out(self)
            return False
        bank.acquisitions += 1
        if first:
            try:
                bank.collide(me)
            except CheckCancelled:
                with contextlib.suppress(CheckCancelled):
                    self.release()
                raise
        return True

    def release(self) -> None:
        super().release()
        if not self.bank.holds_any():
            self.bank.forced.discard(threading.get_ident())
            self.bank.retreating.discard(threading.get_ident())


class _Call:
    """What one call ``transfer(src, dst, amount)`` did: the balance changes it made, its holds, its timeouts."""

    __slots__ = ("thread", "src", "dst", "amount", "moved", "holds", "timeouts", "unlocked", "partly", "returned")

    def __init__(self, src: Account, dst: Account, amount: int) -> None:
        self.thread = threading.current_thread().name
        self.src, self.dst, self.amount = src, dst, amount
        self.moved: dict[Account, Any] = {}
        self.holds: set[tuple[int | None, ...]] = set()
        self.timeouts = self.unlocked = self.partly = 0  # failed timed acquires; writes without both locks, with one
        self.returned = False


class _Bank:
    """The accounts of one 7.1 run, the transfers being made, and what the forced collisions saw."""

    def __init__(self, trial: Trial, accounts: tuple[tuple[int, int], ...], patience: list[float]) -> None:
        self.trial = trial
        self.patience = patience  # [seconds left], shared by the runs of one check
        self.accounts = {number: Account(self, number, balance) for number, balance in accounts}
        self.locks = [account.lock for account in self.accounts.values()]
        self.calls: dict[int, _Call] = {}  # thread ident -> the call it is making (while inside transfer)
        self.wanting: dict[int, _AccountLock] = {}  # thread ident -> the account lock it waits for
        self.budget: dict[int, int] = {}
        self.forced: set[int] = set()
        self.giving_up: set[int] = set()  # threads whose timed acquire failed, waiting for the other's to fail
        self.retreating: set[int] = set()  # threads that failed to get a lock and still hold one
        self.acquisitions = 0
        self.stuck_count: dict[int, tuple[int, int]] = {}  # ident -> (acquisitions then, timeouts in a row)
        self.stuck = False
        self.cycle: list[tuple[str, str, str]] = []  # (thread, lock it holds, lock it waits for)
        self.done: list[_Call] = []  # the calls that returned or raised

    def holds_any(self) -> bool:
        return any(lock.held_by_me() for lock in self.locks)

    def engaged(self, ident: int) -> bool:
        """Whether thread ``ident`` waits for an account lock, or holds one and is not about to let it go."""
        return ident in self.wanting or (
            ident not in self.retreating and any(lock.owner == ident for lock in self.locks)
        )

    def want(self, me: int, lock: _AccountLock) -> None:
        """Note that ``me`` waits for ``lock``; if that closes a cycle of waiting threads, remember it."""
        self.wanting[me] = lock
        names = {r.thread.ident: r.name for r in self.trial.runners}
        cycle, seen, thread, wanted = [], set(), me, lock
        while thread is not None and thread not in seen:
            seen.add(thread)
            holder = wanted.owner
            held = next((lk.name for lk in self.locks if lk.owner == thread), "")
            cycle.append((names.get(thread, "a thread"), held, wanted.name))
            if holder is None or holder not in self.wanting:
                return
            thread, wanted = holder, self.wanting[holder]
        if thread == me and not self.cycle:
            start = cycle.index(min(cycle))  # the same words on every run: start from the first thread
            self.cycle = cycle[start:] + cycle[:start]

    def collide(self, me: int) -> None:
        """Hold ``me`` (which just took its first account lock) until every other transfer holds or wants one."""
        if self.patience[0] <= 0 or self.budget.get(me, 0) <= 0:
            return
        self.budget[me] -= 1
        self.forced.add(me)
        last = time.monotonic()
        while True:
            others = [r.thread.ident for r in self.trial.runners if not r.done and r.thread.ident not in (me, None)]
            pending = [ident for ident in others if not self.engaged(ident)]
            if not pending:
                return
            now = time.monotonic()
            if all(ident in self.calls for ident in pending):
                self.patience[0] -= now - last
                if self.patience[0] <= 0:
                    return
            last = now
            self.trial.check()
            time.sleep(POLL)

    def timed_out(self, lock: _AccountLock) -> None:
        """A timed acquire of ``lock`` failed: in a forced collision, return when its holder's wait has failed too."""
        me = threading.get_ident()
        if (call := self.calls.get(me)) is not None:
            call.timeouts += 1
        then, count = self.stuck_count.get(me, (-1, 0))
        count = count + 1 if then == self.acquisitions else 1
        self.stuck_count[me] = (self.acquisitions, count)
        stuck = [n for a, n in self.stuck_count.values() if a == self.acquisitions and n >= STUCK_TIMEOUTS]
        self.stuck = self.stuck or len(stuck) >= 2  # two threads or more
        if me not in self.forced:
            return
        # Wait while the holder of ``lock`` has not asked for its second lock yet (it may be
        # slow to get there) or waits for one this thread holds; return once its wait has ended.
        holder, hold, asked = lock.owner, lock.holds, False
        end = time.monotonic() + TIMEOUT_PARTNER_SECONDS
        self.giving_up.add(me)
        try:
            while time.monotonic() < end and holder in self.calls and (lock.owner, lock.holds) == (holder, hold):
                wanted = self.wanting.get(holder)
                if holder in self.giving_up or (wanted is None and asked):
                    return
                if wanted is not None:
                    if not wanted.held_by_me():
                        return
                    asked = True
                self.trial.check()
                time.sleep(POLL)
        finally:
            self.giving_up.discard(me)


def _sender(bank: _Bank, gate: Any, transfer: Callable[..., Any], src: Account, dst: Account, amount: int) -> None:
    me = threading.get_ident()
    bank.budget[me] = COLLISIONS
    gate.wait()
    for _ in range(TRANSFERS):
        call = bank.calls[me] = _Call(src, dst, amount)
        try:
            transfer(src, dst, amount)
            call.returned = True
        finally:
            del bank.calls[me]
            bank.done.append(call)


def _transfer_run(
    transfer: Callable[..., Any], accounts: Any, senders: Any, patience: list[float]
) -> tuple[str, str] | None:
    """One run of the transfers: ``(message, hint)`` about the first fault seen, or ``None``."""
    with Trial(what="transfer") as trial:
        bank = _Bank(trial, accounts, patience)
        trial.locks.extend(bank.locks)
        gate = trial.event("the start")
        for i, (src, dst, amount) in enumerate(senders, start=1):
            trial.start(f"T{i}", _sender, bank, gate, transfer, bank.accounts[src], bank.accounts[dst], amount)
        gate.set()
        trial.wait(until=lambda: bank.stuck)  # or until every sender is done
        if bank.stuck and trial.gave_up is None:
            trial.give_up("stuck")
    note = trial.stuck_note()
    if bank.cycle and trial.gave_up in ("deadlock", "stuck", "deadline"):
        links = "; ".join(f"{name} held {held} and waited for {wanted}" for name, held, wanted in bank.cycle)
        forced = (
            " (The check paused each transfer right after it took its first lock until the others had taken theirs: "
            "the operating system can pause a thread there too.)"
        )
        if trial.gave_up == "deadlock":
            return f"your transfers deadlocked: {links}.{forced}{note}", (
                "Take the two locks in one global order, whichever way the money goes: the account with the lower "
                "number first. (Or retry: acquire the second lock with a short timeout and, if it does not come, "
                "release the first, wait a random moment and start again.)"
            )
        return (
            f"your transfers got stuck: {links}, and each kept asking again with a timeout without letting go of the "
            f"lock it held, so neither could ever get its second lock.{forced}{note}",
            "A timeout helps only if you give back the lock you hold before you try again: release the first "
            "lock, wait a random moment, then start over. Or take the two locks in one global order.",
        )
    if (trial.gave_up is not None or trial.reentered() is not None) and (problem := trial.trouble()) is not None:
        return problem
    if unlocked := [call for call in bank.done if call.unlocked]:
        partly = [call for call in unlocked if call.partly]
        if partly and any(call.timeouts for call in partly):
            did = (
                "an acquire(timeout=...) returned False, and the transfer changed the balances anyway, holding "
                "only one of the two accounts' locks"
            )
            hint = "When acquire() returns False you do not have the lock: release what you hold and try again."
        elif partly:
            did = "a transfer changed a balance holding only one of the two accounts' locks"
            hint = (
                "Hold both locks at once while you change both balances: otherwise, for a moment, the money has "
                "left one account and not reached the other, and code that locks both accounts (an audit) sees "
                "it missing. Take them in one global order so that holding both cannot deadlock."
            )
        else:
            did = "a transfer changed the balances without holding either account's lock"
            hint = (
                "Change the balances while you hold src.lock and dst.lock: the rest of the bank locks each account "
                "with its own lock, so a lock of your own keeps out only other transfers. (You may keep such a lock "
                "to make the transfers take turns, and take the two account locks inside it.)"
            )
        return f"{did}.{note}", hint
    if (problem := trial.trouble()) is not None:
        return problem
    if any(account.log("balance").split_writes for account in bank.accounts.values()):
        return (
            "a transfer wrote a balance it had read before it took the locks (or in an earlier hold): "
            "another transfer may have changed that balance in between, and its change would be lost.",
            "Read and write the balances inside the with block that holds both locks: src.balance -= amount.",
        )
    if any(not call.unlocked and len(call.holds) > 1 for call in bank.done):
        return (
            "a transfer changed the two balances in two separate holds of the locks: in between, the "
            "money was in neither account.",
            "Take both locks once and change both balances inside that one with block.",
        )
    returned = [call for call in bank.done if call.returned]
    lost = [call for call in returned if not any(call.moved.values())]
    if lost and any(call.timeouts for call in lost):
        return (
            "a transfer was lost: a call of transfer returned without changing any balance, after an "
            "acquire(timeout=...) returned False.",
            "A transfer must not give up: if the second lock does not come in time, release the first, wait a "
            "random moment, and try again in a loop until the money has moved.",
        )
    if lost:
        return (
            "a transfer was lost: a call of transfer returned without changing any balance.",
            "Subtract amount from src.balance and add it to dst.balance in every call.",
        )
    if wrong := [c for c in returned if c.moved.get(c.src) != -c.amount or c.moved.get(c.dst) != c.amount]:
        call = min(wrong, key=lambda c: c.thread)
        src, dst, amount = call.src.number, call.dst.number, call.amount
        return (
            f"transfer(account {src}, account {dst}, {amount}) did not take exactly {amount} from "
            f"account {src} and add exactly {amount} to account {dst}.",
            "In every call: src.balance -= amount, then dst.balance += amount.",
        )
    return None


def check_ordered_transfer(transfer: Callable[[Any, Any, int], Any]) -> CheckResult:
    """Exercise 7.1: a transfer that holds both accounts' locks while it moves the money, and never deadlocks."""
    if (fault := first_fault("7.1", transfer, "def transfer(src, dst, amount):")) is not None:
        return fault
    patience = [COLLIDE_PATIENCE]
    for what, accounts, senders in TRANSFER_RUNS:
        if (fault := _transfer_run(transfer, accounts, senders, patience)) is not None:
            return not_yet("7.1", f"with {what}, {fault[0]}", fault[1])
    return passed(
        "7.1",
        f"{' and '.join(what for what, _, _ in TRANSFER_RUNS)}, {TRANSFERS} times each, every transfer forced to "
        "hold its first lock until the others had taken theirs: no deadlock, no transfer lost, and every balance "
        "changed while both accounts' locks were held, in one hold.",
    )
