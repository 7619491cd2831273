"""Deadlock (notebook 07): find it while it happens, and bank transfers that lock two accounts.

A deadlock is a cycle of waiting: T1 holds lock A and waits for lock B, which T2 holds while
it waits for lock A. Each :class:`~synclab.InstrumentedLock` knows its holder and its
waiters, so a snapshot of a few locks gives the *resource-allocation graph* (threads and
locks; "waits for" and "is held by" edges) and the *wait-for graph* (threads only). Every
thread waits for at most one lock and every lock has at most one holder, so following
"waits for the lock held by" from each thread either ends or comes back: the cycle.

:func:`watch_for_deadlock` runs your threads next to a watchdog that takes that snapshot
every millisecond; a thread blocked in ``acquire()`` can only be freed by its own
``timeout`` or by a cancellable lock (``synclab._threads.cancellable_lock``), whose wait
raises ``DeadlockError`` once the watchdog calls the run off.

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
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from synclab._threads import DeadlockError, Watchdog, cancellable_lock, countdown, run_workers
from synclab._validate import MAX_THREADS, MAX_VALUES, check_choice, check_float, check_int, check_timeout
from synclab.experiments.bank import BankAccount
from synclab.experiments.counter import YIELD_SECONDS
from synclab.instruments import InstrumentedLock, LockStatistics

#: How long a cycle must stay unchanged before :func:`watch_for_deadlock` reports
#: it, in seconds: far longer than the short timeouts of a back-off-and-retry
#: loop, whose cycles last a millisecond or two and then break by themselves.
DEFAULT_CONFIRM = 0.05
MAX_LOCKS = 256

# Frames from these files are machinery, not the code being debugged.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_HIDDEN_FILES = frozenset(
    {
        os.path.abspath(threading.__file__),
        os.path.join(_PACKAGE_DIR, "_threads", "__init__.py"),
        os.path.join(_PACKAGE_DIR, "instruments.py"),
        os.path.abspath(__file__),
    }
)


# -- the resource-allocation graph -------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResourceAllocationGraph:
    """Who holds which lock and who waits for which, at one moment.

    Threads and locks are its nodes: the *resource-allocation graph*.
    :attr:`wait_for` gives the *wait-for graph* derived from it, with threads
    only.
    """

    locks: tuple[str, ...]
    holds: tuple[tuple[str, str], ...]
    waits: tuple[tuple[str, str], ...]
    cycle: tuple[str, ...]

    @property
    def deadlocked(self) -> bool:
        """Whether the threads in :attr:`cycle` wait for each other (for ever, without timeouts)."""
        return bool(self.cycle)

    @property
    def threads(self) -> tuple[str, ...]:
        """Every thread that holds or waits for a lock, in order of first mention."""
        seen: dict[str, None] = {}
        for thread, _ in (*self.holds, *self.waits):
            seen.setdefault(thread)
        return tuple(seen)

    @property
    def cycle_threads(self) -> tuple[str, ...]:
        """The threads of :attr:`cycle`."""
        return self.cycle[0::2]

    @property
    def wait_for(self) -> tuple[tuple[str, str, str], ...]:
        """The wait-for graph: ``(waiter, holder, lock)`` for each thread waiting for a held lock.

        ``("T1", "T2", "lock B")`` reads "T1 waits for T2, which holds lock B".
        A thread waiting for a lock nobody holds (it is about to get it) has no
        edge.
        """
        holder = {lock: thread for thread, lock in self.holds}
        return tuple((thread, holder[lock], lock) for thread, lock in self.waits if lock in holder)

    def describe(self) -> str:
        """The cycle in words, or that there is none."""
        if not self.cycle:
            return "no cycle: every waiting thread waits for a thread that is not waiting for it"
        threads, locks = self.cycle[0::2], self.cycle[1::2]
        held = [locks[i - 1] for i in range(len(threads))]
        parts = [f"{t} holds {h} and waits for {w}" for t, h, w in zip(threads, held, locks, strict=True)]
        return "; ".join(parts)

    def __str__(self) -> str:
        if not self.cycle:
            return "no cycle"
        return " → ".join((*self.cycle, self.cycle[0]))


def _collect(locks: Sequence[InstrumentedLock]) -> tuple[tuple[int | None, tuple[int, ...]], ...]:
    return tuple((lock.owner, lock.waiting_idents()) for lock in locks)


def _find_cycle(waits_for: dict[int, int], held_by: dict[int, int]) -> list[int]:
    """A cycle in "thread waits for lock held by thread", as alternating idents and lock indexes."""
    for start in sorted(waits_for):
        path: list[int] = []
        seen: dict[int, int] = {}
        thread: int | None = start
        while thread is not None and thread not in seen:
            seen[thread] = len(path)
            lock = waits_for.get(thread)
            if lock is None:
                break
            path += [thread, lock]
            thread = held_by.get(lock)
        else:
            if thread is not None:
                return path[seen[thread] :]
    return []


def resource_allocation_graph(locks: Iterable[InstrumentedLock]) -> ResourceAllocationGraph:
    """Take a snapshot of who holds and who waits for each of ``locks``.

    The state is read twice and retried until both reads agree, so a snapshot
    is not torn by threads that move while it is taken.
    """
    locks = _check_locks(locks)
    state = _collect(locks)
    for _ in range(20):
        again = _collect(locks)
        if again == state:
            break
        state = again
    return _graph(locks, state, _names())


def _names() -> dict[int, str]:
    return {t.ident: t.name for t in threading.enumerate() if t.ident is not None}


def _graph(
    locks: Sequence[InstrumentedLock],
    state: tuple[tuple[int | None, tuple[int, ...]], ...],
    names: dict[int, str],
) -> ResourceAllocationGraph:
    def name(ident: int) -> str:
        return names.get(ident, f"thread-{ident}")

    held_by: dict[int, int] = {}
    waits_for: dict[int, int] = {}
    holds, waits = [], []
    for index, (lock, (owner, waiting)) in enumerate(zip(locks, state, strict=True)):
        if owner is not None:
            held_by[index] = owner
            holds.append((name(owner), lock.name))
        for ident in waiting:
            if ident == owner:  # just got it: no longer waiting
                continue
            waits_for[ident] = index
            waits.append((name(ident), lock.name))
    raw = _find_cycle(waits_for, held_by)
    cycle = tuple(name(v) if i % 2 == 0 else locks[v].name for i, v in enumerate(raw))
    if cycle:  # start from the first thread in name order, so equal cycles compare equal
        threads = list(cycle[0::2])
        first = threads.index(min(threads))
        cycle = cycle[2 * first :] + cycle[: 2 * first]
    return ResourceAllocationGraph(tuple(lock.name for lock in locks), tuple(holds), tuple(waits), cycle)


def _check_locks(locks: Iterable[InstrumentedLock]) -> list[InstrumentedLock]:
    if isinstance(locks, InstrumentedLock) or not isinstance(locks, Iterable):
        raise TypeError(f"locks must be a list of InstrumentedLock objects, got {locks!r}")
    checked = list(locks)
    for lock in checked:
        if not isinstance(lock, InstrumentedLock):
            raise TypeError(
                f"locks must hold synclab.InstrumentedLock objects (they know their owner and waiters), "
                f"got {lock!r} of type {type(lock).__name__}"
            )
    if not 1 <= len(checked) <= MAX_LOCKS:
        raise ValueError(f"locks must hold between 1 and {MAX_LOCKS} locks, got {len(checked)}")
    names = [lock.name for lock in checked]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise ValueError(f"locks must have distinct names, got {', '.join(map(repr, doubles))} more than once")
    return checked


# -- thread stacks ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StackFrame:
    """One frame of a thread's stack."""

    file: str
    line_number: int
    function: str
    code: str


