"""The forced-schedule harness of notebook 05: a lock a schedule watches and steers, and its threads.

:class:`Schedule` gives a learner's function an ordinary :class:`threading.Condition` on a
:class:`ScriptedLock`, so a test can force one order of the threads (a stolen wake-up) on every run.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from threading import get_ident
from typing import Any

from synclab.instruments import LockWrapper

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
