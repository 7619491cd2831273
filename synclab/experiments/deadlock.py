"""Deadlock (notebook 07): bank transfers that lock two accounts.

:func:`run_transfers`: threads move money between random pairs of accounts, holding both
accounts' locks; ``strategy`` is how they take them:

* ``"naive"``: source, then destination. Two opposite transfers can each get their first
  lock and wait for ever for the other's: a deadlock (the watchdog calls the run off).
* ``"ordered"``: the lower-numbered account first: one global order, no cycle can form.
* ``"retry"``: the naive order, the second lock with ``acquire(timeout=...)``; on a timeout
  release the first, back off a random moment (doubling each time, with jitter), try again.
* ``"global"``: one lock for the whole bank: never a deadlock, one transfer at a time.

``window="sleep"`` puts ``time.sleep(1e-6)`` between the first lock and the second (a forced
interleaving, standing for any work done there), so the bad interleaving shows in a short
run; with ``"none"`` it is rare, which in real programs is worse: the bug ships. Money moves
only under both locks, so the total is the same after every run.

The watchdog that finds the deadlock (the resource-allocation graph, stack dumps,
``watch_for_deadlock``) is plumbing: ``synclab/_threads/deadlock.py``.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from synclab._threads.deadlock import DeadlockError, ResourceAllocationGraph, cancellable_lock, watch
from synclab._validate import MAX_THREADS, check_choice, check_counts, check_float, check_int, check_timeout
from synclab.experiments.bank import BankAccount
from synclab.experiments.counter import YIELD_SECONDS
from synclab.instruments import LockStatistics

#: How a transfer takes its locks (see the module docstring).
STRATEGIES = ("naive", "ordered", "retry", "global")
#: What happens between taking the first lock and the second.
TRANSFER_WINDOWS = ("none", "sleep")

START_BALANCE = 1_000
MAX_AMOUNT = 100
MAX_TRANSFERS = 100_000
MAX_RUNS = 100
#: How long a cycle must stay before the watchdog calls a run off, s: short, so a deadlocked run ends fast.
TRANSFER_CONFIRM = 0.002
#: ``"retry"``: the wait for the second lock, s; then a random back-off of up to
#: FIRST_BACKOFF s, doubling after each further timeout up to MAX_BACKOFF.
RETRY_TIMEOUT = 0.001
FIRST_BACKOFF = 0.0002
MAX_BACKOFF = 0.01


@dataclass(frozen=True, slots=True)
class TransferRun:
    """What one run of :func:`run_transfers` measured."""

    accounts: int
    threads: int
    transfers: int
    strategy: str
    window: str
    hold: float
    completed: int
    abandoned: int
    retries: int
    deadlocked: bool
    graph: ResourceAllocationGraph | None
    detected_after: float | None
    total_before: int
    total_after: int
    elapsed: float
    locks: tuple[LockStatistics, ...]

    @property
    def attempted(self) -> int:
        return self.threads * self.transfers

    @property
    def conserved(self) -> bool:
        return self.total_after == self.total_before

    @property
    def throughput(self) -> float:
        """Completed transfers per second."""
        return self.completed / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True, slots=True)
class TransferRuns:
    """Several runs of :func:`run_transfers` with the same settings."""

    results: tuple[TransferRun, ...]

    @property
    def runs(self) -> int:
        return len(self.results)

    @property
    def strategy(self) -> str:
        return self.results[0].strategy

    @property
    def deadlocked_runs(self) -> int:
        return sum(r.deadlocked for r in self.results)

    @property
    def deadlock_share(self) -> float:
        """0 to 1."""
        return self.deadlocked_runs / self.runs

    @property
    def all_conserved(self) -> bool:
        return all(r.conserved for r in self.results)

    @property
    def median_elapsed(self) -> float:
        return statistics.median(r.elapsed for r in self.results)

    @property
    def median_throughput(self) -> float:
        return statistics.median(r.throughput for r in self.results)

    @property
    def completed(self) -> int:
        return sum(r.completed for r in self.results)

    @property
    def attempted(self) -> int:
        return sum(r.attempted for r in self.results)

    @property
    def retries(self) -> int:
        return sum(r.retries for r in self.results)

    @property
    def first_deadlock(self) -> TransferRun | None:
        """The first run with a cycle in its resource-allocation graph, if any."""
        return next((r for r in self.results if r.graph is not None), None)


@dataclass(frozen=True, slots=True)
class TransferSweep:
    """Repeated runs for several settings: each entry varies strategy, accounts or threads."""

    entries: tuple[TransferRuns, ...]

    @property
    def strategies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.strategy for e in self.entries))

    def by_strategy(self, strategy: str) -> tuple[TransferRuns, ...]:
        return tuple(e for e in self.entries if e.strategy == strategy)


def _capped(amount: int, balance: int) -> int:
    """What a transfer can take: ``amount``, or the whole balance if that is less."""
    return amount if amount <= balance else balance


def _move(src: BankAccount, dst: BankAccount, amount: int, hold: float) -> None:
    """Move up to ``amount`` (never overdraw), then do ``hold`` seconds of I/O; the caller holds the locks.

    Read, compute (a call: a point where another thread may run), write: without the locks,
    two transfers touching one account lose updates.
    """
    src_balance, dst_balance = src.balance, dst.balance
    taken = _capped(amount, src_balance)
    src.balance = src_balance - taken
    dst.balance = dst_balance + taken
    if hold:
        time.sleep(hold)


def _check_transfer_args(
    accounts: object,
    threads: object,
    transfers: object,
    strategy: object,
    window: object,
    hold: object,
    seed: object,
    timeout: object,
) -> tuple[int, int, int, str, str, float, int | None, float]:
    checked_seed = None if seed is None else check_int("seed", seed, 0, 2**32 - 1)
    return (
        check_int("accounts", accounts, 2, MAX_THREADS),
        check_int("threads", threads, 1, MAX_THREADS),
        check_int("transfers", transfers, 1, MAX_TRANSFERS),
        check_choice("strategy", strategy, STRATEGIES),
        check_choice("window", window, TRANSFER_WINDOWS),
        check_float("hold", hold, 0.0, 0.1),
        checked_seed,
        check_timeout(timeout),
    )


def run_transfers(
    accounts: int = 4,
    threads: int = 4,
    transfers: int = 25,
    strategy: str = "naive",
    *,
    window: str = "sleep",
    hold: float = 0.0,
    seed: int | None = None,
    timeout: float = 30.0,
) -> TransferRun:
    """Let ``threads`` threads each make ``transfers`` transfers between ``accounts`` accounts.

    The threads start together behind a barrier and are always joined; a
    watchdog thread calls the run off when it finds a deadlock, so the run
    ends within milliseconds of one. See the module docstring for the
    strategies and the window.
    """
    accounts, threads, transfers, strategy, window, hold, seed, timeout = _check_transfer_args(
        accounts, threads, transfers, strategy, window, hold, seed, timeout
    )
    stop = threading.Event()
    # Notebook 03's accounts, each with a lock the watchdog can call off (or one lock for the bank).
    bank_lock = cancellable_lock(stop, "bank") if strategy == "global" else None
    bank = [
        BankAccount(START_BALANCE, 0.0, None if bank_lock is not None else cancellable_lock(stop, f"account {i}"))
        for i in range(accounts)
    ]
    locks = [bank_lock] if bank_lock is not None else [account.lock for account in bank]
    before = sum(account.balance for account in bank)

    def worker(rng: random.Random, tally: Counter[str]) -> None:
        """One thread's transfers, one branch per strategy; ``tally`` counts completed, abandoned and retries."""
        for _ in range(transfers):
            if stop.is_set():
                return
            a, b = rng.sample(range(len(bank)), 2)
            src, dst = bank[a], bank[b]
            amount = rng.randint(1, MAX_AMOUNT)
            try:
                if strategy == "global":
                    with bank_lock:  # type: ignore[union-attr]
                        if window == "sleep":
                            time.sleep(YIELD_SECONDS)
                        _move(src, dst, amount, hold)
                elif strategy == "retry":
                    backoff = FIRST_BACKOFF
                    while True:
                        with src.lock:
                            if window == "sleep":
                                time.sleep(YIELD_SECONDS)
                            if dst.lock.acquire(timeout=RETRY_TIMEOUT):
                                try:
                                    _move(src, dst, amount, hold)
                                finally:
                                    dst.lock.release()
                                break
                        tally["retries"] += 1  # timed out: the first lock is released, back off
                        time.sleep(rng.uniform(0, backoff))
                        backoff = min(2 * backoff, MAX_BACKOFF)
                        if stop.is_set():
                            tally["abandoned"] += 1
                            return
                else:
                    first, second = (src, dst) if strategy == "naive" or a < b else (dst, src)
                    with first.lock:
                        if window == "sleep":
                            time.sleep(YIELD_SECONDS)
                        with second.lock:
                            _move(src, dst, amount, hold)
            except DeadlockError:  # the watchdog called the run off
                tally["abandoned"] += 1
                return
            tally["completed"] += 1

    base = random.randrange(2**32) if seed is None else seed
    tallies = [Counter() for _ in range(threads)]
    workers = [partial(worker, random.Random(base * 1_000 + i), tallies[i]) for i in range(threads)]
    # The watchdog calls the run off on a deadlock, except with "retry", whose timeouts break cycles.
    cancel = None if strategy == "retry" else stop
    names = [f"T{i}" for i in range(1, threads + 1)]
    elapsed, watchdog = watch(workers, names, locks, stop, cancel, TRANSFER_CONFIRM, timeout, "run_transfers")
    tally = sum(tallies, Counter())
    return TransferRun(
        accounts=accounts,
        threads=threads,
        transfers=transfers,
        strategy=strategy,
        window=window,
        hold=hold,
        completed=tally["completed"],
        abandoned=tally["abandoned"],
        retries=tally["retries"],
        deadlocked=watchdog.graph is not None and strategy != "retry",
        graph=watchdog.graph,
        detected_after=watchdog.detected_after,
        total_before=before,
        total_after=sum(account.balance for account in bank),
        elapsed=elapsed,
        locks=tuple(lock.statistics() for lock in locks),
    )