@dataclass(frozen=True, slots=True)
class ThreadStack:
    """Where one thread was, outermost call first."""

    thread: str
    frames: tuple[StackFrame, ...]

    @property
    def waiting_at(self) -> str:
        """The code of the innermost frame: the line the thread is stuck on."""
        return self.frames[-1].code if self.frames else ""

    def __str__(self) -> str:
        lines = [f'Thread "{self.thread}" (most recent call last):']
        for frame in self.frames:
            lines.append(f"  File {frame.file}, line {frame.line_number}, in {frame.function}")
            if frame.code:
                lines.append(f"    {frame.code}")
        return "\n".join(lines)


def thread_stacks(threads: Iterable[str] | None = None) -> tuple[ThreadStack, ...]:
    """The current stack of each live thread (or of the named ones), like a debugger shows it.

    Reads :func:`sys._current_frames`, which CPython provides for exactly this:
    a dump of what every thread is doing right now.
    """
    if isinstance(threads, str):
        raise TypeError(f"threads must be a list of thread names, got the string {threads!r}")
    frames = sys._current_frames()
    live = {t.name: t.ident for t in threading.enumerate()}
    me = threading.get_ident()
    wanted = [n for n, i in live.items() if i != me] if threads is None else list(threads)
    stacks = []
    for name in wanted:
        ident = live.get(name)
        frame = frames.get(ident) if ident is not None else None
        if frame is None:
            continue
        summary = traceback.extract_stack(frame)
        kept = [
            StackFrame(os.path.basename(f.filename), f.lineno or 0, f.name, (f.line or "").strip())
            for f in summary
            if os.path.abspath(f.filename) not in _HIDDEN_FILES  # threading's and synclab's machinery
        ]
        stacks.append(ThreadStack(name, tuple(kept)))
    del frames
    return tuple(stacks)


