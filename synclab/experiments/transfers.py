"""Bank transfers between accounts: the deadlock lab of notebook 07, and the locking strategies of 08.

Each thread moves money between randomly chosen pairs of accounts. A transfer
must hold the locks of both accounts while it moves the money, and *how* it
takes them is the ``strategy``:

* ``"naive"``: lock the source account, then the destination. Two opposite
  transfers (A to B and B to A) can each get their first lock and then wait
  for ever for the other's: a deadlock.
* ``"ordered"``: lock the account with the lower number first. Every thread
  takes locks in one global order, so no cycle of waiting can form.
* ``"retry"``: the naive order, but the second lock is taken with
  ``acquire(timeout=...)``; on a timeout the thread releases the first lock,
  backs off for a random moment (twice as long at most after each timeout of
  the same transfer: exponential back-off with jitter) and tries again.
* ``"global"``: one lock for the whole bank: never a deadlock, but only one
  transfer at a time.

Between taking the first lock and the second, each transfer can let the other
threads run (``window="sleep"``, a ``time.sleep(1e-6)``: a forced interleaving,
standing for any work done there, such as reading a balance from a database).
That makes the bad interleaving happen often enough to see in a short run;
with ``window="none"`` it is rare, which in real programs is worse: the bug
ships.

A watchdog (see :mod:`synclab.experiments.deadlock`) looks at the resource-allocation
graph of the account locks every millisecond. The locks are
:func:`~synclab.experiments.deadlock.cancellable_lock` objects: when a cycle
stays for two milliseconds the watchdog calls the run off, every waiting
thread gets :class:`~synclab.experiments.deadlock.DeadlockError`, abandons its
transfer (no money moves) and stops. With ``"retry"`` the watchdog only
watches: the timeouts break the cycles.

Whatever happens, every transfer moves money only while it holds both
accounts' locks (or the bank's), so the total is the same after every run.
"""

from __future__ import annotations

import platform
import random
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from synclab._threads import run_workers
from synclab._validate import check_choice, check_float, check_int
from synclab.experiments.counter import YIELD_SECONDS
from synclab.experiments.deadlock import (
    DEFAULT_POLL,
    DeadlockError,
    ResourceAllocationGraph,
    Watchdog,
    cancellable_lock,
    countdown,
)
from synclab.instruments import InstrumentedLock, LockStatistics

__all__ = [
    "STRATEGIES",
    "TRANSFER_WINDOWS",
    "TransferRun",
    "TransferRuns",
    "TransferSweep",
    "repeat_transfers",
    "run_transfers",
    "sweep_transfers",
]

#: How a transfer takes its locks (see the module docstring).
STRATEGIES = ("naive", "ordered", "retry", "global")
#: What happens between taking the first lock and the second.
TRANSFER_WINDOWS = ("none", "sleep")

START_BALANCE = 1_000
MAX_AMOUNT = 100
MAX_ACCOUNTS = 64
MAX_THREADS = 64
MAX_TRANSFERS = 100_000
MAX_RUNS = 100
#: How long a cycle must stay before the watchdog calls a run off, s. Short, so
#: a deadlocked run ends fast: only ``"naive"`` can form a cycle that the
#: watchdog then cancels (``"retry"`` runs are watched, never cancelled).
TRANSFER_CONFIRM = 0.002
#: ``"retry"``: how long the second lock is waited for before backing off, s.
RETRY_TIMEOUT = 0.001
#: ``"retry"``: the first back-off is a random sleep of up to this long, s;
#: each further timeout of the same transfer doubles it, up to :data:`MAX_BACKOFF`.
FIRST_BACKOFF = 0.0002
MAX_BACKOFF = 0.01


