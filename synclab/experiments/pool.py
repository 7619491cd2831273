"""The pool experiment of notebook 08: a semaphore limits how many threads use a pool.

Several threads each use a pool of ``limit`` connections a few times. Each use
takes a permit from a semaphore, holds it for a moment (a short sleep stands in
for the I/O done with the connection) and gives it back. The experiment counts
the real holders: right after a thread gets its permit it adds 1 to a counter,
and right before it gives the permit back it subtracts 1, both under a lock that
also timestamps the change. The counter therefore counts threads that are
certainly inside the semaphore, and its highest value is the most that ever
used the pool at once.

``guard`` chooses what stands in front of the pool:

* ``"Semaphore"``: :class:`threading.Semaphore` with ``limit`` permits;
* ``"BoundedSemaphore"``: :class:`threading.BoundedSemaphore`, the same but it
  refuses a release that would lift its count above ``limit``;
* ``"none"``: nothing, so every thread uses the pool whenever it likes.

``extra_release=True`` plants a classic bug: the very first use of the pool
releases its permit twice (as an error path that releases in both ``except``
and ``finally`` would). A plain semaphore accepts it silently and from then on lets
``limit + 1`` threads in. A bounded semaphore raises :class:`ValueError`, but
only from the release that would lift its count above ``limit``: when other
threads hold permits at the time of the extra release, that is a later release,
possibly in another thread. Every ``ValueError`` is recorded in
:attr:`PoolResult.release_errors`.
"""

from __future__ import annotations

import platform
import threading
import time
from dataclasses import dataclass

from synclab._threads import run_workers
from synclab._validate import check_bool, check_choice, check_float, check_int
from synclab.instruments import LockEvent

__all__ = ["GUARDS", "PoolResult", "PoolUse", "ReleaseError", "run_pool"]

#: What can stand in front of the pool.
GUARDS = ("Semaphore", "BoundedSemaphore", "none")

MAX_THREADS = 64
MAX_LIMIT = 64
MAX_USES = 1_000
MAX_HOLD = 1.0

#: How long a waiting thread blocks on the semaphore before it checks whether
#: the run was stopped; it then tries again.
_POLL = 0.05


#: One use of the pool by one thread, recorded like one acquisition of a lock:
#: ``requested`` when it asked for a permit, ``acquired`` when it had the permit
#: and counted itself as a holder, ``released`` when it stopped counting itself,
#: just before giving the permit back; ``wait`` and ``hold`` follow. Times are
#: seconds since the run began.
PoolUse = LockEvent


@dataclass(frozen=True, slots=True)
class ReleaseError:
    """A ``ValueError`` raised by a bounded semaphore's ``release()``.

    Attributes:
        thread: The thread whose release raised it.
        extra: Whether it was the planted extra release (``False``: an ordinary
            release that found the count already at its start value).
        message: The error's message.
        time: When it was raised, seconds since the run began.
    """

    thread: str
    extra: bool
    message: str
    time: float


@dataclass(frozen=True, slots=True)
class PoolResult:
    """What one run of :func:`run_pool` measured.

    Attributes:
        threads: Number of threads.
        limit: Permits in the semaphore: the most threads meant to use the pool at once.
        uses: Uses of the pool per thread.
        hold: Seconds each use holds its permit (a sleep).
        guard: ``"Semaphore"``, ``"BoundedSemaphore"`` or ``"none"``.
        extra_release: Whether the first use of the pool released its permit twice.
        changes: ``(time, holders)`` after every change of the holder count, in
            order; times are seconds since the run began.
        pool_uses: Every use of the pool, in the order they ended, as a
            :class:`~synclab.instruments.LockEvent` (:data:`PoolUse`): ``requested`` when the
            thread asked for a permit, ``acquired`` when it had it and counted
            itself as a holder, ``released`` just before it gave it back.
        release_errors: Every ``ValueError`` a release raised (bounded semaphore only).
        permits_after: Permits the semaphore had once every thread was done
            (counted with non-blocking acquires), ``None`` with no semaphore.
            A correct run leaves ``limit``.
        elapsed: Seconds from the start signal until the last thread finished.
        python: The Python version that ran it.
    """

    threads: int
    limit: int
    uses: int
    hold: float
    guard: str
    extra_release: bool
    changes: tuple[tuple[float, int], ...]
    pool_uses: tuple[PoolUse, ...]
    release_errors: tuple[ReleaseError, ...]
    permits_after: int | None
    elapsed: float
    python: str

    @property
    def max_holders(self) -> int:
        """The most threads that used the pool at the same time."""
        return max((holders for _, holders in self.changes), default=0)

    @property
    def exceeded(self) -> bool:
        """Whether more than ``limit`` threads ever used the pool at once."""
        return self.max_holders > self.limit

    @property
    def total_uses(self) -> int:
        """Uses of the pool completed (``threads * uses`` when nothing stopped the run)."""
        return len(self.pool_uses)