# -- the watchdog ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeadlockReport:
    """What :func:`watch_for_deadlock` saw."""

    threads: tuple[str, ...]
    deadlocked: bool
    graph: ResourceAllocationGraph | None
    stacks: tuple[ThreadStack, ...]
    detected_after: float | None
    elapsed: float
    cancelled: tuple[str, ...]
    locks: tuple[LockStatistics, ...]

    @property
    def timeouts(self) -> int:
        """Acquires that gave up because their timeout ran out, over all locks."""
        return sum(stats.failed for stats in self.locks)


def _watched(
    workers: list[Callable[[], object]],
    names: list[str],
    locks: Sequence[InstrumentedLock],
    stop: threading.Event,
    cancel: threading.Event | None,
    confirm: float,
    timeout: float,
    what: str,
) -> tuple[float, Watchdog]:
    """Run ``workers`` in threads ``names`` next to a watchdog on ``locks``: (seconds, the watchdog)."""
    done = threading.Event()  # set when every worker has returned: the watchdog stops then
    watchdog = Watchdog(partial(resource_allocation_graph, locks), thread_stacks, done, stop, cancel, confirm)
    try:
        elapsed = run_workers(
            [*countdown(workers, done), watchdog], names=[*names, "watchdog"], timeout=timeout, stop=stop, what=what
        )
    finally:
        done.set()
    return elapsed, watchdog


def watch_for_deadlock(
    workers: Mapping[str, Callable[[], object]],
    locks: Sequence[InstrumentedLock],
    *,
    cancel: threading.Event | None = None,
    timeout: float = 10.0,
) -> DeadlockReport:
    """Run each worker in its own named thread while a watchdog looks for a deadlock.

    Every millisecond the watchdog takes a :func:`resource_allocation_graph` of ``locks``; when
    the same cycle is still there 50 ms later (:data:`DEFAULT_CONFIRM`), it records the graph and
    the stacks of the threads in it, sets ``cancel`` if given, and stops watching. The workers
    must end by themselves: give their waits a ``timeout``, or use cancellable locks on the same
    ``cancel`` (their waits then raise ``DeadlockError``, which ends that worker quietly).
    """
    if not isinstance(workers, Mapping):
        raise TypeError(f"workers must be a dict of thread name -> function, got {workers!r}")
    if not 1 <= len(workers) <= MAX_THREADS:
        raise ValueError(f"workers must hold between 1 and {MAX_THREADS} functions, got {len(workers)}")
    for name, work in workers.items():
        if not isinstance(name, str) or not name or name == "watchdog":
            raise ValueError(f"workers must be named by non-empty strings other than 'watchdog', got {name!r}")
        if not callable(work):
            raise TypeError(f"workers[{name!r}] must be a function, got {work!r} of type {type(work).__name__}")
    checked = _check_locks(locks)
    if cancel is not None and not isinstance(cancel, threading.Event):
        raise TypeError(f"cancel must be a threading.Event or None, got {cancel!r} of type {type(cancel).__name__}")
    timeout = check_timeout(timeout)

    names = list(workers)
    cancelled: list[str] = []

    def tolerate_cancel(name: str, work: Callable[[], object]) -> None:
        try:
            work()
        except DeadlockError:  # its cancellable lock gave up: the worker ends quietly
            cancelled.append(name)

    jobs = [partial(tolerate_cancel, n, workers[n]) for n in names]
    elapsed, watchdog = _watched(
        jobs, names, checked, threading.Event(), cancel, DEFAULT_CONFIRM, timeout, "watch_for_deadlock"
    )
    return DeadlockReport(
        threads=tuple(names),
        deadlocked=watchdog.graph is not None,
        graph=watchdog.graph,
        stacks=watchdog.stacks,
        detected_after=watchdog.detected_after,
        elapsed=elapsed,
        cancelled=tuple(sorted(cancelled)),
        locks=tuple(lock.statistics() for lock in checked),
    )