def repeat_transfers(
    runs: int = 10,
    accounts: int = 4,
    threads: int = 4,
    transfers: int = 25,
    strategy: str = "naive",
    *,
    window: str = "sleep",
    hold: float = 0.0,
    seed: int | None = None,
    timeout: float = 30.0,
    budget: float | None = None,
) -> TransferRuns:
    """Run :func:`run_transfers` ``runs`` times; ``budget``: seconds all runs may take together (``None``: no limit)."""
    runs = check_int("runs", runs, 1, MAX_RUNS)
    _check_transfer_args(accounts, threads, transfers, strategy, window, hold, seed, timeout)
    if budget is not None:
        budget = check_float("budget", budget, 0.0, 600.0)
    if seed is not None:
        check_int("seed + runs", seed + runs, 0, 2**32 - 1)
    started = time.perf_counter()
    results = []
    for k in range(runs):
        run_seed = None if seed is None else seed + k
        results.append(
            run_transfers(
                accounts, threads, transfers, strategy, window=window, hold=hold, seed=run_seed, timeout=timeout
            )
        )
        if budget is not None and k + 1 < runs and time.perf_counter() - started > budget:
            raise TimeoutError(
                f"only {k + 1} of {runs} runs fitted in {budget:g} s; try fewer threads or fewer transfers"
            )
    return TransferRuns(tuple(results))


