"""Plumbing the lesson modules share and a learner need not read.

The worker harness (:func:`run_workers`: named threads, a barrier start, a deadline, every
thread joined), forced schedules for condition variables (:class:`ScriptedLock`,
:class:`Schedule`), and a way to raise an exception in another thread (07's watchdog and
cancellable locks are in :mod:`synclab._threads.deadlock`).
"""

from __future__ import annotations

import contextlib
import ctypes
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from threading import get_ident
from typing import Any

from synclab.instruments import LockWrapper

#: How long stopped workers get to notice the stop event and return.
GRACE_SECONDS = 5.0
#: How long the workers and the caller may take to meet at the start barrier: on a busy
#: machine, starting a few threads can take longer than a short run's own timeout.
START_SECONDS = 5.0


class WorkersStuck(RuntimeError):
    """Raised when workers are still alive after being told to stop."""


def run_workers(
    workers: Sequence[Callable[[], object]],
    *,
    names: Sequence[str],
    timeout: float,
    stop: threading.Event,
    what: str,
) -> float:
    """Run each worker in its own named thread, started together, and join them all.

    Returns the seconds from the release of the start barrier until the last worker
    finished. On a timeout (:class:`TimeoutError`), an error in a worker (raised again
    here) or ``KeyboardInterrupt``, ``stop`` is set and every thread is joined first.
    """
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(workers) + 1)
    # Set by each worker on its way out. Thread.is_alive() cannot be trusted
    # after a KeyboardInterrupt lands inside Thread.join() on CPython 3.11 and
    # earlier (it may mark a thread that is still running as stopped), so the
    # clean-up waits for these instead.
    finished = [threading.Event() for _ in workers]

    def body(work: Callable[[], object], done: threading.Event) -> None:
        try:
            try:
                barrier.wait(max(timeout, START_SECONDS))
            except threading.BrokenBarrierError:
                return
            try:
                work()
            except BaseException as exc:  # re-raised in the caller below
                errors.append(exc)
                stop.set()
        finally:
            done.set()

    threads = [
        threading.Thread(target=body, args=(work, done), name=name, daemon=True)
        for work, name, done in zip(workers, names, finished, strict=True)
    ]
    try:
        for thread in threads:
            thread.start()
        barrier.wait(max(timeout, START_SECONDS))  # starting threads is not the work timed
        start = time.perf_counter()
        deadline = start + timeout
        for thread in threads:
            while thread.is_alive():
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    raise TimeoutError(
                        f"{what} did not finish within {timeout:g} s and was stopped; "
                        "ask for less work (fewer threads or iterations) or pass a larger timeout="
                    )
                thread.join(min(remaining, 0.1))
        elapsed = time.perf_counter() - start
    except BaseException:
        stop.set()
        barrier.abort()
        _join_all(threads, what, finished)
        raise
    if errors:
        raise errors[0]
    return elapsed


def _join_all(threads: Sequence[threading.Thread], what: str, finished: Sequence[threading.Event]) -> None:
    """Join stopped threads for up to :data:`GRACE_SECONDS`; complain if any stay.

    A thread counts as gone only once it has set its ``finished`` event and left
    :func:`threading.enumerate`.
    """
    deadline = time.perf_counter() + GRACE_SECONDS
    for thread, done in zip(threads, finished, strict=True):
        if thread.ident is None:  # never started: the start loop was interrupted
            continue
        done.wait(max(0.0, deadline - time.perf_counter()))
        thread.join(max(0.0, deadline - time.perf_counter()))
    started = [t for t in threads if t.ident is not None]
    while any(t in threading.enumerate() for t in started) and time.perf_counter() < deadline:
        time.sleep(0.001)
    running = threading.enumerate()
    stuck = [t.name for t in started if t.is_alive() or t in running]
    if stuck:
        raise WorkersStuck(
            f"{what}: {len(stuck)} thread(s) did not stop within {GRACE_SECONDS:g} s "
            f"({', '.join(stuck)}); restart the kernel to get rid of them"
        )


@contextlib.contextmanager
def switch_interval(seconds: float | None) -> Iterator[None]:
    """Set :func:`sys.setswitchinterval` for a block (``None``: leave it) and always put it back."""
    if seconds is None:
        yield
        return
    previous = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


# -- stopping a thread that does not stop by itself ---------------------------------
#
# CPython can raise an exception in another thread: PyThreadState_SetAsyncExc.
# The exception is delivered when that thread next runs Python code at a point
# where the interpreter looks at its "eval breaker" (after a call, on a loop's
# back edge, on entering a function), so it ends a thread that spins in a
# Python loop or waits in short slices. It cannot reach a thread blocked inside
# one C call (a plain lock's acquire() without a timeout, a long time.sleep()):
# the exception waits until that call returns. ctypes.pythonapi keeps the GIL
# during the call, as the C API requires. Tested on CPython 3.10 to 3.13.

_set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_set_async_exc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_set_async_exc.restype = ctypes.c_int
# The same function, typed so that None is passed as NULL (which clears a pending exception).
_clear_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi)
)


def raise_in_thread(ident: int, exc_type: type[BaseException]) -> bool:
    """Ask the thread ``ident`` to raise ``exc_type`` the next time it runs Python code; whether it was found."""
    return _set_async_exc(ident, exc_type) == 1  # the number of threads with that ident: 0 or 1


def clear_pending_exception() -> None:
    """Cancel an exception :func:`raise_in_thread` sent to the calling thread that is not raised yet."""
    _clear_async_exc(threading.get_ident(), None)