#: How a transfer takes its locks (see the module docstring).
STRATEGIES = ("naive", "ordered", "retry", "global")
#: What happens between taking the first lock and the second.
TRANSFER_WINDOWS = ("none", "sleep")

START_BALANCE = 1_000
MAX_AMOUNT = 100
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
    def throughput(self) -> float:
        """Completed transfers per second."""
        return self.completed / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def total_wait(self) -> float:
        """Seconds all threads spent waiting for locks, together."""
        return sum(stats.total_wait for stats in self.locks)


@dataclass(frozen=True, slots=True)
class TransferRuns:
    """Several runs of :func:`run_transfers` with the same settings."""

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
    """Repeated runs for several settings: each entry varies strategy, accounts or threads."""

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


def _move(src: BankAccount, dst: BankAccount, amount: int) -> None:
    """Move up to ``amount``; the caller holds the locks.

    Read, compute (a call: a point where another thread may run), write: without the locks,
    two transfers touching one account lose updates.
    """
    src_balance, dst_balance = src.balance, dst.balance
    taken = _capped(amount, src_balance)  # never overdraw
    src.balance = src_balance - taken
    dst.balance = dst_balance + taken


def _transfer_worker(
    accounts: list[BankAccount],
    bank_lock: InstrumentedLock | None,
    strategy: str,
    window: str,
    hold: float,
    transfers: int,
    rng: random.Random,
    stop: threading.Event,
    tally: list[int],
) -> None:
    """One thread's transfers. ``tally`` is [completed, abandoned, retries]. Plain code, one branch per strategy."""
    pause = time.sleep
    yields = window == "sleep"
    for _ in range(transfers):
        if stop.is_set():
            return
        a, b = rng.sample(range(len(accounts)), 2)
        src, dst = accounts[a], accounts[b]
        amount = rng.randint(1, MAX_AMOUNT)
        try:
            if strategy == "global":
                with bank_lock:  # type: ignore[union-attr]
                    if yields:
                        pause(YIELD_SECONDS)
                    _move(src, dst, amount)
                    if hold:
                        pause(hold)
            elif strategy == "retry":
                backoff = FIRST_BACKOFF
                while True:
                    with src.lock:
                        if yields:
                            pause(YIELD_SECONDS)
                        if dst.lock.acquire(timeout=RETRY_TIMEOUT):
                            try:
                                _move(src, dst, amount)
                                if hold:
                                    pause(hold)
                            finally:
                                dst.lock.release()
                            break
                    tally[2] += 1  # timed out: the first lock is released, back off
                    pause(rng.uniform(0, backoff))
                    backoff = min(2 * backoff, MAX_BACKOFF)
                    if stop.is_set():
                        tally[1] += 1
                        return
            else:
                first, second = (src, dst) if strategy == "naive" or a < b else (dst, src)
                with first.lock:
                    if yields:
                        pause(YIELD_SECONDS)
                    with second.lock:
                        _move(src, dst, amount)
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
    base = random.randrange(2**32) if seed is None else seed
    tallies = [[0, 0, 0] for _ in range(threads)]
    workers = [
        lambda i=i: _transfer_worker(
            bank, bank_lock, strategy, window, hold, transfers, random.Random(base * 1_000 + i), stop, tallies[i]
        )
        for i in range(threads)
    ]
    # The watchdog calls the run off on a deadlock, except with "retry", whose timeouts break cycles.
    cancel = None if strategy == "retry" else stop
    names = [f"T{i}" for i in range(1, threads + 1)]
    elapsed, watchdog = _watched(workers, names, locks, stop, cancel, TRANSFER_CONFIRM, timeout, "run_transfers")
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
        total_after=sum(account.balance for account in bank),
        elapsed=elapsed,
        locks=tuple(lock.statistics() for lock in locks),
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


def _as_counts(name: str, values: object, low: int, high: int) -> tuple[int, ...]:
    if isinstance(values, int) and not isinstance(values, bool):
        values = (values,)
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be an int or a sequence of ints like (2, 4, 8), got {values!r}")
    check_int(f"len({name})", len(values), 1, MAX_VALUES)
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
    """Repeat :func:`run_transfers` for each strategy and each account or thread count."""
    if isinstance(strategies, str) or not isinstance(strategies, Sequence):
        raise TypeError(f"strategies must be a sequence like ('naive', 'ordered'), got {strategies!r}")
    check_int("len(strategies)", len(strategies), 1, len(STRATEGIES))
    chosen = tuple(check_choice("strategies", s, STRATEGIES) for s in strategies)
    account_counts = _as_counts("accounts", accounts, 2, MAX_THREADS)
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
