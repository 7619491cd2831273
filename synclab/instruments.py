"""Locks that measure themselves: :class:`InstrumentedLock` behaves like :class:`threading.Lock`
and records, for every acquisition, which thread took it, how long it waited and how long it held it.

Totals and per-thread figures are exact; individual events are kept for the latest ``max_events``.
The bookkeeping is done while the lock is held, so the lock protects its own figures. The
uncontended ``with`` does the least it can (a failed non-blocking try means contention, measured on a
slower path); per-thread figures cost nothing there: the lock notes when its holder changes.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from dataclasses import astuple, dataclass, replace
from itertools import pairwise
from threading import TIMEOUT_MAX, get_ident
from types import TracebackType
from typing import Any

from synclab._validate import check_int

#: Default number of individual acquisitions kept for timelines and histograms.
DEFAULT_MAX_EVENTS = 10_000


@dataclass(frozen=True, slots=True)
class LockEvent:
    """One acquisition of a lock, in seconds since the lock was created (or, from :func:`~synclab.run_pool`,
    one use of its pool, since the run began)."""

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
    """Exact figures for one thread's use of one lock."""

    thread: str
    acquisitions: int
    contended: int
    failed: int
    total_wait: float
    max_wait: float
    total_hold: float


@dataclass(frozen=True, slots=True)
class LockStatistics:
    """A snapshot of what an :class:`InstrumentedLock` has measured (times in seconds).

    ``contended``: acquisitions that had to wait; ``failed``: attempts that gave up;
    ``events``: the latest acquisitions kept, ``events_dropped`` the earlier ones.
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
        """Times (over the kept ``events``) a thread took the lock again right after releasing it while
        another thread that had asked before that release waited. A fair lock would give 0."""
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


@dataclass(slots=True)
class _ThreadTally:
    """One thread's figures: waits as they happen, acquisitions and holds as its runs end."""

    name: str
    acquisitions: int = 0
    contended: int = 0
    failed: int = 0
    total_wait: float = 0.0
    max_wait: float = 0.0
    total_hold: float = 0.0

    def freeze(self, acquisitions: int = 0, total_hold: float = 0.0) -> ThreadLockStatistics:
        """The figures, plus ``acquisitions`` and ``total_hold`` of a run not yet ended."""
        figures = ThreadLockStatistics(*astuple(self))  # the same fields, frozen
        return replace(figures, acquisitions=self.acquisitions + acquisitions, total_hold=self.total_hold + total_hold)


def thread_name(ident: int) -> str:
    """Name of the live thread ``ident``; not :func:`threading.current_thread`, which would register a dummy
    ``Thread`` for a thread started with ``_thread.start_new_thread``."""
    for thread in threading.enumerate():
        if thread.ident == ident:
            return thread.name
    return f"thread-{ident}"


class LockWrapper:
    """Base of the package's locks around a :class:`threading.Lock` in ``_lock``; ``with`` goes through
    ``acquire()`` and ``release()``."""

    __slots__ = ()

    _lock: threading.Lock

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


#: Owner changes and contended waits remembered beyond ``max_events`` before old ones are dropped.
_SLACK = 256


