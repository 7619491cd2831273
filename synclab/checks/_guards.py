"""Objects a check hands to the learner's code: they act like ``threading``'s, and never hang.

Each has its ``threading`` primitive's signatures, waits in slices of :data:`SLICE` (so it can be
called off, and the trial sees every blocked thread), and raises :class:`CheckCancelled` on every call
once its scope is cancelled. The instruments checks judge with are here too."""

from __future__ import annotations

import _thread
import contextlib
import operator
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from threading import get_ident
from typing import Any

from synclab.instruments import LockWrapper

#: Seconds a guarded wait blocks before it looks at its scope again.
SLICE = 0.002


class CheckCancelled(BaseException):
    """Raised in a thread running the learner's code when the check gives up on it (a
    :class:`BaseException`, so that ``except Exception`` in the code under test does not swallow it)."""


class SelfDeadlock(RuntimeError):
    """A thread asked, without a timeout, for a plain lock it already holds."""


class CancelScope:
    """What the guarded objects of one run share: a cancel flag, who is blocked, and progress."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.progress = 0
        self._blocked: dict[int, tuple[str, bool, Any]] = {}  # what, whether with a timeout, the C lock

    def cancel(self) -> None:
        self.cancelled.set()

    def check(self) -> None:
        if self.cancelled.is_set():
            raise CheckCancelled("the check stopped this thread")

    def moved(self) -> None:
        self.progress += 1

    def blocked(self) -> dict[int, tuple[str, bool]]:
        """``{thread ident: (what it waits for, whether with a timeout)}`` for every blocked thread now."""
        return {ident: (what, timed) for ident, (what, timed, raw) in dict(self._blocked).items() if raw.locked()}

    def acquire_raw(self, raw: Any, blocking: bool, timeout: float | None, what: str) -> bool:
        """Acquire the C lock ``raw`` as ``raw.acquire(blocking, timeout)`` would, but cancellably."""
        self.check()
        if raw.acquire(False):
            return True
        if not blocking or (timeout is not None and timeout <= 0):
            return False
        me = get_ident()
        deadline = None if timeout is None else time.monotonic() + timeout
        self._blocked[me] = (what, timeout is not None, raw)
        try:
            while True:
                self.check()
                wait = SLICE if deadline is None else min(SLICE, deadline - time.monotonic())
                if wait <= 0:
                    return False
                if raw.acquire(True, wait):
                    return True
        finally:
            self._blocked.pop(me, None)


#: A scope that is never cancelled, for guarded objects made outside a trial.
NEVER = CancelScope()


def _lock_arguments(blocking: bool, timeout: float) -> float | None:
    if (not blocking and timeout != -1) or (timeout < 0 and timeout != -1):
        _thread.allocate_lock().acquire(blocking, timeout)  # raises threading.Lock's own ValueError
    return None if timeout == -1 else timeout


class GuardedLock(LockWrapper):
    """A :class:`threading.Lock` that knows its owner, numbers its holds and cannot hang.

    A holder asking for it again without a timeout gets :class:`SelfDeadlock` (and ``reentered``).
    ``after_release``, if set, runs in the releasing thread right after each release."""

    __slots__ = ("_lock", "_scope", "_holder", "name", "owner", "holds", "failed", "reentered", "after_release")

    def __init__(self, scope: CancelScope | None = None, name: str = "the lock") -> None:
        self._lock = threading.Lock()
        self._scope = NEVER if scope is None else scope
        self.name = name
        self.owner: int | None = None
        # The holding thread itself: a thread that ends while holding the lock may see its ident reused.
        self._holder: threading.Thread | None = None
        self.holds = self.failed = 0
        self.reentered = False
        self.after_release: Callable[[], object] | None = None

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        limit = _lock_arguments(blocking, timeout)
        self._scope.check()
        me = get_ident()
        if blocking and limit is None and self.held_by_me():
            self.reentered = True
            raise SelfDeadlock(
                f"this thread asked for {self.name} while already holding it: "
                "with a threading.Lock it would wait for itself forever"
            )
        if not self._scope.acquire_raw(self._lock, blocking, limit, f"waiting for {self.name}"):
            self.failed += 1
            return False
        self.owner, self._holder = me, threading.current_thread()
        self.holds += 1
        self._scope.moved()
        return True

    def release(self) -> None:
        if self._scope.cancelled.is_set():
            if self.held_by_me():
                self.owner = self._holder = None
                self._lock.release()
            raise CheckCancelled("the check stopped this thread")
        if not self._lock.locked():
            raise RuntimeError("release unlocked lock")
        self.owner = self._holder = None
        self._lock.release()
        self._scope.moved()
        if self.after_release is not None:
            self.after_release()

    def locked(self) -> bool:
        self._scope.check()
        return self._lock.locked()

    def waiting(self) -> dict[int, bool]:
        """``{thread ident: whether with a timeout}`` for the threads blocked now in :meth:`acquire`."""
        blocked = dict(self._scope._blocked).items()
        return {ident: timed for ident, (_, timed, raw) in blocked if raw is self._lock and raw.locked()}

    # Condition(GuardedLock()) sees what Condition(Lock()) sees: only whether the lock is taken.
    def _is_owned(self) -> bool:
        return self._lock.locked()

    def held_by_me(self) -> bool:
        """Whether the calling thread holds the lock (for instruments, not for the learner)."""
        return self.owner == get_ident() and self._holder is threading.current_thread()

    def hold_token(self) -> int | None:
        """The number of the calling thread's current hold, or ``None`` if it does not hold the lock."""
        return self.holds if self.held_by_me() else None

    def __repr__(self) -> str:
        return f"<{'locked' if self._lock.locked() else 'unlocked'} lock {self.name!r}>"


