"""The bank account of notebook 03: how long should a lock be held?

Threads withdraw from one account; each withdrawal first does slow work, ``verify`` (a
fraud check, a ``time.sleep(work)`` standing for the network). ``style``:

* ``"short"``: slow work outside the lock, then a short critical section: threads overlap.
* ``"long"``: slow work inside the lock: correct, but one thread at a time gets anything
  done (contention, not a deadlock: every thread gets the lock in the end).
* ``"check_outside"``: the balance checked outside the lock, subtracted inside: no update is
  lost, yet the balance goes negative, since the slow work widens the gap between check and act.
"""

from __future__ import annotations

import platform
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from synclab._threads import run_workers
from synclab._validate import (
    MAX_THREADS,
    MAX_VALUES,
    check_choice,
    check_float,
    check_int,
    check_sequence,
    check_timeout,
)
from synclab.instruments import InstrumentedLock, LockStatistics

#: The ways to withdraw; see the module docstring.
BANK_STYLES = ("short", "long", "check_outside")

MAX_WITHDRAWALS = 10_000
#: Longest slow work per withdrawal, in seconds. With the work inside the lock,
#: 64 threads need up to 64 x this long to drain after a stop, which must stay
#: within the 5 s that stopped workers are given.
MAX_WORK = 0.05
MAX_AMOUNT = 1_000_000
MAX_BALANCE = 10**12
#: Balance changes kept for :attr:`BankResult.history`.
MAX_HISTORY = 10_000


class BankAccount:
    """A bank account shared by threads, with three ways to withdraw from it.

    Args:
        balance: The opening balance.
        work: Seconds of slow work (a fraud check) per withdrawal.
        lock: The lock guarding ``balance``; a new :class:`threading.Lock` by default.
    """

    def __init__(self, balance: int, work: float, lock: Any = None) -> None:
        self.balance = balance
        self.work = work
        self.lock = lock if lock is not None else threading.Lock()

    def verify(self, amount: int) -> None:
        """Ask a remote fraud-check service about a withdrawal (a sleep stands for the I/O)."""
        time.sleep(self.work)

    def withdraw_short(self, amount: int) -> bool:
        """Slow work outside the lock, then check and subtract in one short critical section."""
        self.verify(amount)
        with self.lock:
            if self.balance >= amount:
                self.balance -= amount
                return True
            return False

    def withdraw_long(self, amount: int) -> bool:
        """Slow work inside the lock: correct, but every other thread waits for it."""
        with self.lock:
            self.verify(amount)
            if self.balance >= amount:
                self.balance -= amount
                return True
            return False

    def withdraw_check_outside(self, amount: int) -> bool:
        """Check outside the lock, subtract inside it: a check-then-act race (a bug)."""
        if self.balance >= amount:
            self.verify(amount)
            with self.lock:
                self.balance -= amount
            return True
        return False


@dataclass(frozen=True, slots=True)
class BankResult:
    """What one run of :func:`run_bank` measured."""

    threads: int
    withdrawals: int
    style: str
    work: float
    amount: int
    opening: int
    closing: int
    approved: int
    elapsed: float
    lock: LockStatistics
    history: tuple[tuple[float, int], ...]
    python: str

    @property
    def attempts(self) -> int:
        """Withdrawals attempted by all threads: ``threads * withdrawals``."""
        return self.threads * self.withdrawals

    @property
    def refused(self) -> int:
        """Withdrawals turned down for lack of money."""
        return self.attempts - self.approved

    @property
    def throughput(self) -> float:
        """Withdrawals handled per second (approved or refused)."""
        return self.attempts / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def overdrawn(self) -> bool:
        """Whether the balance ended below zero."""
        return self.closing < 0

    @property
    def consistent(self) -> bool:
        """Whether every approved withdrawal was taken off exactly once (no lost update)."""
        return self.closing == self.opening - self.approved * self.amount


@dataclass(frozen=True, slots=True)
class BankSweep:
    """Runs of :func:`run_bank` across thread counts, amounts of work and styles."""

    results: tuple[BankResult, ...]

    def of_style(self, style: str) -> tuple[BankResult, ...]:
        """The results of one style, in the order they ran."""
        return tuple(r for r in self.results if r.style == style)

    @property
    def styles(self) -> tuple[str, ...]:
        """The styles swept, in order of first appearance."""
        return tuple(dict.fromkeys(r.style for r in self.results))