class InstrumentedLock(LockWrapper):
    """A drop-in :class:`threading.Lock` that records contention and hold times.

    Example::

        lock = InstrumentedLock(name="counter")
        with lock:
            counter += 1
        lock.statistics().acquisitions  # 1

    ``lock``: the lock to wrap (a new Lock by default; with an RLock, re-entries by the owner
    count as one hold); ``clock``: returns seconds (inject a fake in tests); ``max_events``:
    acquisitions kept individually, 0 to 1,000,000. It passes CPython's own lock tests
    (``Lib/test/lock_tests.py``: ``LockTests``, ``RLockTests`` wrapping an ``RLock``, ``ConditionTests``).
    """

    __slots__ = (
        "__weakref__",
        "name",
        "_lock",
        "_acquire",
        "_release",
        "_clock",
        "_origin",
        "_max_events",
        "_meta",
        "_owner",
        "_acquired",
        "_depth",
        "_count",
        "_total_hold",
        "_max_hold",
        "_record",
        "_events",
        "_run_starts",
        "_run_owners",
        "_run_total",
        "_requested",
        "_contended",
        "_failed",
        "_total_wait",
        "_max_wait",
        "_names",
        "_tallies",
        "_waiting",
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A subclass that changes acquire() or release() gets a `with` that goes through them:
        # InstrumentedLock's __enter__ and __exit__ do the work themselves, to save a call.
        super().__init_subclass__(**kwargs)
        if "release" in cls.__dict__ and "__exit__" not in cls.__dict__:
            cls.__exit__ = LockWrapper.__exit__  # type: ignore[method-assign]
        if "acquire" in cls.__dict__ and "__enter__" not in cls.__dict__:
            cls.__enter__ = LockWrapper.__enter__  # type: ignore[method-assign]

    def __init__(
        self,
        lock: Any = None,
        *,
        name: str = "lock",
        clock: Callable[[], float] = time.perf_counter,
        max_events: int = DEFAULT_MAX_EVENTS,
    ) -> None:
        lock = threading.Lock() if lock is None else lock
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
        self._clock = clock
        self._max_events = check_int("max_events", max_events, 0, 1_000_000)
        # An RLock (C or Python) has _is_owned; a plain Lock does not.
        if hasattr(lock, "_is_owned") and not isinstance(self, _Reentrant):
            self.__class__ = _reentrant_kind(type(self))
        self._meta = threading.Lock()  # guards waits, failed attempts, owner changes and snapshots
        self._owner: int | None = None  # the latest holder, kept after it releases
        self._acquired: float | None = None  # when the current hold began; None while the lock is free
        self._depth = 0  # re-entries of a wrapped RLock beyond the first acquisition
        self._count = 0  # completed acquisitions, numbered from 0
        self._events: deque[tuple[float, float]] = deque(maxlen=self._max_events)  # (acquired, released)
        self._record = self._events.append
        self._total_hold = 0.0
        self._max_hold = 0.0
        # Runs of acquisitions by one thread: run i starts at acquisition number
        # _run_starts[i]; _run_total is the total hold when the current run began.
        self._run_starts: list[int] = []
        self._run_owners: list[int] = []
        self._run_total = 0.0
        self._requested: dict[int, float] = {}  # when contended acquisition number n asked for the lock
        self._contended = 0
        self._failed = 0
        self._total_wait = 0.0
        self._max_wait = 0.0
        self._names: dict[int, str] = {}  # every thread that used the lock, in order of first use
        self._tallies: dict[int, _ThreadTally] = {}
        self._waiting: dict[int, float] = {}
        self._origin = clock()

    # The fast path is written out in full in acquire(), __enter__ and __exit__:
    # one more method call would cost a tenth of a `with`.

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire the lock, exactly as :meth:`threading.Lock.acquire` does."""
        if timeout != -1 and not _valid(blocking, timeout):
            return self._acquire_slow(blocking, timeout, contended=False)
        if self._acquire(False):
            me = get_ident()
            if me != self._owner:
                self._new_owner(me)
            self._acquired = self._clock()
            return True
        return self._acquire_slow(blocking, timeout)

    def __enter__(self) -> bool:
        if self._acquire(False):
            me = get_ident()
            if me != self._owner:
                self._new_owner(me)
            self._acquired = self._clock()
            return True
        return self._acquire_slow(True, -1)

    def release(self) -> None:
        """Release the lock, exactly as :meth:`threading.Lock.release` does."""
        # The class's own __exit__, not self.__exit__: a subclass's __exit__ may call release().
        InstrumentedLock.__exit__(self, None, None, None)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        released = self._clock()
        acquired = self._acquired
        if acquired is None:
            self._release()  # raises the wrapped lock's own RuntimeError
            return
        self._acquired = None
        held = released - acquired
        self._total_hold += held
        if held > self._max_hold:
            self._max_hold = held
        self._count += 1
        self._record((acquired, released))
        self._release()

    def locked(self) -> bool:
        """Return whether the lock is held by some thread."""
        return self._acquired is not None

    def _acquire_slow(self, blocking: bool, timeout: float, *, contended: bool = True) -> bool:
        """The lock is taken: wait for it (or not), and record the wait. Not ``contended``: arguments the
        wrapped lock is left to refuse."""
        me = get_ident()
        requested = self._clock()
        if not contended:
            acquired = self._acquire(blocking, timeout)
        elif blocking:
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
        if not acquired:
            self._record_failure(me, now - requested)
            return False
        self._took(me, requested, now, contended=contended)
        return True

    def _took(self, me: int, requested: float, now: float, *, contended: bool) -> None:
        """Record an acquisition made outside the fast path (called holding the lock)."""
        if me != self._owner:
            self._new_owner(me)
        if contended:
            with self._meta:
                self._contended += 1
                self._tally_wait(me, now - requested).contended += 1
                requested_at = self._requested
                number = self._count  # this hold's number: it is the next to be released
                requested_at[number] = requested
                if len(requested_at) > self._max_events + _SLACK:
                    oldest = number - self._max_events
                    for number in [n for n in requested_at if n < oldest]:
                        del requested_at[number]
        self._acquired = now

    def _record_failure(self, me: int, waited: float) -> None:
        with self._meta:
            self._failed += 1
            if me not in self._names:
                self._names[me] = thread_name(me)
            self._tally_wait(me, waited).failed += 1

    def _tally_wait(self, me: int, waited: float) -> _ThreadTally:
        """Add a wait (ended by an acquisition or a failure) to the totals and to ``me``'s; called holding ``_meta``."""
        self._total_wait += waited
        self._max_wait = max(self._max_wait, waited)
        tally = self._tally(me)
        tally.total_wait += waited
        tally.max_wait = max(tally.max_wait, waited)
        return tally

    def _new_owner(self, me: int) -> None:
        """Another thread than the last holder has taken the lock: end the last one's run, begin one for ``me``."""
        count, total = self._count, self._total_hold
        with self._meta:
            previous = self._owner
            if previous is not None:
                tally = self._tally(previous)
                tally.acquisitions += count - self._run_starts[-1]
                tally.total_hold += total - self._run_total
            if me not in self._names:
                self._names[me] = thread_name(me)
            starts, owners = self._run_starts, self._run_owners
            if len(starts) > self._max_events + _SLACK:  # forget runs whose acquisitions left the events
                keep = max(0, bisect_right(starts, count - self._max_events) - 1)
                del starts[:keep], owners[:keep]
            starts.append(count)
            owners.append(me)
            self._run_total = total
            self._owner = me

    def _tally(self, ident: int) -> _ThreadTally:
        tally = self._tallies.get(ident)
        if tally is None:
            tally = self._tallies[ident] = _ThreadTally(self._names.get(ident) or thread_name(ident))
        return tally

    # threading.Condition calls these three when its lock has them; its fallback, probing with
    # acquire(False), recorded a failed attempt at every wait() and broke wait() on a wrapped RLock.

    def _is_owned(self) -> bool:
        """Whether the calling thread holds the lock (asked by ``Condition``)."""
        return self._acquired is not None and self._owner == get_ident()

    def _release_save(self) -> int:
        """Release the lock for ``Condition.wait``: the hold ends; taking it back is a new acquisition."""
        self.release()
        return 1

    def _acquire_restore(self, depth: int) -> None:
        """Take the lock back after ``Condition.wait``."""
        self.acquire()

    def _recursion_count(self) -> int:
        """How many times the calling thread holds the lock (0 if it does not), like ``RLock``'s."""
        return self._depth + 1 if self._is_owned() else 0

    def _at_fork_reinit(self) -> None:
        """Reset to unlocked in a child after ``fork()``, as ``threading`` does; the figures are kept."""
        self._lock._at_fork_reinit()
        self._meta._at_fork_reinit()
        self._acquired = None
        self._depth = 0
        self._waiting.clear()

    def __repr__(self) -> str:
        state = "locked" if self.locked() else "unlocked"
        return f"<{state} synclab.InstrumentedLock object {self.name!r}, {self._count:,} acquisitions at {id(self):#x}>"

    @property
    def owner(self) -> int | None:
        """Thread ident of the current holder, or ``None``."""
        return self._owner if self._acquired is not None else None

    def waiting_idents(self) -> tuple[int, ...]:
        """Thread idents of the threads blocked on this lock right now."""
        with self._meta:
            return tuple(self._waiting)

    def statistics(self) -> LockStatistics:
        """Return a frozen snapshot of everything measured so far."""
        with self._meta:
            count, total_hold, max_hold = self._count, self._total_hold, self._max_hold
            events = list(self._events)
            starts, owners = list(self._run_starts), list(self._run_owners)
            requested = dict(self._requested)
            names = dict(self._names)
            tallies = {ident: tally.freeze() for ident, tally in self._tallies.items()}
            contended, failed = self._contended, self._failed
            total_wait, max_wait = self._total_wait, self._max_wait
            waiting_ids = tuple(self._waiting)
            held, owner = self._acquired is not None, self._owner
            if owners:  # the current run has not ended: count it in
                current = owners[-1]
                tallies[current] = self._tally(current).freeze(count - starts[-1], total_hold - self._run_total)

        def name(ident: int) -> str:
            return names.get(ident) or thread_name(ident)

        threads = tuple(
            figures
            for ident in names
            if (figures := tallies.get(ident)) is not None
            and (figures.acquisitions or figures.contended or figures.failed)
        )
        origin = self._origin
        first = count - len(events)
        kept = []
        for number, (acquired, released) in enumerate(events, start=first):
            run = bisect_right(starts, number) - 1
            who = name(owners[run]) if run >= 0 else "?"
            kept.append(LockEvent(who, requested.get(number, acquired) - origin, acquired - origin, released - origin))
        return LockStatistics(
            name=self.name,
            acquisitions=count,
            contended=contended,
            failed=failed,
            total_wait=total_wait,
            max_wait=max_wait,
            total_hold=total_hold,
            max_hold=max_hold,
            threads=threads,
            events=tuple(kept),
            events_dropped=count - len(kept),
            locked=held,
            owner=name(owner) if held and owner is not None else None,
            waiting=tuple(name(i) for i in waiting_ids),
        )


class _Reentrant(InstrumentedLock):
    """The methods of an :class:`InstrumentedLock` that wraps an ``RLock``: re-entry by the holder is
    counted in ``_depth``, not as a new hold."""

    __slots__ = ()

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if self._acquired is not None and self._owner == get_ident():  # the holder again
            if not self._acquire(blocking, timeout):  # the RLock counts it (and checks the arguments)
                return False
            self._depth += 1
            return True
        return InstrumentedLock.acquire(self, blocking, timeout)

    def __enter__(self) -> bool:
        if self._acquired is not None and self._owner == get_ident():
            self._acquire()
            self._depth += 1
            return True
        return InstrumentedLock.__enter__(self)

    def release(self) -> None:
        _Reentrant.__exit__(self, None, None, None)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._acquired is None or self._owner != get_ident():  # inline _is_owned(): this is every `with`
            self._release()  # raises the wrapped RLock's own RuntimeError
        elif self._depth:  # leaving a re-entry
            self._depth -= 1
            self._release()
        else:
            InstrumentedLock.__exit__(self, exc_type, exc, tb)

    def _release_save(self) -> int:
        if not self._is_owned():
            self._release()  # raises the wrapped RLock's own RuntimeError
            return 0
        depth = self._depth
        for _ in range(depth):  # the inner levels
            self._release()
        self._depth = 0
        self.release()
        return depth + 1

    def _acquire_restore(self, depth: int) -> None:
        self.acquire()
        for _ in range(depth - 1):
            self._acquire()
        self._depth = depth - 1


_REENTRANT_KINDS: dict[type, type] = {InstrumentedLock: _Reentrant}


def _reentrant_kind(cls: type) -> type:
    """The class for ``cls`` wrapping an ``RLock``: ``cls``'s own methods first, then :class:`_Reentrant`'s."""
    kind = _REENTRANT_KINDS.get(cls)
    if kind is None:
        kind = _REENTRANT_KINDS[cls] = type(
            cls.__name__,
            (cls, _Reentrant),
            {"__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__},
        )
    return kind


def _valid(blocking: object, timeout: object) -> bool:
    """Whether ``acquire(blocking, timeout)`` is a call ``threading.Lock`` accepts (``timeout`` is not -1)."""
    try:
        return bool(blocking) and 0 <= timeout <= TIMEOUT_MAX  # type: ignore[operator]
    except TypeError:
        return False
