"""Finding a deadlock while it happens (notebook 07): the resource-allocation graph, stack dumps, the watchdog.

Each :class:`~synclab.InstrumentedLock` knows its holder and its waiters, so a snapshot of a few
locks gives the *resource-allocation graph* (threads and locks) and the *wait-for graph* (threads
only). Every thread waits for at most one lock and every lock has at most one holder, so following
"waits for the lock held by" from each thread either ends or comes back: the cycle, a deadlock.
"""

from __future__ import annotations

import math
import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from synclab._threads import current_frames, run_workers
from synclab._validate import MAX_THREADS, check_timeout
from synclab.instruments import InstrumentedLock, LockStatistics, LockWrapper, thread_name

#: How long a cycle must stay unchanged before :func:`watch_for_deadlock` reports it, in seconds:
#: far longer than the short timeouts of a back-off-and-retry loop, whose cycles last a
#: millisecond or two and then break by themselves.
DEFAULT_CONFIRM = 0.05
#: How long a cancellable lock waits before it looks at its cancel event again, and how often
#: the watchdog takes a snapshot, in seconds.
CANCEL_SLICE = 0.002
WATCH_POLL = 0.001

# Frames from threading, the instruments and this plumbing package are machinery, not the code being debugged.
_THREADS_DIR = os.path.dirname(os.path.abspath(__file__))
_HIDDEN = {os.path.abspath(threading.__file__), os.path.join(os.path.dirname(_THREADS_DIR), "instruments.py")}
_HIDDEN |= {os.path.join(_THREADS_DIR, name) for name in os.listdir(_THREADS_DIR)}


class DeadlockError(RuntimeError):
    """Raised in a thread whose wait for a cancellable lock was called off."""


class _CancellableLock(LockWrapper):
    """A :class:`threading.Lock` whose blocking waits end when ``cancel`` is set: it waits in
    slices of :data:`CANCEL_SLICE` and checks ``cancel`` between them."""

    __slots__ = ("_lock", "_cancel", "_name")

    def __init__(self, cancel: threading.Event, name: str) -> None:
        self._lock, self._cancel, self._name = threading.Lock(), cancel, name

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not blocking or (timeout != -1 and timeout <= 0):
            return self._lock.acquire(blocking, timeout)  # the Lock's own rules and errors
        end = math.inf if timeout == -1 else time.monotonic() + timeout
        wait = 0.0  # first a try without waiting: a free lock is taken even once cancel is set
        while not self._lock.acquire(True, wait):
            if self._cancel.is_set():
                raise DeadlockError(f"the wait for {self._name} was called off: a deadlock was detected")
            wait = min(CANCEL_SLICE, end - time.monotonic())
            if wait <= 0:
                return False
        return True


def cancellable_lock(cancel: threading.Event, name: str = "lock") -> InstrumentedLock:
    """An instrumented lock whose waits raise :class:`DeadlockError` within milliseconds once ``cancel`` is set."""
    if not isinstance(cancel, threading.Event):
        raise TypeError(f"cancel must be a threading.Event, got {cancel!r} of type {type(cancel).__name__}")
    return InstrumentedLock(_CancellableLock(cancel, name), name=name, max_events=0)


@dataclass(frozen=True, slots=True)
class ResourceAllocationGraph:
    """Who holds which lock and who waits for which, at one moment: threads and locks are its nodes."""

    locks: tuple[str, ...]
    holds: tuple[tuple[str, str], ...]
    waits: tuple[tuple[str, str], ...]
    cycle: tuple[str, ...]

    @property
    def deadlocked(self) -> bool:
        """Whether the threads in :attr:`cycle` wait for each other (for ever, without timeouts)."""
        return bool(self.cycle)

    @property
    def cycle_threads(self) -> tuple[str, ...]:
        return self.cycle[0::2]

    @property
    def wait_for(self) -> tuple[tuple[str, str, str], ...]:
        """The wait-for graph: ``("T1", "T2", "lock B")`` reads "T1 waits for T2, which holds lock B".
        A thread waiting for a lock nobody holds (it is about to get it) has no edge."""
        holder = {lock: thread for thread, lock in self.holds}
        return tuple((thread, holder[lock], lock) for thread, lock in self.waits if lock in holder)

    def describe(self) -> str:
        """The cycle in words, or that there is none."""
        if not self.cycle:
            return "no cycle: every waiting thread waits for a thread that is not waiting for it"
        threads, locks = self.cycle[0::2], self.cycle[1::2]  # each thread holds the lock before the one it waits for
        held = locks[-1:] + locks[:-1]
        return "; ".join(f"{t} holds {h} and waits for {w}" for t, h, w in zip(threads, held, locks, strict=True))

    def __str__(self) -> str:
        return " → ".join((*self.cycle, self.cycle[0])) if self.cycle else "no cycle"


