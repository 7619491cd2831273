"""Find deadlocks while they happen: the resource-allocation graph, stack dumps and a watchdog.

A deadlock is a cycle of waiting: thread T1 holds lock A and waits for lock B,
which T2 holds while it waits for lock A. Each :class:`~synclab.InstrumentedLock`
knows who holds it (``owner``) and who is blocked on it (``waiting_idents()``),
so a snapshot of a few locks gives the *resource-allocation graph*: threads and
locks are its nodes, an edge from a thread to a lock means "waits for", from a
lock to a thread "is held by". Leaving the locks out gives the *wait-for graph*,
whose nodes are threads only (T1 waits for T2 when T1 waits for a lock T2
holds); both have a cycle exactly when threads wait for each other. Every
thread waits for at most one lock and every lock has at most one holder, so
following "waits for the lock held by" from each thread either ends or comes
back to where it started: the cycle. A dozen lines find it; no graph library is
needed.

:func:`watch_for_deadlock` runs worker functions in named threads next to a
*watchdog* thread that takes that snapshot every millisecond. When the same
cycle is still there 50 ms later (``confirm``), it records the graph and the
stacks of the threads in it (from :func:`sys._current_frames`).

A thread blocked in ``acquire()`` cannot be interrupted by anything but a
release of that lock or the end of its own ``timeout``. So the threads are
freed in one of two ways:

* their code waits with ``acquire(timeout=...)`` and gives up by itself;
* their locks come from :func:`cancellable_lock`: they wait in short slices
  and, once the watchdog sets their ``cancel`` event, raise
  :class:`DeadlockError` in the waiting thread, the way a database aborts one
  transaction of a deadlock. Plain ``threading`` locks cannot do this.

Bank transfers between accounts: the deadlock lab of notebook 07, and the locking strategies of 08.

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

from synclab._locks import LockWrapper
from synclab._threads import run_workers
from synclab._validate import check_bool, check_choice, check_float, check_int
from synclab.experiments.counter import YIELD_SECONDS
from synclab.instruments import InstrumentedLock, LockStatistics

__all__ = [
    "STRATEGIES",
    "TRANSFER_WINDOWS",
    "DeadlockError",
    "DeadlockReport",
    "ResourceAllocationGraph",
    "StackFrame",
    "ThreadStack",
    "TransferRun",
    "TransferRuns",
    "TransferSweep",
    "cancellable_lock",
    "repeat_transfers",
    "resource_allocation_graph",
    "run_transfers",
    "sweep_transfers",
    "thread_stacks",
    "watch_for_deadlock",
]


#: How often the watchdog takes a snapshot, in seconds.
DEFAULT_POLL = 0.001
#: How long a cycle must stay unchanged before :func:`watch_for_deadlock` reports
#: it, in seconds: far longer than the short timeouts of a back-off-and-retry
#: loop, whose cycles last a millisecond or two and then break by themselves.
DEFAULT_CONFIRM = 0.05
#: How long a cancellable lock waits before it looks at its cancel event again.
CANCEL_SLICE = 0.002
MAX_WORKERS = 64
MAX_LOCKS = 256

# Frames from these files are machinery, not the code being debugged.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_HIDDEN_FILES = frozenset(
    {
        os.path.abspath(threading.__file__),
        os.path.join(_PACKAGE_DIR, "_threads.py"),
        os.path.join(_PACKAGE_DIR, "instruments.py"),
        os.path.abspath(__file__),
    }
)


class DeadlockError(RuntimeError):
    """Raised in a thread whose wait for a cancellable lock was called off."""


# -- locks a watchdog can call off ---------------------------------------------


class _CancellableLock(LockWrapper):
    """A :class:`threading.Lock` whose blocking waits end when ``cancel`` is set.

    It waits in slices of :data:`CANCEL_SLICE` seconds and checks ``cancel``
    between them; wrapped in an :class:`InstrumentedLock` the thread counts as
    waiting for the whole wait, slices and all.
    """

    __slots__ = ("_lock", "_cancel", "_name")

    def __init__(self, cancel: threading.Event, name: str) -> None:
        self._lock = threading.Lock()
        self._cancel = cancel
        self._name = name

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not blocking or (timeout != -1 and timeout <= 0):
            return self._lock.acquire(blocking, timeout)  # the Lock's own rules and errors
        if self._lock.acquire(False):
            return True
        deadline = None if timeout == -1 else time.monotonic() + timeout
        while True:
            if self._cancel.is_set():
                raise DeadlockError(f"the wait for {self._name} was called off: a deadlock was detected")
            wait = CANCEL_SLICE if deadline is None else min(CANCEL_SLICE, deadline - time.monotonic())
            if wait <= 0:
                return False
            if self._lock.acquire(True, wait):
                return True

    def release(self) -> None:
        self._lock.release()


def cancellable_lock(cancel: threading.Event, name: str = "lock") -> InstrumentedLock:
    """An instrumented lock whose waits raise :class:`DeadlockError` once ``cancel`` is set.

    Use it like :class:`threading.Lock`. A thread already waiting for it, or
    starting to wait, after ``cancel`` is set gets :class:`DeadlockError` from
    ``acquire()`` (or from ``with``) within a few milliseconds; taking a free
    lock still succeeds.

    Args:
        cancel: The event that calls the waits off (give the same one to all
            the locks of a run and to :func:`watch_for_deadlock`).
        name: A label for graphs and messages.

    Returns:
        An :class:`~synclab.InstrumentedLock` around the cancellable lock.

    Raises:
        TypeError: ``cancel`` is not a :class:`threading.Event` or ``name`` not a string.
    """
    if not isinstance(cancel, threading.Event):
        raise TypeError(f"cancel must be a threading.Event, got {cancel!r} of type {type(cancel).__name__}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {name!r} of type {type(name).__name__}")
    return InstrumentedLock(_CancellableLock(cancel, name), name=name, max_events=0)


# -- the resource-allocation graph -------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResourceAllocationGraph:
    """Who holds which lock and who waits for which, at one moment.

    Threads and locks are its nodes: the *resource-allocation graph*.
    :attr:`wait_for` gives the *wait-for graph* derived from it, with threads
    only.

    Attributes:
        locks: The names of the locks looked at, in the order given.
        holds: ``(thread, lock)`` pairs: the thread holds the lock.
        waits: ``(thread, lock)`` pairs: the thread is blocked waiting for the lock.
        cycle: A cycle of waiting, threads and locks alternating, like
            ``("T1", "lock B", "T2", "lock A")``: T1 waits for lock B, which T2
            holds; T2 waits for lock A, which T1 holds. Empty if there is none.
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

    Args:
        locks: Instrumented locks with distinct names.

    Returns:
        A :class:`ResourceAllocationGraph`; its ``cycle`` is empty unless some threads
        wait for each other.

    Raises:
        TypeError: Something in ``locks`` is not an :class:`~synclab.InstrumentedLock`.
        ValueError: Two locks share a name.
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
    """One frame of a thread's stack.

    Attributes:
        file: The file's name (without its folder).
        line_number: The line being run.
        function: The function's name.
        code: The text of that line, stripped.
    """

    file: str
    line_number: int
    function: str
    code: str