def sweep_transfers(
    strategies: Sequence[str] = ("naive", "ordered"),
    accounts: int | Sequence[int] = 4,
    threads: int | Sequence[int] = 4,
    *,
    runs: int = 10,
    transfers: int = 25,
    window: str = "sleep",
    hold: float = 0.0,
    seed: int | None = None,
    timeout: float = 30.0,
) -> TransferSweep:
    """Repeat :func:`run_transfers` for each strategy and each account or thread count.

    Every setting is checked before any run: the first :func:`repeat_transfers` checks the rest.
    """
    if isinstance(strategies, str) or not isinstance(strategies, Sequence):
        raise TypeError(f"strategies must be a sequence like ('naive', 'ordered'), got {strategies!r}")
    check_int("len(strategies)", len(strategies), 1, len(STRATEGIES))
    chosen = tuple(check_choice("strategies", s, STRATEGIES) for s in strategies)
    account_counts = check_counts("accounts", accounts, 2, MAX_THREADS)
    thread_counts = check_counts("threads", threads, 1, MAX_THREADS)
    return TransferSweep(
        tuple(
            repeat_transfers(runs, a, t, transfers, s, window=window, hold=hold, seed=seed, timeout=timeout)
            for s in chosen
            for a in account_counts
            for t in thread_counts
        )
    )