class GuardedRLock(LockWrapper):
    """A :class:`threading.RLock` that cannot hang: its holder may take it again."""

    def __init__(self, scope: CancelScope | None = None, name: str = "the lock") -> None:
        self._lock = threading.Lock()
        self._scope = NEVER if scope is None else scope
        self.name = name
        self.owner: int | None = None
        self.depth = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        limit = _lock_arguments(blocking, timeout)
        self._scope.check()
        me = get_ident()
        if self.owner == me:
            self.depth += 1
            return True
        if not self._scope.acquire_raw(self._lock, blocking, limit, f"waiting for {self.name}"):
            return False
        self.owner, self.depth = me, 1
        self._scope.moved()
        return True

    locked = GuardedLock.locked

    def release(self) -> None:
        if self.owner != get_ident():
            self._scope.check()
            raise RuntimeError("cannot release un-acquired lock")
        self.depth -= 1
        if self.depth == 0:
            self.owner = None
            self._lock.release()
            self._scope.moved()
        self._scope.check()

    # The hooks threading.Condition uses with a re-entrant lock.
    def _is_owned(self) -> bool:
        return self.owner == get_ident()

    def _release_save(self) -> tuple[int, int | None]:
        state = (self.depth, self.owner)
        self.depth, self.owner = 0, None
        self._lock.release()
        self._scope.moved()
        return state

    def _acquire_restore(self, state: tuple[int, int | None]) -> None:
        self._scope.acquire_raw(self._lock, True, None, f"waiting for {self.name}")
        self.depth, self.owner = state

    def __repr__(self) -> str:
        return f"<{'locked' if self._lock.locked() else 'unlocked'} re-entrant lock {self.name!r}>"