def resource_allocation_graph(locks: Iterable[InstrumentedLock]) -> ResourceAllocationGraph:
    """Take a snapshot of who holds and who waits for each of ``locks``."""
    locks = _check_locks(locks)
    state = None
    for _ in range(21):  # read until two reads agree, so that threads moving meanwhile do not tear it
        again = tuple((lock.owner, lock.waiting_idents()) for lock in locks)
        if again == state:
            break
        state = again
    held_by: dict[int, int] = {}  # lock index -> the ident of its holder
    waits_for: dict[int, int] = {}  # thread ident -> the index of the lock it waits for
    holds, waits = [], []
    for index, (lock, (owner, waiting)) in enumerate(zip(locks, state, strict=True)):
        if owner is not None:
            held_by[index] = owner
            holds.append((thread_name(owner), lock.name))
        for ident in waiting:
            if ident != owner:  # the owner has just got it: no longer waiting
                waits_for[ident] = index
                waits.append((thread_name(ident), lock.name))
    cycle: tuple[str, ...] = ()
    for start in sorted(waits_for):  # follow "waits for the lock held by" until it ends or comes back
        path, thread = [], start
        while thread in waits_for and thread not in path:
            path.append(thread)
            thread = held_by.get(waits_for[thread])
        if thread in path:
            cycle = tuple(v for t in path[path.index(thread) :] for v in (thread_name(t), locks[waits_for[t]].name))
            first = 2 * cycle[0::2].index(min(cycle[0::2]))  # start from the first thread in name order
            cycle = cycle[first:] + cycle[:first]
            break
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
    if not 1 <= len(checked) <= 256:
        raise ValueError(f"locks must hold between 1 and 256 locks, got {len(checked)}")
    names = [lock.name for lock in checked]
    if doubles := sorted({n for n in names if names.count(n) > 1}):
        raise ValueError(f"locks must have distinct names, got {', '.join(map(repr, doubles))} more than once")
    return checked


@dataclass(frozen=True, slots=True)
class ThreadStack:
    """Where one thread was, outermost call first."""

    thread: str
    frames: tuple[traceback.FrameSummary, ...]

    @property
    def waiting_at(self) -> str:
        """The code of the innermost frame: the line the thread is stuck on."""
        return (self.frames[-1].line or "") if self.frames else ""

    def __str__(self) -> str:
        lines = [f'Thread "{self.thread}" (most recent call last):']
        for frame in self.frames:
            lines.append(f"  File {os.path.basename(frame.filename)}, line {frame.lineno or 0}, in {frame.name}")
            if frame.line:
                lines.append(f"    {frame.line}")
        return "\n".join(lines)


def thread_stacks(threads: Iterable[str] | None = None) -> tuple[ThreadStack, ...]:
    """The current stack of each live thread (or of the named ones) as a debugger shows it: sys._current_frames()."""
    if isinstance(threads, str):
        raise TypeError(f"threads must be a list of thread names, got the string {threads!r}")
    frames = current_frames()
    live = {t.name: t.ident for t in threading.enumerate()}
    me = threading.get_ident()
    wanted = [n for n, i in live.items() if i != me] if threads is None else list(threads)
    stacks = []
    for name in wanted:
        if live.get(name) in frames:
            kept = [
                f for f in traceback.extract_stack(frames[live[name]]) if os.path.abspath(f.filename) not in _HIDDEN
            ]
            stacks.append(ThreadStack(name, tuple(kept)))
    del frames
    return tuple(stacks)


@dataclass(frozen=True, slots=True)
class DeadlockReport:
    """What a watchdog saw: a cycle that stayed (the graph, the stacks of its threads, when), the workers called off."""

    deadlocked: bool
    graph: ResourceAllocationGraph | None
    stacks: tuple[ThreadStack, ...]
    detected_after: float | None
    elapsed: float
    cancelled: tuple[str, ...]
    locks: tuple[LockStatistics, ...]


def watch(
    workers: Mapping[str, Callable[[], object]],
    locks: Sequence[InstrumentedLock],
    stop: threading.Event,
    cancel: threading.Event | None,
    confirm: float,
    timeout: float,
    what: str,
) -> DeadlockReport:
    """:func:`watch_for_deadlock` without its checks: a cycle must stay ``confirm`` s, and ``stop``
    (the harness's) may also be the ``cancel`` event of the workers' locks."""
    done = threading.Event()  # set when every worker has returned: the watchdog stops then
    returned: list[str] = []
    cancelled: list[str] = []
    graph, stacks, detected_after = None, (), None

    def run(name: str, work: Callable[[], object]) -> None:
        try:
            work()
        except DeadlockError:
            cancelled.append(name)
        finally:
            returned.append(name)  # list.append is atomic: the last worker to return sees them all
            if len(returned) == len(workers):
                done.set()

    def watchdog() -> None:
        nonlocal graph, stacks, detected_after
        started = time.perf_counter()
        first: tuple[tuple[str, ...], float] | None = None  # the cycle seen, and since when
        while not (done.is_set() or stop.is_set()):
            seen = resource_allocation_graph(locks)
            now = time.perf_counter()
            if not seen.cycle:
                first = None
            elif first is None or first[0] != seen.cycle:
                first = (seen.cycle, now)
            elif now - first[1] >= confirm:
                stacks = thread_stacks(seen.cycle_threads)  # first, while they are still stuck
                graph, detected_after = seen, now - started
                if cancel is not None:
                    cancel.set()
                return
            done.wait(WATCH_POLL)

    jobs = [partial(run, name, work) for name, work in workers.items()]
    elapsed = run_workers([*jobs, watchdog], names=[*workers, "watchdog"], timeout=timeout, stop=stop, what=what)
    stats = tuple(lock.statistics() for lock in locks)
    return DeadlockReport(graph is not None, graph, stacks, detected_after, elapsed, tuple(sorted(cancelled)), stats)


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
    return watch(workers, checked, threading.Event(), cancel, DEFAULT_CONFIRM, timeout, "watch_for_deadlock")