@dataclass(frozen=True, slots=True)
class ThreadStack:
    """Where one thread was, outermost call first.

    Attributes:
        thread: The thread's name.
        frames: Its frames, outermost first, without threading's and synclab's
            own machinery.
    """

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


def thread_stacks(threads: Iterable[str] | None = None, *, hide_machinery: bool = True) -> tuple[ThreadStack, ...]:
    """The current stack of each live thread (or of the named ones), like a debugger shows it.

    Reads :func:`sys._current_frames`, which CPython provides for exactly this:
    a dump of what every thread is doing right now.

    Args:
        threads: Names of the threads to include; every thread but the calling
            one if omitted.
        hide_machinery: Leave out frames of :mod:`threading` and of synclab's
            thread runner and locks, so the learner's code stands out.

    Returns:
        One :class:`ThreadStack` per thread found, in the order asked for.

    Raises:
        TypeError: ``threads`` is a single string instead of a list of names, or
            ``hide_machinery`` is not a bool.
    """
    if isinstance(threads, str):
        raise TypeError(f"threads must be a list of thread names, got the string {threads!r}")
    check_bool("hide_machinery", hide_machinery)
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
            if not (hide_machinery and os.path.abspath(f.filename) in _HIDDEN_FILES)
        ]
        stacks.append(ThreadStack(name, tuple(kept)))
    del frames
    return tuple(stacks)


# -- the watchdog ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeadlockReport:
    """What :func:`watch_for_deadlock` saw.

    Attributes:
        threads: The worker threads' names.
        deadlocked: Whether the watchdog found a cycle that stayed.
        graph: The resource-allocation graph when it found it (``None`` if it never did).
        stacks: The stacks of the threads in the cycle at that moment.
        detected_after: Seconds from the start until the cycle was confirmed.
        elapsed: Seconds from the start until the last worker returned.
        cancelled: Threads whose wait was called off with :class:`DeadlockError`.
        locks: Each lock's statistics after the run (``failed`` counts
            acquires that timed out).
    """

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


