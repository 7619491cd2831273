"""The part of the :class:`threading.Lock` interface that synclab's helper locks share.

A check's :class:`~synclab.checks._guards.GuardedLock`, the forced schedules'
:class:`~synclab.experiments.conditions.ScriptedLock` and the watchdog's
cancellable lock in :mod:`synclab.experiments.deadlock` each keep a
:class:`threading.Lock` in ``_lock`` and define their own ``acquire()`` and
``release()``; :class:`LockWrapper` adds ``locked()`` and ``with`` support.
"""

from __future__ import annotations

import threading
from types import TracebackType

__all__ = ["LockWrapper"]


class LockWrapper:
    """Mixin: ``locked()`` and ``with`` for a lock built around ``self._lock``.

    Subclasses set ``self._lock`` to a :class:`threading.Lock` and define
    ``acquire(blocking=True, timeout=-1)`` and ``release()``.
    """

    __slots__ = ()

    _lock: threading.Lock

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    def locked(self) -> bool:
        """Whether some thread holds the lock."""
        return self._lock.locked()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
