"""Bookkeeping for notebook 06's experiments: queues and lists that note their length, waits that
a stop event ends, pools that leave no thread behind, an ``asyncio`` runner, and timing helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import queue
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from synclab._threads import GRACE_SECONDS
from synclab._threads.conditions import MAX_SAMPLES

# -- the bounded buffer and the pipeline's inboxes --------------------------------------


class Stopped(Exception):
    """Raised in a worker once its run is stopped; :func:`run_workers` reports what stopped it instead."""


def until_stopped(attempt: Callable[[float], Any], stop: threading.Event, poll: float) -> Any:
    """``attempt(poll)``, a ``put`` or ``get`` with that timeout, until it works; :class:`Stopped` once stopped."""
    while not stop.is_set():
        with contextlib.suppress(queue.Full, queue.Empty):
            return attempt(poll)
    raise Stopped


class RecordingQueue(queue.Queue):  # type: ignore[type-arg]
    """A :class:`queue.Queue` on a buffer's instrumented lock; ``_put``/``_get`` (under it) note the length."""

    def __init__(self, buffer: Any, poll: float) -> None:
        self._buffer = buffer
        self._poll = poll
        super().__init__(buffer.capacity)
        self.mutex = buffer.lock
        self.not_empty = threading.Condition(buffer.lock)
        self.not_full = threading.Condition(buffer.lock)
        self.all_tasks_done = threading.Condition(buffer.lock)

    def _init(self, maxsize: int) -> None:
        self.queue = self._buffer.items

    def _put(self, item: object) -> None:
        self.queue.append(item)
        self._buffer.record()

    def _get(self) -> object:
        item = self.queue.popleft()
        self._buffer.record()
        return item

    def timed(self, me: Any, attempt: Callable[[float], Any], stopped: object) -> Any:
        """``attempt(0)``, else ``attempt(poll)`` until it works (``stopped`` once stopped); its wait noted for me."""
        try:
            return attempt(0)
        except (queue.Full, queue.Empty):
            started = self._buffer.clock()
        try:
            done = until_stopped(attempt, self._buffer.stop, self._poll)
        except Stopped:
            done = stopped
        self._buffer.waited(me, started)
        return done


class Stage:
    """One pipeline stage's bookkeeping: its inbox's length over time, and how many workers returned."""

    def __init__(self, workers: int, origin: float) -> None:
        self.workers = workers
        self.origin = origin
        self.times: list[float] = [0.0]
        self.lengths: list[int] = [0]
        self.finished = 0
        self.guard = threading.Lock()  # bookkeeping only, never the items
        self.done = threading.Event()  # set once every worker of the stage has returned

    def note(self, length: int) -> None:
        if len(self.times) < MAX_SAMPLES:
            self.times.append(time.perf_counter() - self.origin)
            self.lengths.append(length)

    def worker_returned(self) -> bool:
        """Count a returning worker; ``True`` for the last one."""
        with self.guard:
            self.finished += 1
            last = self.finished == self.workers
        if last:
            self.done.set()
        return last


class NotedQueue(queue.Queue):  # type: ignore[type-arg]
    """A :class:`queue.Queue` that tells its stage its length at every change (under its own lock).

    Its ``put()`` and ``get()`` wait in slices of ``poll`` s and raise :class:`Stopped` once ``stop`` is set.
    """

    def __init__(self, maxsize: int, stage: Stage, stop: threading.Event, poll: float) -> None:
        self._stage = stage
        self._stop = stop
        self._poll = poll
        super().__init__(maxsize)

    def put(self, item: object, block: bool = True, timeout: float | None = None) -> None:
        until_stopped(lambda poll: super(NotedQueue, self).put(item, timeout=poll), self._stop, self._poll)

    def get(self, block: bool = True, timeout: float | None = None) -> object:
        return until_stopped(lambda poll: super(NotedQueue, self).get(timeout=poll), self._stop, self._poll)

    def _put(self, item: object) -> None:
        super()._put(item)
        self._stage.note(len(self.queue))

    def _get(self) -> object:
        item = super()._get()
        self._stage.note(len(self.queue))
        return item


class NotedList(list):  # type: ignore[type-arg]
    """A plain list that tells its stage its length after each append and delete. No lock anywhere."""

    def __init__(self, stage: Stage) -> None:
        super().__init__()
        self._stage = stage

    def append(self, item: object) -> None:
        super().append(item)
        self._stage.note(len(self))

    def __delitem__(self, index: Any) -> None:
        super().__delitem__(index)
        self._stage.note(len(self))


