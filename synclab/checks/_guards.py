"""Locks for exercise checks that turn a hang into a clear answer."""

from __future__ import annotations

import threading
from threading import get_ident

from synclab._locks import LockWrapper

__all__ = ["NoReentryLock", "SelfDeadlock"]


class SelfDeadlock(RuntimeError):
    """A thread asked, without a timeout, for a plain lock it already holds."""


class NoReentryLock(LockWrapper):
    """A :class:`threading.Lock` that raises instead of hanging when its holder re-acquires it.

    With a real ``Lock``, a thread that blocks on a lock it holds waits for
    itself forever. A check cannot kill such a thread, so this lock raises
    :class:`SelfDeadlock` at that moment and remembers it in ``reentered``.
    Everything else (waiting for another thread, timeouts, releasing from any
    thread) behaves exactly like ``threading.Lock``.
    """

    __slots__ = ("_lock", "_owner", "reentered")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self.reentered = False

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if blocking and timeout == -1 and self._owner == get_ident():
            self.reentered = True
            raise SelfDeadlock(
                "this thread asked for a threading.Lock it already holds: it would wait for itself forever"
            )
        acquired = self._lock.acquire(blocking, timeout)
        if acquired:
            self._owner = get_ident()
        return acquired

    def release(self) -> None:
        self._owner = None
        self._lock.release()