class GuardedCondition(threading.Condition):
    """A :class:`threading.Condition` whose waits can be called off, and that records who waits and who is woken.

    After :meth:`hold_woken`, a thread coming back from ``wait()`` is held until :meth:`let_go` names it.
    As in the standard library, a timed-out waiter stays among the waiters until it has the lock back."""

    def __init__(self, scope: CancelScope | None = None, lock: Any = None, name: str = "the condition") -> None:
        self._scope = NEVER if scope is None else scope
        super().__init__(GuardedRLock(self._scope, name) if lock is None else lock)
        self.name = name
        self.entered: list[str] = []
        self.waiting: dict[str, bool] = {}
        self.notified: list[str] = []
        self.timed_out: list[str] = []
        self._names: dict[Any, str] = {}
        self._held = False
        self._let_through: set[str] = set()

    def wait(self, timeout: float | None = None) -> bool:
        self._scope.check()
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        name = threading.current_thread().name
        waiter = _thread.allocate_lock()
        waiter.acquire()
        self._waiters.append(waiter)
        self._names[waiter] = name
        self.entered.append(name)
        self.waiting[name] = timeout is not None
        saved_state = self._release_save()
        got_it = False
        try:
            limit = None if timeout is None else max(timeout, 0.0)
            got_it = self._scope.acquire_raw(waiter, True, limit, f"waiting on {self.name}")
            if not got_it:
                self.timed_out.append(name)
            return got_it
        finally:
            self.waiting.pop(name, None)
            try:
                while self._held and name not in self._let_through:
                    self._scope.check()
                    time.sleep(SLICE)
            finally:
                self._acquire_restore(saved_state)
                self._names.pop(waiter, None)
                if not got_it:
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(waiter)

    def hold_woken(self) -> None:
        """From now on, hold every thread coming back from ``wait()`` before it takes the lock back."""
        self._let_through = set()
        self._held = True

    def let_go(self, name: str) -> None:
        """Let the thread called ``name`` take the lock back (now, or when it comes back from ``wait()``)."""
        self._let_through.add(name)

    def let_woken_go(self) -> None:
        self._held = False

    def notify(self, n: int = 1) -> None:
        self._scope.check()
        before = list(self._waiters)
        super().notify(n)
        left = set(self._waiters)
        woken = [self._names.get(waiter, "?") for waiter in before if waiter not in left]
        for name in woken:  # woken now, even if the operating system has not run it yet
            self.waiting.pop(name, None)
        self.notified.extend(woken)
        self._scope.moved()


def _own_condition(obj: Any, scope: CancelScope | None, name: str) -> None:
    """Give ``obj`` its scope, its name and a :class:`GuardedCondition` on a lock of its own."""
    obj._scope = NEVER if scope is None else scope
    obj._cond = GuardedCondition(obj._scope, GuardedLock(obj._scope, name), name)
    obj.name = name


class GuardedEvent:
    """A :class:`threading.Event` whose waits can be called off."""

    def __init__(self, scope: CancelScope | None = None, name: str = "the event") -> None:
        _own_condition(self, scope, name)
        self._flag = False

    def is_set(self) -> bool:
        self._scope.check()
        return self._flag

    def set(self) -> None:
        with self._cond:
            self._flag = True
            self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self._flag = False

    def wait(self, timeout: float | None = None) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self._flag, timeout)

    def __repr__(self) -> str:
        return f"<{'set' if self._flag else 'unset'} event {self.name!r}>"


class GuardedSemaphore:
    """A :class:`threading.Semaphore` whose waits can be called off.

    ``log`` has ``("acquired" | "gave up" | "released" | "refused", thread name)`` for every call."""

    _bound = float("inf")

    def __init__(self, scope: CancelScope | None = None, value: int = 1, name: str = "the semaphore") -> None:
        _own_condition(self, scope, name)
        self._value = value
        self.log: list[tuple[str, str]] = []
        self.after_release: Callable[[], object] | None = None

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        with self._cond:
            got = self._cond.wait_for(lambda: self._value > 0, timeout) if blocking else self._value > 0
            if got:
                self._value -= 1
        self.log.append(("acquired" if got else "gave up", threading.current_thread().name))
        return got

    __enter__ = acquire

    def release(self, n: int = 1) -> None:
        if n < 1:
            raise ValueError("n must be one or more")
        with self._cond:
            if self._value + n > self._bound:
                self.log.append(("refused", threading.current_thread().name))
                raise ValueError("Semaphore released too many times")
            self._value += n
            self._cond.notify(n)
        self.log.append(("released", threading.current_thread().name))
        if self.after_release is not None:
            self.after_release()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<semaphore {self.name!r} value={self._value}>"


class GuardedBoundedSemaphore(GuardedSemaphore):
    """A :class:`threading.BoundedSemaphore` whose waits can be called off."""

    def __init__(self, scope: CancelScope | None = None, value: int = 1, name: str = "the semaphore") -> None:
        super().__init__(scope, value, name)
        self._bound = value


class GuardedBarrier(threading.Barrier):
    """A :class:`threading.Barrier` whose waits can be called off."""

    def __init__(self, scope: CancelScope | None = None, parties: int = 2, name: str = "the barrier") -> None:
        super().__init__(parties)
        _own_condition(self, scope, name)

    def wait(self, timeout: float | None = None) -> int:
        self._scope.check()
        return super().wait(timeout)