@dataclass(frozen=True, slots=True)
class TransferRun:
    """What one run of :func:`run_transfers` measured.

    Attributes:
        accounts: Number of accounts.
        threads: Number of threads.
        transfers: Transfers each thread tried to make.
        strategy: How the locks were taken (see :data:`STRATEGIES`).
        window: What happened between the first lock and the second.
        hold: Seconds of simulated I/O inside each transfer's critical section.
        completed: Transfers that moved their money.
        abandoned: Transfers given up because the run was called off.
        retries: Times a ``"retry"`` transfer timed out, backed off and tried again.
        deadlocked: Whether the watchdog found a deadlock and called the run off.
        graph: The resource-allocation graph when the watchdog saw a cycle (for ``"retry"``,
            a cycle that a timeout then broke), else ``None``.
        detected_after: Seconds from the start until the cycle was confirmed.
        total_before: Money in the bank before the run.
        total_after: Money in the bank after the run.
        elapsed: Seconds from the start signal until the last thread finished.
        locks: Statistics of every lock (one per account, or the bank's one).
        python: The Python version that ran it.
    """

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
    python: str

    @property
    def attempted(self) -> int:
        """Transfers the threads were asked to make: ``threads * transfers``."""
        return self.threads * self.transfers

    @property
    def conserved(self) -> bool:
        """Whether the bank holds as much money as before."""
        return self.total_after == self.total_before

    @property
    def cycle_seen(self) -> bool:
        """Whether a cycle of waiting formed at all (even one a timeout broke)."""
        return self.graph is not None

    @property
    def throughput(self) -> float:
        """Completed transfers per second."""
        return self.completed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def total_wait(self) -> float:
        """Seconds all threads spent waiting for locks, together."""
        return sum(stats.total_wait for stats in self.locks)


@dataclass(frozen=True, slots=True)
class TransferRuns:
    """Several runs of :func:`run_transfers` with the same settings.

    Attributes:
        results: One result per run, in the order they ran.
    """

    results: tuple[TransferRun, ...]

    @property
    def runs(self) -> int:
        """Number of runs."""
        return len(self.results)

    @property
    def strategy(self) -> str:
        """The strategy all runs used."""
        return self.results[0].strategy

    @property
    def deadlocked_runs(self) -> int:
        """Runs the watchdog called off because of a deadlock."""
        return sum(r.deadlocked for r in self.results)

    @property
    def deadlock_share(self) -> float:
        """Share of runs that deadlocked, 0 to 1."""
        return self.deadlocked_runs / self.runs

    @property
    def all_conserved(self) -> bool:
        """Whether the money was conserved in every run."""
        return all(r.conserved for r in self.results)

    @property
    def median_elapsed(self) -> float:
        """Median seconds per run."""
        return statistics.median(r.elapsed for r in self.results)

    @property
    def median_throughput(self) -> float:
        """Median completed transfers per second."""
        return statistics.median(r.throughput for r in self.results)

    @property
    def completed(self) -> int:
        """Transfers completed over all runs."""
        return sum(r.completed for r in self.results)

    @property
    def attempted(self) -> int:
        """Transfers attempted over all runs."""
        return sum(r.attempted for r in self.results)

    @property
    def retries(self) -> int:
        """Timeouts followed by a retry, over all runs."""
        return sum(r.retries for r in self.results)

    @property
    def first_deadlock(self) -> TransferRun | None:
        """The first run with a cycle in its resource-allocation graph, if any."""
        return next((r for r in self.results if r.graph is not None), None)


@dataclass(frozen=True, slots=True)
class TransferSweep:
    """Repeated runs for several settings: each entry varies strategy, accounts or threads.

    Attributes:
        entries: One :class:`TransferRuns` per combination, strategies outermost.
    """

    entries: tuple[TransferRuns, ...]

    @property
    def strategies(self) -> tuple[str, ...]:
        """The strategies swept, in order."""
        return tuple(dict.fromkeys(e.strategy for e in self.entries))

    def by_strategy(self, strategy: str) -> tuple[TransferRuns, ...]:
        """The entries of one strategy, in sweep order."""
        return tuple(e for e in self.entries if e.strategy == strategy)


def _capped(amount: int, balance: int) -> int:
    """What a transfer can take: ``amount``, or the whole balance if that is less."""
    return amount if amount <= balance else balance


class _Bank:
    """The accounts: balances, and what the strategy locks."""

    def __init__(self, accounts: int, strategy: str, cancel: threading.Event) -> None:
        self.balances = [START_BALANCE] * accounts
        if strategy == "global":
            self.bank_lock = cancellable_lock(cancel, "bank")
            self.locks: list[InstrumentedLock] = [self.bank_lock]
        else:
            self.locks = [cancellable_lock(cancel, f"account {i}") for i in range(accounts)]

    def move(self, src: int, dst: int, amount: int) -> None:
        """Move up to ``amount`` from ``src`` to ``dst``; the caller holds the locks.

        Read, compute (a call: a point where another thread may run), write:
        without the locks, two transfers touching one account lose updates.
        """
        balances = self.balances
        src_balance, dst_balance = balances[src], balances[dst]
        taken = _capped(amount, src_balance)  # never overdraw
        balances[src] = src_balance - taken
        balances[dst] = dst_balance + taken


