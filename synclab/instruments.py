"""Locks that measure themselves.

:class:`InstrumentedLock` behaves like :class:`threading.Lock` (same
``acquire(blocking=True, timeout=-1)``, ``release()``, ``locked()`` and ``with``
support) and records, for every acquisition, which thread took it, how long the
thread waited for it (contention) and how long it kept it (hold time).

Memory stays bounded however long a lock lives: totals, maxima and per-thread
figures are exact for every acquisition, while individual events (used for
timelines and histograms) are kept only for the latest ``max_events``.

The bookkeeping is done while the lock is held, so the lock protects its own
figures; the clock is read before the bookkeeping, so it is not counted as hold
time. Figures read while other threads are still using the lock are a snapshot
that may lag by one acquisition; read them after joining the threads.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from threading import get_ident
from types import TracebackType
from typing import Any

from synclab._validate import check_int

__all__ = ["InstrumentedLock", "LockEvent", "LockStatistics", "ThreadLockStatistics"]

#: Default number of individual acquisitions kept for timelines and histograms.
DEFAULT_MAX_EVENTS = 10_000


@dataclass(frozen=True, slots=True)
class LockEvent:
    """One acquisition of a lock. Times are seconds since the lock was created.

    :func:`~synclab.run_pool` records each use of its pool (a semaphore permit)
    as one too, with times since the run began.

    Attributes:
        thread: Name of the thread that acquired the lock.
        requested: When the thread asked for the lock.
        acquired: When it got the lock.
        released: When the lock was released.
    """

    thread: str
    requested: float
    acquired: float
    released: float

    @property
    def wait(self) -> float:
        """Seconds spent waiting for the lock (0 when it was free)."""
        return self.acquired - self.requested

    @property
    def hold(self) -> float:
        """Seconds the lock was held."""
        return self.released - self.acquired


@dataclass(frozen=True, slots=True)
class ThreadLockStatistics:
    """Exact figures for one thread's use of one lock.

    Attributes:
        thread: The thread's name.
        acquisitions: Completed acquisitions (acquired and released).
        contended: Acquisitions that had to wait because the lock was taken.
        failed: Attempts that gave up (non-blocking or timed out).
        total_wait: Seconds spent waiting, over all attempts.
        max_wait: Longest single wait, in seconds.
        total_hold: Seconds the thread held the lock, over all acquisitions.
    """

    thread: str
    acquisitions: int
    contended: int
    failed: int
    total_wait: float
    max_wait: float
    total_hold: float


@dataclass(frozen=True, slots=True)
class LockStatistics:
    """A snapshot of what an :class:`InstrumentedLock` has measured.

    Attributes:
        name: The lock's name.
        acquisitions: Completed acquisitions (acquired and released), exact.
        contended: Acquisitions that had to wait, exact.
        failed: Attempts that gave up (non-blocking or timed out), exact.
        total_wait: Seconds spent waiting by all threads, exact.
        max_wait: Longest single wait, in seconds.
        total_hold: Seconds the lock was held, exact.
        max_hold: Longest single hold, in seconds.
        threads: Per-thread figures, in order of first use.
        events: The latest ``max_events`` acquisitions, in order of release.
        events_dropped: Earlier acquisitions not kept in ``events`` (the cap).
        locked: Whether the lock was held when the snapshot was taken.
        owner: Name of the thread holding it then, if any.
        waiting: Names of the threads blocked on it then.
    """

    name: str
    acquisitions: int
    contended: int
    failed: int
    total_wait: float
    max_wait: float
    total_hold: float
    max_hold: float
    threads: tuple[ThreadLockStatistics, ...]
    events: tuple[LockEvent, ...]
    events_dropped: int
    locked: bool
    owner: str | None
    waiting: tuple[str, ...]

    @property
    def mean_wait(self) -> float:
        """Mean seconds waited per completed acquisition (0 when none)."""
        return self.total_wait / self.acquisitions if self.acquisitions else 0.0

    @property
    def mean_hold(self) -> float:
        """Mean seconds held per completed acquisition (0 when none)."""
        return self.total_hold / self.acquisitions if self.acquisitions else 0.0

    @property
    def contention_rate(self) -> float:
        """Share of completed acquisitions that had to wait, 0 to 1."""
        return self.contended / self.acquisitions if self.acquisitions else 0.0

    @property
    def retakes(self) -> int:
        """Times a thread took the lock again right after releasing it while another thread waited.

        Counted over the kept ``events``: an acquisition by the same thread as the one
        before it, when some other thread had asked for the lock before that release and
        got it only later. A fair lock, serving waiters in order, would give 0.
        """
        ordered = sorted(self.events, key=lambda e: e.acquired)
        earliest: dict[str, float] = {}  # per thread: earliest request among later acquisitions
        count = 0
        for after, before in pairwise(reversed(ordered)):
            earliest[after.thread] = min(after.requested, earliest.get(after.thread, after.requested))
            if after.thread == before.thread and any(
                thread != before.thread and requested < before.released for thread, requested in earliest.items()
            ):
                count += 1
        return count


class _ThreadTally:
    """Mutable per-thread counters, updated while the lock is held."""

    __slots__ = ("ident", "name", "acquisitions", "contended", "failed", "total_wait", "max_wait", "total_hold")

    def __init__(self, ident: int | None, name: str) -> None:
        self.ident = ident
        self.name = name
        self.acquisitions = 0
        self.contended = 0
        self.failed = 0
        self.total_wait = 0.0
        self.max_wait = 0.0
        self.total_hold = 0.0

    def freeze(self) -> ThreadLockStatistics:
        return ThreadLockStatistics(
            self.name,
            self.acquisitions,
            self.contended,
            self.failed,
            self.total_wait,
            self.max_wait,
            self.total_hold,
        )


def _thread_name(ident: int) -> str:
    """Name of the live thread with ``ident`` (or a placeholder if it has ended)."""
    current = threading.current_thread()
    if current.ident == ident:
        return current.name
    for thread in threading.enumerate():
        if thread.ident == ident:
            return thread.name
    return f"thread-{ident}"


class InstrumentedLock:
    """A drop-in :class:`threading.Lock` that records contention and hold times.

    Example::

        lock = InstrumentedLock(name="counter")
        with lock:
            counter += 1
        lock.statistics().acquisitions  # 1

    Args:
        lock: The lock to wrap; a new :class:`threading.Lock` by default. An
            :class:`threading.RLock` works too: re-entry by its owner is counted
            as one hold from the outermost acquire to the outermost release.
        name: A label for plots and reports.
        clock: A function returning seconds as a float; inject a fake one in
            tests to get exact durations. :func:`time.perf_counter` by default.
        max_events: How many of the latest acquisitions to keep individually
            (0 to 1,000,000).

    Raises:
        TypeError: ``lock`` has no ``acquire``/``release``, ``clock`` is not
            callable, or ``max_events`` is not an int.
        ValueError: ``max_events`` is out of range.
    """

    __slots__ = (
        "name",
        "_lock",
        "_acquire",
        "_release",
        "_reentrant",
        "_clock",
        "_origin",
        "_max_events",
        "_meta",
        "_owner",
        "_depth",
        "_requested",
        "_acquired",
        "_acquisitions",
        "_contended",
        "_failed",
        "_total_wait",
        "_max_wait",
        "_total_hold",
        "_max_hold",
        "_tallies",
        "_last_tally",
        "_events",
        "_record",
        "_waiting",
    )

    def __init__(
        self,
        lock: Any = None,
        *,
        name: str = "lock",
        clock: Callable[[], float] = time.perf_counter,
        max_events: int = DEFAULT_MAX_EVENTS,
    ) -> None:
        if lock is None:
            lock = threading.Lock()
        if not (callable(getattr(lock, "acquire", None)) and callable(getattr(lock, "release", None))):
            raise TypeError(f"lock must have acquire() and release(), like threading.Lock, got {lock!r}")
        if not callable(clock):
            raise TypeError(f"clock must be a function returning seconds, got {clock!r}")
        if not isinstance(name, str):
            raise TypeError(f"name must be a string, got {name!r} of type {type(name).__name__}")
        self.name = name
        self._lock = lock
        self._acquire = lock.acquire
        self._release = lock.release
        # RLock (C or Python) has _is_owned; a plain Lock does not.
        self._reentrant = hasattr(lock, "_is_owned")
        self._clock = clock
        self._max_events = check_int("max_events", max_events, 0, 1_000_000)
        self._meta = threading.Lock()  # guards _waiting and failed attempts only
        self._owner: int | None = None
        self._depth = 0
        self._requested = 0.0
        self._acquired = 0.0
        self._acquisitions = 0
        self._contended = 0
        self._failed = 0
        self._total_wait = 0.0
        self._max_wait = 0.0
        self._total_hold = 0.0
        self._max_hold = 0.0
        self._tallies: dict[int, _ThreadTally] = {}
        self._last_tally = _ThreadTally(None, "")  # cache of the latest holder's tally
        # The most recent events; a full deque drops the oldest as it appends.
        self._events: deque[tuple[int, float, float, float]] = deque(maxlen=self._max_events)
        self._record = self._events.append
        self._waiting: dict[int, float] = {}
        self._origin = clock()

    # -- the threading.Lock interface ------------------------------------

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire the lock, exactly as :meth:`threading.Lock.acquire` does.

        Args:
            blocking: Wait for the lock if it is taken (``False``: return at once).
            timeout: Seconds to wait at most; ``-1`` waits as long as it takes.

        Returns:
            ``True`` if the lock was acquired, ``False`` if not.

        Raises:
            ValueError: A timeout was given with ``blocking=False``, or the
                timeout is negative and not ``-1``.
        """
        if timeout != -1 and (not blocking or timeout < 0):
            return self._acquire(blocking, timeout)  # raises the wrapped lock's own ValueError
        if self._acquire(False):
            if self._depth:  # re-entry into an RLock we already hold
                self._depth += 1
                return True
            self._owner = get_ident()
            self._depth = 1
            self._requested = self._acquired = self._clock()
            return True
        return self._acquire_slow(blocking, timeout)

    def __enter__(self) -> bool:
        if self._acquire(False):
            if self._depth:
                self._depth += 1
                return True
            self._owner = get_ident()
            self._depth = 1
            self._requested = self._acquired = self._clock()
            return True
        return self._acquire_slow(True, -1)

    def _acquire_slow(self, blocking: bool, timeout: float) -> bool:
        """The lock is taken: wait for it (or not), and record the wait."""
        me = get_ident()
        requested = self._clock()
        if blocking:
            with self._meta:
                self._waiting[me] = requested
            try:
                acquired = self._acquire(True, timeout)
            finally:
                with self._meta:
                    del self._waiting[me]
        else:
            acquired = False
        now = self._clock()
        waited = now - requested
        if not acquired:
            with self._meta:
                self._failed += 1
                self._total_wait += waited
                if waited > self._max_wait:
                    self._max_wait = waited
                tally = self._tally(me)
                tally.failed += 1
                tally.total_wait += waited
                if waited > tally.max_wait:
                    tally.max_wait = waited
            return False
        # We hold the lock now, so the figures below are ours to update.
        if self._depth:  # an RLock we already held (reached only if it was contended)
            self._depth += 1
            return True
        self._contended += 1
        self._total_wait += waited
        if waited > self._max_wait:
            self._max_wait = waited
        tally = self._tally(me)
        tally.contended += 1
        tally.total_wait += waited
        if waited > tally.max_wait:
            tally.max_wait = waited
        self._owner = me
        self._depth = 1
        self._requested = requested
        self._acquired = now
        return True

    def release(self) -> None:
        """Release the lock, exactly as :meth:`threading.Lock.release` does.

        Raises:
            RuntimeError: The lock is not held (or, for a wrapped ``RLock``, it
                is held by another thread).
        """
        released = self._clock()
        depth = self._depth
        if depth != 1:
            self._release_other(depth)
            return
        owner = self._owner
        if self._reentrant and owner != get_ident():
            self._release()  # raises the wrapped RLock's own RuntimeError
            return
        held = released - self._acquired
        self._acquisitions += 1
        self._total_hold += held
        if held > self._max_hold:
            self._max_hold = held
        tally = self._last_tally
        if tally.ident != owner:
            tally = self._last_tally = self._tally(owner)  # type: ignore[arg-type]
        tally.acquisitions += 1
        tally.total_hold += held
        self._record((owner, self._requested, self._acquired, released))
        self._owner = None
        self._depth = 0
        self._release()

    def _release_other(self, depth: int) -> None:
        """Release when not at depth 1: unlocked (raise) or inside an RLock re-entry."""
        if depth == 0 or (self._reentrant and self._owner != get_ident()):
            self._release()  # raises the wrapped lock's own RuntimeError
            return
        self._depth = depth - 1
        self._release()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def locked(self) -> bool:
        """Return whether the lock is held by some thread."""
        return self._depth > 0

    # -- threading.Condition support ----------------------------------------
    # threading.Condition calls these three when its lock has them. Without
    # them it falls back to probing with acquire(False), which recorded a failed
    # attempt at every wait() and notify(), and made wait() on a wrapped RLock
    # raise "cannot wait on un-acquired lock" (the probe re-entered it).

    def _is_owned(self) -> bool:
        """Whether the calling thread holds the lock (asked by ``Condition``)."""
        return self._depth > 0 and self._owner == get_ident()

    def _release_save(self) -> int:
        """Release the lock completely for ``Condition.wait``; return the depth held.

        The hold ends here and is recorded; taking the lock back afterwards is a
        new acquisition, with its own wait.
        """
        depth = self._depth
        for _ in range(depth - 1):  # inner levels of a wrapped RLock
            self._release()
        self._depth = 1
        self.release()
        return depth

    def _acquire_restore(self, depth: int) -> None:
        """Take the lock back after ``Condition.wait``, at the depth it was held."""
        self.acquire()
        for _ in range(depth - 1):
            self._acquire()
        self._depth = depth

    def _tally(self, ident: int) -> _ThreadTally:
        tally = self._tallies.get(ident)
        if tally is None:
            tally = self._tallies[ident] = _ThreadTally(ident, _thread_name(ident))
        return tally

    def __repr__(self) -> str:
        state = "locked" if self.locked() else "unlocked"
        return f"<InstrumentedLock {self.name!r} {state}, {self._acquisitions:,} acquisitions>"

    # -- what it measured --------------------------------------------------

    @property
    def owner(self) -> int | None:
        """Thread ident of the current holder, or ``None``."""
        return self._owner

    def waiting_idents(self) -> tuple[int, ...]:
        """Thread idents of the threads blocked on this lock right now."""
        with self._meta:
            return tuple(self._waiting)

    def statistics(self) -> LockStatistics:
        """Return a frozen snapshot of everything measured so far."""
        with self._meta:
            waiting_ids = tuple(self._waiting)
            tallies = list(self._tallies.items())
        names = {ident: tally.name for ident, tally in tallies}
        origin = self._origin
        events = tuple(
            LockEvent(names.get(ident) or _thread_name(ident), req - origin, acq - origin, rel - origin)
            for ident, req, acq, rel in list(self._events)
        )
        owner = self._owner
        return LockStatistics(
            name=self.name,
            acquisitions=self._acquisitions,
            contended=self._contended,
            failed=self._failed,
            total_wait=self._total_wait,
            max_wait=self._max_wait,
            total_hold=self._total_hold,
            max_hold=self._max_hold,
            threads=tuple(tally.freeze() for _, tally in tallies),
            events=events,
            events_dropped=self._acquisitions - len(events),
            locked=self._depth > 0,
            owner=None if owner is None else (names.get(owner) or _thread_name(owner)),
            waiting=tuple(names.get(i) or _thread_name(i) for i in waiting_ids),
        )