# -- forced schedules for condition variables (notebook 05) ----------------------------

#: How long a finished schedule gives its threads to leave, in seconds: shorter than
#: :data:`GRACE_SECONDS`, so that a learner's function that cannot be stopped (it spins)
#: is reported within about 2 s instead of holding the cell for 5.
SCHEDULE_GRACE = 2.0


class Aborted(BaseException):
    """Raised inside ``wait()`` when a forced schedule is abandoned (``except Exception`` does not catch it)."""


class ScriptedLock(LockWrapper):
    """A lock for :class:`threading.Condition` that a schedule can watch and steer.

    Like :class:`threading.Lock` (only its owner may release it), plus the three hooks
    ``Condition`` uses, so ``wait()`` goes through it: each thread entering ``wait()``
    (``entered``) and each thread woken (``woken``) is noted and ``seen`` notified; woken
    threads wait at ``gate`` before taking the lock back; after ``aborted`` is set every
    thread in ``wait()`` raises :class:`Aborted`. While ``snapshot`` is set, what it returns
    (called with the lock held) is noted in ``on_wait`` as a thread enters ``wait()`` and in
    ``on_return`` as it gets the lock back.
    """

    def __init__(self, seen: threading.Condition | None = None) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self.seen = seen if seen is not None else threading.Condition(threading.Lock())
        self.entered: list[str] = []
        self.woken: list[str] = []
        self.gate = threading.Event()
        self.gate.set()
        self.aborted = False
        self.gate_timeout = 10.0
        self.snapshot: Callable[[], object] | None = None
        self.on_wait: list[tuple[str, object]] = []
        self.on_return: list[tuple[str, object]] = []

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not self._lock.acquire(blocking, timeout):
            return False
        self._owner = get_ident()
        return True

    def release(self) -> None:
        if self._owner != get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        self._owner = None
        self._lock.release()

    def _note(self, names: list[str] | None, views: list[tuple[str, object]] | None = None) -> None:
        name = threading.current_thread().name
        view = self.snapshot() if views is not None and self.snapshot is not None else None
        with self.seen:
            if names is not None:
                names.append(name)
            if views is not None and self.snapshot is not None:
                views.append((name, view))
            self.seen.notify_all()

    # -- the hooks threading.Condition uses

    def _is_owned(self) -> bool:
        return self._owner == get_ident()

    def _release_save(self) -> None:
        if self.aborted:  # the lock is still held here, so the caller's `with` releases it
            raise Aborted("the forced schedule was abandoned")
        self._note(self.entered, self.on_wait)
        self.release()

    def _acquire_restore(self, _state: object) -> None:
        self._note(self.woken)
        self.gate.wait(self.gate_timeout)
        got = self.acquire(True, self.gate_timeout)
        if self.aborted:
            raise Aborted("the forced schedule was abandoned")
        if got:
            self._note(None, self.on_return)


class Runner:
    """One named daemon thread of a :class:`Schedule` running ``fn(*args)``, keeping its value or error."""

    def __init__(self, seen: threading.Condition, name: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.seen = seen
        self.name = name
        self.fn = fn
        self.args = args
        self.done = False
        self.aborted = False
        self.value: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._body, name=name, daemon=True)

    def _body(self) -> None:
        try:
            self.value = self.fn(*self.args)
        except Aborted:
            self.aborted = True
        except BaseException as exc:  # reported as the outcome
            self.error = exc
        finally:
            with self.seen:
                self.done = True
                self.seen.notify_all()


class Schedule:
    """A buffer, a condition on a :class:`ScriptedLock`, and the threads of one forced run.

    Every step waits with ``timeout``: a wrong function fails with a message instead of hanging.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.seen = threading.Condition(threading.Lock())
        self.lock = ScriptedLock(self.seen)
        self.lock.gate_timeout = timeout
        self.cond = threading.Condition(self.lock)
        self.buffer: deque[Any] = deque()
        self.runners: list[Runner] = []

    def start(self, name: str, fn: Callable[..., Any], *args: Any) -> Runner:
        runner = Runner(self.seen, name, fn, args)
        self.runners.append(runner)
        runner.thread.start()
        return runner

    def wait_until(self, predicate: Callable[[], object], timeout: float | None = None) -> bool:
        """Wait until ``predicate()`` is true (checked whenever something is noted)."""
        with self.seen:
            return bool(self.seen.wait_for(predicate, self.timeout if timeout is None else timeout))

    def entered(self, name: str) -> int:
        return self.lock.entered.count(name)

    def put(self, *items: Any, notify: int | None = 1) -> bool:
        """As the producer: put ``items`` and notify ``notify`` waiters (``None``: all)."""
        if not self.lock.acquire(True, self.timeout):
            return False
        try:
            self.buffer.extend(items)
            if notify is None:
                self.cond.notify_all()
            else:
                self.cond.notify(notify)
        finally:
            self.lock.release()
        return True

    def finish(self) -> list[str]:
        """Stop every thread still waiting, join them all; return the names of any stuck ones."""
        if any(not r.done for r in self.runners):
            self.lock.aborted = True
            self.lock.gate.set()
            if self.lock.acquire(True, SCHEDULE_GRACE):
                try:
                    self.cond.notify_all()
                finally:
                    self.lock.release()
        deadline = time.perf_counter() + SCHEDULE_GRACE
        for runner in self.runners:
            runner.thread.join(max(0.0, deadline - time.perf_counter()))
        return [r.name for r in self.runners if r.thread.is_alive()]