def run_pool(
    threads: int = 8,
    limit: int = 3,
    uses: int = 4,
    hold: float = 0.003,
    guard: str = "Semaphore",
    extra_release: bool = False,
    *,
    timeout: float = 30.0,
) -> PoolResult:
    """Let ``threads`` threads share a pool that only ``limit`` may use at once.

    At the defaults (8 threads, a limit of 3, 4 uses of 3 ms each) the holder
    count reaches 3 and never more on every run; with ``guard="none"`` it goes
    above 3; with ``extra_release=True`` a plain semaphore lets 4 in.

    Args:
        threads: Number of threads, 1 to 64.
        limit: Permits, 1 to 64.
        uses: Uses of the pool per thread, 1 to 1,000.
        hold: Seconds each use holds its permit, 0 to 1.
        guard: ``"Semaphore"``, ``"BoundedSemaphore"`` or ``"none"``.
        extra_release: Make the first use of the pool release its permit
            twice (a bug). Needs a semaphore: refused with ``guard="none"``.
        timeout: Seconds the run may take (0.1 to 600) before it is stopped.

    Returns:
        A :class:`PoolResult`.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range, or ``extra_release`` was asked
            for without a semaphore.
        TimeoutError: The run took longer than ``timeout``.
    """
    threads = check_int("threads", threads, 1, MAX_THREADS)
    limit = check_int("limit", limit, 1, MAX_LIMIT)
    uses = check_int("uses", uses, 1, MAX_USES)
    hold = check_float("hold", hold, 0.0, MAX_HOLD)
    guard = check_choice("guard", guard, GUARDS)
    extra_release = check_bool("extra_release", extra_release)
    timeout = check_float("timeout", timeout, 0.1, 600.0)
    if extra_release and guard == "none":
        raise ValueError("extra_release=True needs a semaphore to release: use guard='Semaphore' or 'BoundedSemaphore'")

    semaphore: threading.Semaphore | None
    if guard == "Semaphore":
        semaphore = threading.Semaphore(limit)
    elif guard == "BoundedSemaphore":
        semaphore = threading.BoundedSemaphore(limit)
    else:
        semaphore = None
    meta = threading.Lock()  # guards the holder count and the records below
    holders = [0]
    changes: list[tuple[float, int]] = []
    pool_uses: list[PoolUse] = []
    release_errors: list[ReleaseError] = []
    stop = threading.Event()
    clock = time.perf_counter
    origin = [0.0]

    def count(step: int) -> tuple[float, bool]:
        """Change the holder count; return the time and whether this is the very first use."""
        with meta:
            first = not changes
            holders[0] += step
            now = clock() - origin[0]
            changes.append((now, holders[0]))
        return now, first

    def release(name: str, extra: bool) -> None:
        assert semaphore is not None
        try:
            semaphore.release()
        except ValueError as exc:  # only a BoundedSemaphore raises it
            with meta:
                release_errors.append(ReleaseError(name, extra, str(exc), clock() - origin[0]))

    def work(name: str) -> None:
        for _ in range(uses):
            if stop.is_set():
                return
            requested = clock() - origin[0]
            if semaphore is not None:
                while not semaphore.acquire(timeout=_POLL):
                    if stop.is_set():
                        return
            acquired, first = count(+1)
            time.sleep(hold)  # using the pooled connection
            released, _ = count(-1)
            with meta:
                pool_uses.append(PoolUse(name, requested, acquired, released))
            if semaphore is not None:
                release(name, extra=False)
                if extra_release and first:
                    release(name, extra=True)  # the bug: a second release

    names = [f"T{i}" for i in range(1, threads + 1)]
    workers = [lambda name=name: work(name) for name in names]
    origin[0] = clock()
    elapsed = run_workers(workers, names=names, timeout=timeout, stop=stop, what="run_pool")
    permits_after = None
    if semaphore is not None:
        permits_after = 0
        while permits_after <= limit + threads and semaphore.acquire(blocking=False):
            permits_after += 1
    return PoolResult(
        threads=threads,
        limit=limit,
        uses=uses,
        hold=hold,
        guard=guard,
        extra_release=extra_release,
        changes=tuple(changes),
        pool_uses=tuple(pool_uses),
        release_errors=tuple(release_errors),
        permits_after=permits_after,
        elapsed=elapsed,
        python=platform.python_version(),
    )
