"""Plumbing the lesson modules share and a learner need not read: the worker harness (also for numbered
threads T1..Tn), the switch interval, an exception in one line, per-call timing, and raising an exception in
another thread. Each topic's own plumbing has its own module here (05's forced schedules in
:mod:`synclab._threads.conditions`, and so on).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys
import threading
import time
import timeit
import traceback
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

#: How long stopped workers get to notice the stop event and return.
GRACE_SECONDS = 5.0
#: Longest a worker's wait lasts before it looks at the stop event again (stopped runs only).
POLL_SECONDS = 0.05
#: How long the workers and the caller may take to meet at the start barrier: on a busy
#: machine, starting a few threads can take longer than a short run's own timeout.
START_SECONDS = 5.0


def exception_line(exc: BaseException) -> str:
    """``"NameError: name 'x' is not defined"``, as a traceback's last line shows it."""
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def current_frames() -> dict[int, Any]:
    """``sys._current_frames()`` with the garbage collector paused: on CPython 3.10 and 3.11 before
    3.11.9, a collection inside it can deadlock the whole process against a thread being started
    (CPython gh-106883)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return sys._current_frames()
    finally:
        if paused:
            gc.enable()


def per_call_seconds(operation: Any, number: int, repeat: int, namespace: Any = None) -> list[float]:
    """Seconds per call of ``operation`` (a function or code) in each of ``repeat`` :mod:`timeit` runs of ``number``
    calls. The fastest is the usual figure: slower runs were disturbed by something else."""
    return [t / number for t in timeit.repeat(operation, number=number, repeat=repeat, globals=namespace)]


class WorkersStuck(RuntimeError):
    """Raised when workers are still alive after being told to stop."""


def run_workers(
    workers: Sequence[Callable[[], object]], *, names: Sequence[str], timeout: float, stop: threading.Event, what: str
) -> float:
    """Run each worker in its own named thread, started together, and join them all; return the seconds
    from the start until the last one finished. On a timeout (:class:`TimeoutError`), an error in a worker
    (raised again here) or ``KeyboardInterrupt``, ``stop`` is set and every thread is joined first.
    """
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(workers) + 1)
    # Set by each worker on its way out. Thread.is_alive() cannot be trusted after a KeyboardInterrupt lands inside
    # Thread.join() on CPython 3.11 and earlier (it may mark a thread that is still running as stopped), so the clean-up
    # waits for these instead.
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


def run_threads(
    worker: Callable[[int], Any], count: int, what: str, stop: threading.Event, timeout: float, **first: Callable
) -> tuple[float, tuple[Any, ...]]:
    """Run ``worker(1)`` .. ``worker(count)`` in threads T1..Tn, after the ``first`` threads (name=function).

    Returns the seconds the run took and what each worker returned, in order.
    """
    returned: list[Any] = [None] * count

    def job(i: int) -> None:
        returned[i - 1] = worker(i)

    jobs = [*first.values(), *(partial(job, i) for i in range(1, count + 1))]
    names = [*first, *(f"T{i}" for i in range(1, count + 1))]
    return run_workers(jobs, names=names, timeout=timeout, stop=stop, what=what), tuple(returned)


def _join_all(threads: Sequence[threading.Thread], what: str, finished: Sequence[threading.Event]) -> None:
    """Join stopped threads for up to :data:`GRACE_SECONDS` (gone: ``finished`` set and out of
    :func:`threading.enumerate`); complain if any stay."""
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
# CPython can raise an exception in another thread: PyThreadState_SetAsyncExc. The exception is delivered when that
# thread next runs Python code at a point where the interpreter looks at its "eval breaker" (after a call, on a loop's
# back edge, on entering a function), so it ends a thread that spins in a Python loop or waits in short slices. It
# cannot reach a thread blocked inside one C call (a plain lock's acquire() without a timeout, a long time.sleep()): the
# exception waits until that call returns. ctypes.pythonapi keeps the GIL during the call, as the C API requires. Tested
# on CPython 3.10 to 3.13.

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