class Sink:
    """Where the last stage delivers, as a queue (``put``) or a list (``append``): what came out, and when."""

    def __init__(self, origin: float) -> None:
        self.origin = origin
        self.deliveries: list[tuple[float, int]] = []

    def put(self, item: int) -> None:
        self.deliveries.append((time.perf_counter() - self.origin, item))

    append = put


# -- timing, pools and asyncio ------------------------------------------------------------

#: Each way does the CPU-bound job this many times, and the fastest counts: a
#: busy machine can take a core away for a while, in any of them.
CPU_RUNS = 2


def best_time(action: Callable[[], object], runs: int = CPU_RUNS) -> float:
    """The shortest wall time of ``runs`` calls of ``action`` (its return value, if a float)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        value = action()
        times.append(value if isinstance(value, float) else time.perf_counter() - started)
    return min(times)


def cpu_size(seconds: float) -> int:
    """The ``n`` for which ``sum(range(n))`` takes about ``seconds`` here (best of 3 probes)."""
    probe = 200_000
    best = best_time(lambda: sum(range(probe)), runs=3)
    return max(1_000, min(200_000_000, int(probe * seconds / max(best, 1e-9))))


def work_on(seconds: float, stop: threading.Event) -> None:
    """Work on an item: a sleep of ``seconds`` that ``stop`` ends (then :class:`Stopped`)."""
    if (seconds > 0 and stop.wait(seconds)) or stop.is_set():
        raise Stopped


def in_processes(workers: int, waits: list[float], sizes: list[range]) -> tuple[float, float, float]:
    """Seconds to start ``workers`` spawned processes, then to do the I/O and the CPU job in them (``nan`` for 0).

    Every process is started before the jobs are timed; on an error :func:`pool_map` cancels what has not started.
    """
    if not workers:
        return (float("nan"),) * 3
    started = time.perf_counter()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool_map(pool, time.sleep, [0.01] * workers)
        process_start = time.perf_counter() - started
        return process_start, pool_map(pool, time.sleep, waits), best_time(lambda: pool_map(pool, sum, sizes))


def pool_map(pool: Executor, function: Callable[[Any], object], args: Iterable[Any]) -> float:
    """Wall seconds to run ``function`` on every arg in ``pool``; on any error, cancel what has not started."""
    started = time.perf_counter()
    futures = [pool.submit(function, arg) for arg in args]
    try:
        for future in futures:
            future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return time.perf_counter() - started


@contextlib.contextmanager
def thread_pool(workers: int) -> Iterator[ThreadPoolExecutor]:
    """A :class:`ThreadPoolExecutor` whose threads are all gone (within :data:`GRACE_SECONDS`) when an error leaves."""
    before = set(threading.enumerate())
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pool") as pool:
            yield pool  # on an error pool_map has cancelled what had not started; leaving the block joins the rest
    except BaseException:
        # An interrupt inside Thread.join() (here, in shutdown) can leave a pool thread running, and
        # on 3.11 even marked as stopped: wait, bounded, until the new pool threads are really gone.
        deadline = time.monotonic() + GRACE_SECONDS
        while time.monotonic() < deadline and any(
            t not in before and t.name.startswith("pool") for t in threading.enumerate()
        ):
            time.sleep(0.005)
        raise


def run_asyncio(coroutines: Callable[[], list[Coroutine[Any, Any, object]]]) -> float:
    """Wall seconds for ``asyncio.gather(*coroutines())`` in a fresh event loop, in its own thread.

    A notebook's kernel already runs an event loop in its main thread, where ``asyncio.run``
    refuses to start; a thread of its own has none. An interrupt cancels the coroutines.
    """
    holder: dict[str, Any] = {}
    ready = threading.Event()

    async def main() -> None:
        holder["loop"] = asyncio.get_running_loop()
        holder["task"] = asyncio.current_task()
        ready.set()
        started = time.perf_counter()
        await asyncio.gather(*coroutines())
        holder["seconds"] = time.perf_counter() - started

    def body() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # re-raised in the caller
            holder["error"] = exc
        finally:
            ready.set()

    thread = threading.Thread(target=body, name="asyncio", daemon=True)
    try:
        thread.start()  # inside the try: an interrupt can land while start() waits for the thread
        while thread.is_alive():
            thread.join(0.05)
    except BaseException:
        ready.wait(GRACE_SECONDS)  # set by the thread once its loop runs, or as it ends
        if "loop" in holder and not holder["loop"].is_closed():
            holder["loop"].call_soon_threadsafe(holder["task"].cancel)
        if ready.is_set():  # the thread did start
            thread.join(GRACE_SECONDS)
        raise
    if "error" in holder:
        raise holder["error"]
    return holder["seconds"]