class Rendezvous:
    """Proves that ``parties`` threads were running at the same moment.

    ``arrive()`` returns True in every thread once all are there, False after ``timeout``: threads
    that run one after another can never all be there, so no timing luck can pass it."""

    def __init__(self, scope: CancelScope | None, parties: int, timeout: float) -> None:
        _own_condition(self, scope, "the other tasks")
        self.parties = parties
        self.timeout = timeout
        self.inside = self.most = 0
        self.met = self.broken = False

    def arrive(self) -> bool:
        with self._cond:
            self.inside += 1
            self.most = max(self.most, self.inside)
            try:
                if self.broken:
                    return False
                if self.inside >= self.parties:
                    self.met = True
                    self._cond.notify_all()
                    return True
                if self._cond.wait_for(lambda: self.met or self.broken, self.timeout):
                    return self.met
                self.broken = True
                self._cond.notify_all()
                return False
            finally:
                self.inside -= 1


# -- the learner's own primitives, swapped for guarded ones -----------------------------

_LOCK_TYPE = type(threading.Lock())
_RLOCK_TYPES = tuple({type(threading.RLock()), threading._PyRLock})  # type: ignore[attr-defined]


def _is_free(lock: Any) -> bool:
    if isinstance(lock, _RLOCK_TYPES) and lock._is_owned():
        return False
    if not lock.acquire(False):
        return False
    lock.release()
    return True


def adopt(scope: CancelScope, obj: Any) -> dict[str, Any]:
    """Swap the ``threading`` primitives among ``obj``'s attributes for guarded ones in the same state.

    Only primitives nobody holds or waits for are swapped; returns ``{attribute: guarded object}``."""
    attributes = attributes_of(obj)
    swapped: dict[str, Any] = {}
    locks: dict[int, Any] = {}
    for name, value in list(attributes.items()):
        label = f"self.{name}"
        new: Any = None
        if isinstance(value, _LOCK_TYPE) and _is_free(value):
            new = GuardedLock(scope, label)
        elif isinstance(value, _RLOCK_TYPES) and _is_free(value):
            new = GuardedRLock(scope, label)
        elif isinstance(value, threading.Semaphore) and not value._cond._waiters:
            if isinstance(value, threading.BoundedSemaphore):
                new = GuardedBoundedSemaphore(scope, value._initial_value, label)
            else:
                new = GuardedSemaphore(scope, 0, label)
            new._value = value._value
        elif isinstance(value, threading.Event) and not value._cond._waiters:
            new = GuardedEvent(scope, label)
            new._flag = value.is_set()
        if new is not None:
            locks[id(value)] = new
            attributes[name] = swapped[name] = new
    for name, value in list(attributes.items()):
        if type(value) is threading.Condition and not value._waiters and _is_free(value._lock):
            lock = locks.get(id(value._lock))
            if lock is None:
                kind = GuardedRLock if isinstance(value._lock, _RLOCK_TYPES) else GuardedLock
                lock = kind(scope, f"self.{name}")
            attributes[name] = swapped[name] = GuardedCondition(scope, lock, f"self.{name}")
    own = getattr(obj, "__dict__", {})
    for name, value in swapped.items():
        if name in own:
            own[name] = value  # straight into the dict, past any __setattr__ of the learner's
        else:
            object.__setattr__(obj, name, value)  # a slot
    return swapped


def attributes_of(obj: Any) -> dict[str, Any]:
    """A copy of ``obj``'s instance attributes: its ``__dict__``, if it has one, and its ``__slots__`` that are set."""
    found = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for name in [slots] if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and name not in found and hasattr(obj, name):
                found[name] = getattr(obj, name)
    return found


# -- fields that watch how they are used ---------------------------------------------


@dataclass
class FieldLog:
    """Everything that happened to one :class:`Watched` field."""

    writes: int = 0
    unlocked_writes: int = 0  # without every required lock
    split_writes: int = 0  # locked, but not in the same hold as the writer's last read
    off_steps: int = 0  # not the writer's last read + ``step``