def _work(
    account: BankAccount,
    style: str,
    withdrawals: int,
    amount: int,
    approved: list[int],
    slot: int,
    stop: threading.Event,
) -> None:
    """One thread's loop: ``withdrawals`` attempts, stopping early if told to."""
    withdraw = getattr(account, f"withdraw_{style}")
    took = 0
    for _ in range(withdrawals):
        if stop.is_set():
            break
        took += withdraw(amount)
    approved[slot] = took


class _RecordingLock(InstrumentedLock):
    """The account's lock, also noting the balance each time it is released.

    Every style changes the balance only under the lock, so the balance read just before a
    release is the balance after that critical section.
    """

    __slots__ = ("account", "history", "origin")

    def __init__(self, origin: float, lock: Any = None) -> None:
        super().__init__(lock, name="account lock")
        self.account: BankAccount | None = None
        self.history: list[tuple[float, int]] = []
        self.origin = origin

    def release(self) -> None:
        account = self.account
        if account is not None and len(self.history) < MAX_HISTORY:
            balance = account.balance
            if not self.history or self.history[-1][1] != balance:
                self.history.append((time.perf_counter() - self.origin, balance))
        super().release()


def _check_bank_args(
    threads: object, withdrawals: object, style: object, work: object, amount: object, balance: object, timeout: object
) -> tuple[int, int, str, float, int, int | None, float]:
    return (
        check_int("threads", threads, 1, MAX_THREADS),
        check_int("withdrawals", withdrawals, 1, MAX_WITHDRAWALS),
        check_choice("style", style, BANK_STYLES),
        check_float("work", work, 0.0, MAX_WORK),
        check_int("amount", amount, 1, MAX_AMOUNT),
        None if balance is None else check_int("balance", balance, 0, MAX_BALANCE),
        check_timeout(timeout),
    )


def run_bank(
    threads: int = 4,
    withdrawals: int = 10,
    style: str = "long",
    work: float = 0.001,
    *,
    amount: int = 10,
    balance: int | None = None,
    timeout: float = 60.0,
) -> BankResult:
    """Let ``threads`` threads each withdraw ``amount`` from one account ``withdrawals`` times.

    The threads start together behind a barrier and are always joined. The
    account's lock is an :class:`~synclab.InstrumentedLock`, so the result says
    how long each thread waited for it and how long each withdrawal held it.
    """
    threads, withdrawals, style, work, amount, balance, timeout = _check_bank_args(
        threads, withdrawals, style, work, amount, balance, timeout
    )
    opening = threads * withdrawals * amount if balance is None else balance
    lock = _RecordingLock(time.perf_counter())
    account = BankAccount(opening, work, lock)
    lock.account = account
    approved = [0] * threads
    stop = threading.Event()
    workers = [
        lambda slot=slot: _work(account, style, withdrawals, amount, approved, slot, stop) for slot in range(threads)
    ]
    lock.origin = time.perf_counter()
    elapsed = run_workers(
        workers, names=[f"T{i}" for i in range(1, threads + 1)], timeout=timeout, stop=stop, what="run_bank"
    )
    return BankResult(
        threads=threads,
        withdrawals=withdrawals,
        style=style,
        work=work,
        amount=amount,
        opening=opening,
        closing=account.balance,
        approved=sum(approved),
        elapsed=elapsed,
        lock=lock.statistics(),
        history=tuple(lock.history),
        python=platform.python_version(),
    )


def _as_tuple(name: str, value: object) -> tuple[object, ...]:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {value!r}")
    if isinstance(value, Sequence):
        check_int(f"len({name})", len(value), 1, MAX_VALUES)
        return tuple(value)
    return (value,)


def sweep_bank(
    threads: int | Sequence[int] = (1, 2, 4, 8),
    work: float | Sequence[float] = 0.001,
    styles: Sequence[str] = ("short", "long"),
    withdrawals: int = 10,
    *,
    amount: int = 10,
    timeout: float = 60.0,
) -> BankSweep:
    """Run :func:`run_bank` for every combination of thread count, work and style."""
    thread_counts = _as_tuple("threads", threads)
    works = _as_tuple("work", work)
    style_list = tuple(check_sequence("styles", styles, "styles like ('short', 'long')"))
    check_int("len(styles)", len(style_list), 1, len(BANK_STYLES))
    check_int("number of runs", len(thread_counts) * len(works) * len(style_list), 1, 48)
    settings = [(n, w, s) for n in thread_counts for w in works for s in style_list]
    for n, w, s in settings:  # every setting is checked before any run
        _check_bank_args(n, withdrawals, s, w, amount, None, timeout)
    return BankSweep(tuple(run_bank(n, withdrawals, s, w, amount=amount, timeout=timeout) for n, w, s in settings))