def _transfer_worker(
    bank: _Bank,
    strategy: str,
    window: str,
    hold: float,
    transfers: int,
    rng: random.Random,
    stop: threading.Event,
    tally: list[int],
) -> None:
    """One thread's transfers. ``tally`` is [completed, abandoned, retries]. Plain code, one branch per strategy."""
    accounts = len(bank.balances)
    locks = bank.locks
    pause = time.sleep
    yields = window == "sleep"
    for _ in range(transfers):
        if stop.is_set():
            return
        src, dst = rng.sample(range(accounts), 2)
        amount = rng.randint(1, MAX_AMOUNT)
        try:
            if strategy == "global":
                with bank.bank_lock:
                    if yields:
                        pause(YIELD_SECONDS)
                    bank.move(src, dst, amount)
                    if hold:
                        pause(hold)
            elif strategy == "retry":
                backoff = FIRST_BACKOFF
                while True:
                    with locks[src]:
                        if yields:
                            pause(YIELD_SECONDS)
                        if locks[dst].acquire(timeout=RETRY_TIMEOUT):
                            try:
                                bank.move(src, dst, amount)
                                if hold:
                                    pause(hold)
                            finally:
                                locks[dst].release()
                            break
                    tally[2] += 1  # timed out: the first lock is released, back off
                    pause(rng.uniform(0, backoff))
                    backoff = min(2 * backoff, MAX_BACKOFF)
                    if stop.is_set():
                        tally[1] += 1
                        return
            else:
                first, second = (src, dst) if strategy == "naive" else (min(src, dst), max(src, dst))
                with locks[first]:
                    if yields:
                        pause(YIELD_SECONDS)
                    with locks[second]:
                        bank.move(src, dst, amount)
                        if hold:
                            pause(hold)
        except DeadlockError:
            tally[1] += 1
            return
        tally[0] += 1


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
        check_int("accounts", accounts, 2, MAX_ACCOUNTS),
        check_int("threads", threads, 1, MAX_THREADS),
        check_int("transfers", transfers, 1, MAX_TRANSFERS),
        check_choice("strategy", strategy, STRATEGIES),
        check_choice("window", window, TRANSFER_WINDOWS),
        check_float("hold", hold, 0.0, 0.1),
        checked_seed,
        check_float("timeout", timeout, 0.1, 600.0),
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

    Args:
        accounts: Number of accounts, 2 to 64, each starting with 1,000.
        threads: Number of threads, 1 to 64.
        transfers: Transfers per thread, 1 to 100,000.
        strategy: ``"naive"``, ``"ordered"``, ``"retry"`` or ``"global"``.
        window: ``"sleep"`` (``time.sleep(1e-6)`` between the first lock and the
            second: a forced interleaving) or ``"none"``.
        hold: Seconds of simulated I/O (a sleep) inside each transfer's
            critical section, 0 to 0.1.
        seed: Seed for the random choice of accounts and amounts (each thread
            gets its own stream), 0 to 2**32 - 1; ``None`` for a fresh one.
            The interleaving of real threads still varies.
        timeout: Seconds the run may take (0.1 to 600) before it is stopped.

    Returns:
        A :class:`TransferRun`.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range or not one of the choices.
        TimeoutError: The run took longer than ``timeout``.
    """
    args = _check_transfer_args(accounts, threads, transfers, strategy, window, hold, seed, timeout)
    return _run_transfers(*args)


def _run_transfers(
    accounts: int,
    threads: int,
    transfers: int,
    strategy: str,
    window: str,
    hold: float,
    seed: int | None,
    timeout: float,
) -> TransferRun:
    stop = threading.Event()
    bank = _Bank(accounts, strategy, stop)
    before = sum(bank.balances)
    base = random.randrange(2**32) if seed is None else seed
    tallies = [[0, 0, 0] for _ in range(threads)]
    workers = [
        lambda i=i: _transfer_worker(
            bank, strategy, window, hold, transfers, random.Random(base * 1_000 + i), stop, tallies[i]
        )
        for i in range(threads)
    ]
    done = threading.Event()
    # The watchdog calls the run off on a deadlock, except with "retry", whose timeouts break cycles.
    watchdog = Watchdog(bank.locks, done, stop, None if strategy == "retry" else stop, DEFAULT_POLL, TRANSFER_CONFIRM)
    try:
        elapsed = run_workers(
            [*countdown(workers, done), watchdog],
            names=[*(f"T{i}" for i in range(1, threads + 1)), "watchdog"],
            timeout=timeout,
            stop=stop,
            what="run_transfers",
        )
    finally:
        done.set()
    completed, abandoned, retries = (sum(t[k] for t in tallies) for k in range(3))
    return TransferRun(
        accounts=accounts,
        threads=threads,
        transfers=transfers,
        strategy=strategy,
        window=window,
        hold=hold,
        completed=completed,
        abandoned=abandoned,
        retries=retries,
        deadlocked=watchdog.graph is not None and strategy != "retry",
        graph=watchdog.graph,
        detected_after=watchdog.detected_after,
        total_before=before,
        total_after=sum(bank.balances),
        elapsed=elapsed,
        locks=tuple(lock.statistics() for lock in bank.locks),
        python=platform.python_version(),
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
) -> TransferRuns:
    """Run :func:`run_transfers` ``runs`` times with the same settings.

    Args:
        runs: How many runs, 1 to 100.
        accounts: Number of accounts, 2 to 64.
        threads: Number of threads, 1 to 64.
        transfers: Transfers per thread, 1 to 100,000.
        strategy: ``"naive"``, ``"ordered"``, ``"retry"`` or ``"global"``.
        window: ``"sleep"`` or ``"none"``.
        hold: Seconds of simulated I/O inside each critical section, 0 to 0.1.
        seed: Seed of the first run (run ``k`` uses ``seed + k``), or ``None``.
        timeout: Seconds each run may take.

    Returns:
        A :class:`TransferRuns`.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range or not one of the choices.
        TimeoutError: A run took longer than ``timeout``.
    """
    runs = check_int("runs", runs, 1, MAX_RUNS)
    args = _check_transfer_args(accounts, threads, transfers, strategy, window, hold, seed, timeout)
    if seed is not None:
        check_int("seed + runs", seed + runs, 0, 2**32 - 1)
    results = []
    for k in range(runs):
        run_args = list(args)
        if seed is not None:
            run_args[6] = seed + k
        results.append(_run_transfers(*run_args))  # type: ignore[arg-type]
    return TransferRuns(tuple(results))


def _as_counts(name: str, values: object, low: int, high: int) -> tuple[int, ...]:
    if isinstance(values, int) and not isinstance(values, bool):
        values = (values,)
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be an int or a sequence of ints like (2, 4, 8), got {values!r}")
    check_int(f"len({name})", len(values), 1, 16)
    return tuple(check_int(name, v, low, high) for v in values)


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

    Args:
        strategies: Strategies to compare (1 to 4 of :data:`STRATEGIES`).
        accounts: An account count, or several (2 to 64 each).
        threads: A thread count, or several (1 to 64 each).
        runs: Runs per combination, 1 to 100.
        transfers: Transfers per thread, 1 to 100,000.
        window: ``"sleep"`` or ``"none"``.
        hold: Seconds of simulated I/O inside each critical section, 0 to 0.1.
        seed: Seed of the first run of each combination, or ``None``.
        timeout: Seconds each run may take.

    Returns:
        A :class:`TransferSweep`, strategies outermost, then accounts, then threads.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range or not one of the choices.
    """
    if isinstance(strategies, str) or not isinstance(strategies, Sequence):
        raise TypeError(f"strategies must be a sequence like ('naive', 'ordered'), got {strategies!r}")
    check_int("len(strategies)", len(strategies), 1, len(STRATEGIES))
    chosen = tuple(check_choice("strategies", s, STRATEGIES) for s in strategies)
    account_counts = _as_counts("accounts", accounts, 2, MAX_ACCOUNTS)
    thread_counts = _as_counts("threads", threads, 1, MAX_THREADS)
    combos = [(s, a, t) for s in chosen for a in account_counts for t in thread_counts]
    for s, a, t in combos:  # every combination is checked before the first one runs
        _check_transfer_args(a, t, transfers, s, window, hold, seed, timeout)
    check_int("runs", runs, 1, MAX_RUNS)
    entries = tuple(
        repeat_transfers(runs, a, t, transfers, s, window=window, hold=hold, seed=seed, timeout=timeout)
        for s, a, t in combos
    )
    return TransferSweep(entries)
