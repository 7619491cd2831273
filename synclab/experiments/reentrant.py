"""Reentrant locks (notebook 04): look inside an RLock, and measure what it costs.

Two designs let a public method that holds a lock call code that needs the
same lock:

* RLock at every level: every method takes an :class:`threading.RLock`, so a nested
  call acquires it again (its recursion count goes up by one).
* Lock plus helpers: only the public method takes a plain :class:`threading.Lock`;
  the nested code is a private helper that expects its caller to hold it.

:func:`measure_lock_costs` times both, uncontended, in the calling thread, for
several nesting depths. Both are correct; they differ in what each level
costs and in how much the code says about who holds the lock.
"""

from __future__ import annotations

import platform
import re
import threading
import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from synclab._validate import check_int

__all__ = ["LockCosts", "measure_lock_costs", "rlock_depth"]

_COUNT = re.compile(r"\bcount=(\d+)")


def rlock_depth(lock: Any) -> int:
    """How many times an RLock's owner has acquired it without releasing it yet.

    This is the RLock's own recursion count (0 when nobody holds it), read
    from its ``repr``, which both the C and the pure-Python RLock show as
    ``count=N`` on every supported Python.

    Args:
        lock: A :class:`threading.RLock`.

    Returns:
        The recursion count, whichever thread holds the lock (if a future
        Python drops ``count=`` from the ``repr``, the count is read with
        ``RLock._recursion_count()``, which reports 0 to other threads).

    Raises:
        TypeError: ``lock`` is not an RLock (a plain ``Lock`` has no count).
    """
    if not hasattr(lock, "_is_owned"):  # both RLocks have it; a plain Lock does not
        raise TypeError(f"lock must be a threading.RLock, got {lock!r} of type {type(lock).__name__}")
    match = _COUNT.search(repr(lock))
    if match is not None:
        return int(match.group(1))
    # A future repr without the count: ask the RLock itself (3.11+), which only
    # answers for the thread that holds it.
    return int(lock._recursion_count())


@dataclass(frozen=True, slots=True)
class LockCosts:
    """What :func:`measure_lock_costs` measured, in nanoseconds per call.

    Attributes:
        depths: The nesting depths timed (calls per operation).
        rlock: Per depth, an operation whose every level takes an RLock.
        helper: Per depth, an operation that takes a Lock once and calls
            unlocked helpers for the other levels.
        lock_pair: One ``with lock:`` on an uncontended Lock.
        rlock_pair: One ``with rlock:`` on an uncontended RLock.
        calls: Operations timed per measurement.
        repeat: Measurements per figure (each figure is the fastest of them).
        python: The Python version that ran it, like ``"3.12.1"``.
    """

    depths: tuple[int, ...]
    rlock: tuple[float, ...]
    helper: tuple[float, ...]
    lock_pair: float
    rlock_pair: float
    calls: int
    repeat: int
    python: str

    @property
    def extra_per_level(self) -> float:
        """Nanoseconds the RLock design adds per nesting level beyond the first.

        The slope between the shallowest and the deepest depth measured (0 when
        only one depth was measured).
        """
        if len(self.depths) < 2:
            return 0.0
        gap_first = self.rlock[0] - self.helper[0]
        gap_last = self.rlock[-1] - self.helper[-1]
        return (gap_last - gap_first) / (self.depths[-1] - self.depths[0])


def _rlock_operation(lock: Any, depth: int) -> Callable[[], None]:
    """A call ``depth`` levels deep where every level takes ``lock``."""

    def innermost() -> None:
        with lock:
            pass

    operation = innermost
    for _ in range(depth - 1):

        def level(inner: Callable[[], None] = operation) -> None:
            with lock:
                inner()

        operation = level
    return operation


def _helper_operation(lock: Any, depth: int) -> Callable[[], None]:
    """A call ``depth`` levels deep where only the outermost level takes ``lock``."""

    def innermost() -> None:
        pass

    helper = innermost
    for _ in range(depth - 2):

        def level(inner: Callable[[], None] = helper) -> None:
            inner()

        helper = level
    if depth == 1:

        def public() -> None:
            with lock:
                pass

    else:

        def public() -> None:
            with lock:
                helper()

    return public


def _fastest_ns(operation: Callable[[], None], calls: int, repeat: int) -> float:
    return min(timeit.repeat(operation, number=calls, repeat=repeat)) / calls * 1e9


def measure_lock_costs(
    depths: Sequence[int] = (1, 2, 4, 8, 16),
    calls: int = 5_000,
    repeat: int = 5,
) -> LockCosts:
    """Time an operation nested ``depth`` calls deep under each design.

    Everything runs in the calling thread, uncontended: this measures the cost
    of the locking itself, not of waiting. Each figure is the fastest of
    ``repeat`` measurements of ``calls`` operations (the usual ``timeit``
    practice: slower runs were disturbed by something else).

    Args:
        depths: Nesting depths to time, 1 to 12 of them, each 1 to 64.
        calls: Operations per measurement, 100 to 1,000,000.
        repeat: Measurements per figure, 1 to 20.

    Returns:
        A :class:`LockCosts`.

    Raises:
        TypeError: ``depths`` is not a sequence of ints, or ``calls`` or
            ``repeat`` is not an int.
        ValueError: A value is out of range.
    """
    if isinstance(depths, (str, bytes)) or not isinstance(depths, Sequence):
        raise TypeError(f"depths must be a sequence of nesting depths like (1, 2, 4, 8), got {depths!r}")
    check_int("len(depths)", len(depths), 1, 12)
    levels = tuple(sorted({check_int("depth", d, 1, 64) for d in depths}))
    calls = check_int("calls", calls, 100, 1_000_000)
    repeat = check_int("repeat", repeat, 1, 20)
    lock, rlock = threading.Lock(), threading.RLock()
    rlock_ns = tuple(_fastest_ns(_rlock_operation(rlock, d), calls, repeat) for d in levels)
    helper_ns = tuple(_fastest_ns(_helper_operation(lock, d), calls, repeat) for d in levels)
    return LockCosts(
        depths=levels,
        rlock=rlock_ns,
        helper=helper_ns,
        lock_pair=_fastest_ns(_helper_operation(lock, 1), calls, repeat),
        rlock_pair=_fastest_ns(_rlock_operation(rlock, 1), calls, repeat),
        calls=calls,
        repeat=repeat,
        python=platform.python_version(),
    )