class Observed:
    """Base class of objects whose :class:`Watched` fields log every read and write."""

    def __init__(self, *locks: Any, **values: Any) -> None:
        self._required = locks
        self._values = dict(values)
        self._logs = {name: FieldLog() for name in values}
        self._last_read: dict[tuple[str, int], tuple[Any, tuple[int | None, ...]]] = {}
        self._meta = threading.Lock()

    def log(self, name: str) -> FieldLog:
        """The :class:`FieldLog` of field ``name``."""
        return self._logs.setdefault(name, FieldLog())

    def peek(self, name: str) -> Any:
        """The value of field ``name``, read without logging it (for the check, not the learner)."""
        return self._values.get(name)

    def last_read(self, name: str) -> tuple[Any, tuple[int | None, ...]] | None:
        """What the calling thread last read from field ``name``: ``(value, hold)``, the hold's number for each
        required lock (``None`` for a lock it did not hold)."""
        with self._meta:
            return self._last_read.get((name, get_ident()))

    def forget_reads(self) -> None:
        """Forget the calling thread's last reads (before a new call of the learner's code)."""
        me = get_ident()
        with self._meta:
            for key in [key for key in self._last_read if key[1] == me]:
                del self._last_read[key]

    def external_write(self, name: str, value: Any) -> None:
        """Write field ``name`` as another thread of the program would, without logging it as the learner's."""
        with self._meta:
            self._values[name] = value

    def _tokens(self) -> tuple[int | None, ...]:
        return tuple(lock.hold_token() for lock in self._required)


class Watched:
    """A field of an :class:`Observed` object that logs every read and write.

    With ``step``, a write must be the writer's last read + ``step``."""

    def __init__(self, *, step: Any = None) -> None:
        self.step = step
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Observed | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        tokens = obj._tokens()
        with obj._meta:
            if self.name not in obj._values:
                raise AttributeError(f"{type(obj).__name__!r} object has no attribute {self.name!r}")
            value = obj._values[self.name]
            obj._last_read[(self.name, get_ident())] = (value, tokens)
        return value

    def __set__(self, obj: Observed, value: Any) -> None:
        tokens = obj._tokens()
        with obj._meta:
            log = Observed.log(obj, self.name)
            log.writes += 1
            last = obj._last_read.pop((self.name, get_ident()), None)
            if None in tokens:
                log.unlocked_writes += 1
            elif last is None or last[1] != tokens:
                log.split_writes += 1
            if self.step is not None and (last is None or not _is_step(last[0], value, self.step)):
                log.off_steps += 1
            obj._values[self.name] = value


def _is_step(before: Any, after: Any, step: Any) -> bool:
    try:
        return bool(after == before + step)
    except Exception:  # the learner wrote something that does not add up
        return False


class _ObservedBase(Observed):
    """The :class:`Observed` base of :func:`observed_subclass`: its state is made in ``__new__``, and a
    learner's ``super().__init__()`` lands here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass


def observed_subclass(cls: type, *locks: Any, **fields: Watched) -> type:
    """A subclass of the learner's class ``cls`` whose attributes ``fields`` are :class:`Watched`."""

    def __new__(klass: type, *args: Any, **kwargs: Any) -> Any:
        obj = object.__new__(klass) if cls.__new__ is object.__new__ else cls.__new__(klass, *args, **kwargs)
        Observed.__init__(obj, *locks)
        return obj

    namespace: dict[str, Any] = {"__new__": __new__, "__module__": cls.__module__, "__qualname__": cls.__qualname__}
    namespace.update(fields)
    return type(cls.__name__, (cls, _ObservedBase), namespace)


class RecordedCounter(list):
    """A counter whose ``value`` records every write and adds no switch point.

    ``value`` reads and writes go through C functions only (the list's last item, ``list.append``),
    so ``counter.value += 1`` is interrupted exactly as often as on a plain attribute."""

    __slots__ = ()

    value = property(operator.itemgetter(-1), list.append, doc="The counter's value.")

    def __init__(self, start: int = 0) -> None:
        super().__init__((start,))

    @property
    def writes(self) -> int:
        """How many times ``value`` was written."""
        return len(self) - 1

    def lost_updates(self) -> int:
        """Writes that did not raise the counter above every value written before them."""
        lost, top = 0, self[0]
        for written in self[1:]:
            try:
                if written <= top:
                    lost += 1
                else:
                    top = written
            except TypeError:  # not a number: count it as lost
                lost += 1
        return lost

    def all_steps_of_one(self) -> bool:
        """Whether every written value is one more than a value the counter held before it."""
        seen = {self[0]}
        for written in self[1:]:
            if isinstance(written, bool) or not isinstance(written, int) or written - 1 not in seen:
                return False
            seen.add(written)
        return True

    def __repr__(self) -> str:
        return f"Counter(value={self[-1]!r})"