class Watchdog:
    """Polls the resource-allocation graph until the workers are done or a cycle stays put."""

    def __init__(
        self,
        locks: Sequence[InstrumentedLock],
        done: threading.Event,
        stop: threading.Event,
        cancel: threading.Event | None,
        poll: float,
        confirm: float,
    ) -> None:
        self.locks = locks
        self.done = done
        self.stop = stop
        self.cancel = cancel
        self.poll = poll
        self.confirm = confirm
        self.graph: ResourceAllocationGraph | None = None
        self.stacks: tuple[ThreadStack, ...] = ()
        self.detected_after: float | None = None

    def __call__(self) -> None:
        started = time.perf_counter()
        first: tuple[tuple[str, ...], float] | None = None
        while not (self.done.is_set() or self.stop.is_set()):
            graph = resource_allocation_graph(self.locks)
            now = time.perf_counter()
            if not graph.cycle:
                first = None
            elif first is None or first[0] != graph.cycle:
                first = (graph.cycle, now)
            elif now - first[1] >= self.confirm:
                # Stacks first, while the threads are still stuck, then free them.
                self.stacks = thread_stacks(graph.cycle_threads)
                self.graph = graph
                self.detected_after = now - started
                if self.cancel is not None:
                    self.cancel.set()
                return
            self.done.wait(self.poll)


def countdown(workers: Sequence[Callable[[], object]], done: threading.Event) -> list[Callable[[], None]]:
    """Wrap workers so that ``done`` is set when the last one returns."""
    remaining = [len(workers)]
    guard = threading.Lock()

    def wrap(work: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            finally:
                with guard:
                    remaining[0] -= 1
                    if remaining[0] == 0:
                        done.set()

        return run

    return [wrap(work) for work in workers]


def watch_for_deadlock(
    workers: Mapping[str, Callable[[], object]],
    locks: Sequence[InstrumentedLock],
    *,
    cancel: threading.Event | None = None,
    poll: float = DEFAULT_POLL,
    confirm: float = DEFAULT_CONFIRM,
    timeout: float = 10.0,
) -> DeadlockReport:
    """Run each worker in its own named thread while a watchdog looks for a deadlock.

    The workers start together (behind a barrier) and are always joined. A
    watchdog thread takes a :func:`resource_allocation_graph` snapshot of ``locks`` every
    ``poll`` seconds; when the same cycle is still there ``confirm`` seconds
    later, it records the graph and the stacks of the threads in the cycle,
    sets ``cancel`` if given, and stops watching.

    The workers must be able to end by themselves: give their waits a
    ``timeout``, or make their locks with :func:`cancellable_lock` and pass
    the same ``cancel`` event (their waits then raise :class:`DeadlockError`,
    which ends that worker quietly).

    Args:
        workers: Thread name -> function taking no arguments (1 to 64 of them).
        locks: The :class:`~synclab.InstrumentedLock` objects the workers use.
        cancel: Set when a deadlock is confirmed; ``None`` to only watch.
        poll: Seconds between snapshots (0.0001 to 0.1).
        confirm: Seconds a cycle must stay unchanged to count (0 to 1; 0.05 by
            default, well above the short timeouts of a retry loop).
        timeout: Seconds the whole run may take (0.1 to 600).

    Returns:
        A :class:`DeadlockReport`.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range, or two locks share a name.
        TimeoutError: The workers did not finish within ``timeout``.
    """
    if not isinstance(workers, Mapping):
        raise TypeError(f"workers must be a dict of thread name -> function, got {workers!r}")
    if not 1 <= len(workers) <= MAX_WORKERS:
        raise ValueError(f"workers must hold between 1 and {MAX_WORKERS} functions, got {len(workers)}")
    for name, work in workers.items():
        if not isinstance(name, str) or not name or name == "watchdog":
            raise ValueError(f"workers must be named by non-empty strings other than 'watchdog', got {name!r}")
        if not callable(work):
            raise TypeError(f"workers[{name!r}] must be a function, got {work!r} of type {type(work).__name__}")
    checked = _check_locks(locks)
    if cancel is not None and not isinstance(cancel, threading.Event):
        raise TypeError(f"cancel must be a threading.Event or None, got {cancel!r} of type {type(cancel).__name__}")
    poll = check_float("poll", poll, 1e-4, 0.1)
    confirm = check_float("confirm", confirm, 0.0, 1.0)
    timeout = check_float("timeout", timeout, 0.1, 600.0)

    names = list(workers)
    cancelled: list[str] = []

    def tolerate_cancel(name: str, work: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except DeadlockError:
                cancelled.append(name)

        return run

    done, stop = threading.Event(), threading.Event()
    watchdog = Watchdog(checked, done, stop, cancel, poll, confirm)
    wrapped = countdown([tolerate_cancel(n, workers[n]) for n in names], done)
    try:
        elapsed = run_workers(
            [*wrapped, watchdog], names=[*names, "watchdog"], timeout=timeout, stop=stop, what="watch_for_deadlock"
        )
    finally:
        done.set()
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
    budget: float | None = None,
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
        budget: Seconds all the runs may take together (the lab's), checked after each run; ``None``: no limit.

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
    started = time.perf_counter()
    results = []
    for k in range(runs):
        run_args = list(args)
        if seed is not None:
            run_args[6] = seed + k
        results.append(_run_transfers(*run_args))  # type: ignore[arg-type]
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
