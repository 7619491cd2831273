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
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from synclab._locks import LockWrapper
from synclab._threads import run_workers
from synclab._validate import check_bool, check_float
from synclab.instruments import InstrumentedLock, LockStatistics

__all__ = [
    "DeadlockError",
    "DeadlockReport",
    "StackFrame",
    "ThreadStack",
    "ResourceAllocationGraph",
    "cancellable_lock",
    "thread_stacks",
    "resource_allocation_graph",
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
