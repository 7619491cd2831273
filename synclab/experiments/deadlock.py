"""Deadlock (notebook 07): bank transfers that lock two accounts.

:func:`run_transfers`: threads move money between random pairs of accounts, holding both
accounts' locks; ``strategy`` is how they take them:

* ``"naive"``: source, then destination. Two opposite transfers can each get their first
  lock and wait for ever for the other's: a deadlock (the watchdog calls the run off).
* ``"ordered"``: the lower-numbered account first: one global order, no cycle can form.
* ``"retry"``: the naive order, the second lock with ``acquire(timeout=...)``; on a timeout
  release the first, back off a random moment (doubling each time, with jitter), try again.
* ``"global"``: one lock for the whole bank: never a deadlock, one transfer at a time.

``window="sleep"`` puts ``time.sleep(1e-6)`` between the two locks (a forced interleaving,
standing for any work done there), so the bad interleaving shows in a short run; with
``"none"`` it is rare, which in real programs is worse: the bug ships. Money moves only under
both locks, so the total is the same after every run. The watchdog is plumbing: ``_threads/``.
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
from itertools import product

from synclab._threads.deadlock import DeadlockError, ResourceAllocationGraph, cancellable_lock, watch
from synclab._validate import MAX_THREADS, check_choice, check_counts, check_float, check_int, check_timeout
from synclab.experiments.bank import BankAccount
from synclab.experiments.counter import YIELD_SECONDS
from synclab.instruments import LockStatistics

STRATEGIES = ("naive", "ordered", "retry", "global")  # how a transfer takes its locks
TRANSFER_WINDOWS = ("none", "sleep")  # what happens between taking the first lock and the second
START_BALANCE = 1_000


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
    total_after: int
    elapsed: float
    locks: tuple[LockStatistics, ...]

    @property
    def attempted(self) -> int:
        return self.threads * self.transfers

    @property
    def conserved(self) -> bool:
        return self.total_after == self.accounts * START_BALANCE


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
    def all_conserved(self) -> bool:
        return all(r.conserved for r in self.results)

    @property
    def median_elapsed(self) -> float:
        return statistics.median(r.elapsed for r in self.results)

    @property
    def median_throughput(self) -> float:
        """Completed transfers per second."""
        return statistics.median(r.completed / r.elapsed if r.elapsed > 0 else 0.0 for r in self.results)

    @property
    def completed(self) -> int:
        return sum(r.completed for r in self.results)

    @property
    def attempted(self) -> int:
        return sum(r.attempted for r in self.results)

    @property
    def retries(self) -> int:
        return sum(r.retries for r in self.results)


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
    return amount if amount <= balance else balance


def _move(src: BankAccount, dst: BankAccount, amount: int, hold: float) -> None:
    """Move up to ``amount`` (never overdraw), then do ``hold`` seconds of I/O; the caller holds the locks.

    Read, compute (a call: another thread may run there), write: unlocked, two transfers lose updates.
    """
    src_balance, dst_balance = src.balance, dst.balance
    taken = _capped(amount, src_balance)
    src.balance = src_balance - taken
    dst.balance = dst_balance + taken
    if hold:
        time.sleep(hold)


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
    """Let ``threads`` threads each make ``transfers`` transfers between ``accounts`` accounts (see the module
    docstring for the strategies and the window); a watchdog calls the run off within milliseconds of a deadlock."""
    seed = None if seed is None else check_int("seed", seed, 0, 2**32 - 1)
    accounts = check_int("accounts", accounts, 2, MAX_THREADS)
    threads = check_int("threads", threads, 1, MAX_THREADS)
    transfers = check_int("transfers", transfers, 1, 100_000)
    strategy = check_choice("strategy", strategy, STRATEGIES)
    window = check_choice("window", window, TRANSFER_WINDOWS)
    hold = check_float("hold", hold, 0.0, 0.1)
    timeout = check_timeout(timeout)
    stop = threading.Event()
    # Notebook 03's accounts, each with a lock the watchdog can call off (or one lock for the bank).
    bank = [BankAccount(START_BALANCE, 0.0, cancellable_lock(stop, f"account {i}")) for i in range(accounts)]
    bank_lock = cancellable_lock(stop, "bank")
    locks = [bank_lock] if strategy == "global" else [account.lock for account in bank]

    def worker(i: int) -> None:
        """Thread ``i``'s transfers, one branch per strategy; its tally counts completed, abandoned and retries."""
        rng, tally = random.Random(None if seed is None else seed * 1_000 + i), tallies[i]
        for _ in range(transfers):
            if stop.is_set():
                return
            a, b = rng.sample(range(accounts), 2)
            src, dst, amount = bank[a], bank[b], rng.randint(1, 100)
            try:
                if strategy == "global":
                    with bank_lock:
                        if window == "sleep":
                            time.sleep(YIELD_SECONDS)
                        _move(src, dst, amount, hold)
                elif strategy == "retry":
                    backoff = 0.0002  # s: a random back-off up to this, doubled after each timeout up to 10 ms
                    while True:
                        with src.lock:
                            if window == "sleep":
                                time.sleep(YIELD_SECONDS)
                            if dst.lock.acquire(timeout=0.001):  # wait 1 ms for the second lock
                                _move(src, dst, amount, hold)
                                dst.lock.release()
                                break
                        tally["retries"] += 1  # timed out: the first lock is released, back off
                        time.sleep(rng.uniform(0, backoff))
                        backoff = min(2 * backoff, 0.01)
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

    tallies: list[Counter[str]] = [Counter() for _ in range(threads)]
    workers = {f"T{i + 1}": partial(worker, i) for i in range(threads)}
    # The watchdog calls the run off when a cycle stays 2 ms (short, so a deadlocked run ends fast),
    # except with "retry", whose timeouts break cycles.
    cancel = None if strategy == "retry" else stop
    report = watch(workers, locks, stop, cancel, 0.002, timeout, "run_transfers")
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
        deadlocked=report.deadlocked and strategy != "retry",
        graph=report.graph,
        total_after=sum(account.balance for account in bank),
        elapsed=report.elapsed,
        locks=report.locks,
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
    runs = check_int("runs", runs, 1, 100)
    budget = None if budget is None else check_float("budget", budget, 0.0, 600.0)
    if seed is not None:  # the other settings are checked by the first run, before any thread starts
        check_int("seed + runs", check_int("seed", seed, 0, 2**32 - 1) + runs, 0, 2**32 - 1)
    run = partial(run_transfers, accounts, threads, transfers, strategy, window=window, hold=hold, timeout=timeout)
    started = time.perf_counter()
    results = []
    for k in range(runs):
        results.append(run(seed=None if seed is None else seed + k))
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
    """Repeat :func:`run_transfers` for each strategy and each account or thread count."""
    if isinstance(strategies, str) or not isinstance(strategies, Sequence):
        raise TypeError(f"strategies must be a sequence like ('naive', 'ordered'), got {strategies!r}")
    check_int("len(strategies)", len(strategies), 1, len(STRATEGIES))
    chosen = tuple(check_choice("strategies", s, STRATEGIES) for s in strategies)
    account_counts = check_counts("accounts", accounts, 2, MAX_THREADS)
    grid = product(chosen, account_counts, check_counts("threads", threads, 1, MAX_THREADS))
    runs_of = partial(repeat_transfers, runs, transfers=transfers, window=window, hold=hold, seed=seed, timeout=timeout)
    return TransferSweep(tuple(runs_of(accounts=a, threads=t, strategy=s) for s, a, t in grid))
