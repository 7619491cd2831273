"""The tools to reach for first (notebook 06): notebook 05's buffer workload on a :class:`queue.Queue`,
a pipeline of stages joined by queues or plain lists, and when threads help at all."""

from __future__ import annotations

import asyncio
import os
import platform
import threading
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from synclab._threads import queues as plumbing  # bookkeeping a learner need not read
from synclab._threads import run_workers
from synclab._validate import MAX_VALUES, check_bool, check_choice, check_float, check_int, check_timeout
from synclab.environment import gil_enabled
from synclab.experiments.conditions import DONE, POLL_SECONDS, BufferModel, BufferResult, Tally, run_buffer_threads

# -- the bounded buffer, as a queue.Queue ---------------------------------------


class _QueueBuffer(BufferModel):
    """Notebook 05's buffer interface, done with ``queue.Queue(maxsize=capacity)``; a wait is timed from
    finding the queue full (or empty) until the item is in (or came)."""

    def __init__(self, capacity: int, stop: threading.Event) -> None:
        super().__init__(capacity, stop)
        self.queue = plumbing.RecordingQueue(self, POLL_SECONDS)  # a Queue on this buffer's instrumented lock

    def put(self, item: object, me: Tally) -> bool:
        return self.queue.timed(me, lambda timeout: self.queue.put(item, timeout != 0, timeout) is None, False)

    def get(self, me: Tally) -> object:
        return self.queue.timed(me, lambda timeout: self.queue.get(timeout != 0, timeout), DONE)


def run_queue_buffer(
    producers: int = 2,
    consumers: int = 2,
    capacity: int = 5,
    produce_rate: float = 800.0,
    consume_rate: float = 200.0,
    items: int = 16,
    *,
    timeout: float = 30.0,
) -> BufferResult:
    """The workload of :func:`~synclab.run_buffer`, with ``queue.Queue(maxsize=capacity)`` as the buffer: its
    lock is instrumented and its length noted at every change, so the two results compare figure by figure."""
    settings = (producers, consumers, capacity, produce_rate, consume_rate, items, timeout)
    return run_buffer_threads(_QueueBuffer, *settings, what="run_queue_buffer")


# -- a pipeline of stages -----------------------------------------------------------

#: What hands items from stage to stage in :func:`run_pipeline`.
CHANNELS = ("Queue", "list")
MAX_STAGES = 4
MAX_WORKERS = 8


@dataclass(frozen=True, slots=True)
class PipelineResult:
    """What one run of :func:`run_pipeline` measured: the items out of the last stage in order, with their
    ``delivery_times``; each stage inbox's length after each change; one line per worker that crashed."""

    stages: int
    workers: int
    items: int
    capacity: int
    channel: str
    delivered: tuple[int, ...]
    delivery_times: tuple[float, ...]
    length_times: tuple[tuple[float, ...], ...]
    lengths: tuple[tuple[int, ...], ...]
    crashes: tuple[str, ...]
    duration: float
    python: str

    @property
    def lost(self) -> int:
        """Items that never came out of the last stage."""
        return self.items - len(set(self.delivered))

    @property
    def duplicates(self) -> int:
        """Extra copies: items that came out more than once count once per extra copy."""
        return len(self.delivered) - len(set(self.delivered))

    @property
    def delivered_once(self) -> bool:
        """Whether every item came out exactly once."""
        return self.lost == 0 and self.duplicates == 0

    @property
    def throughput(self) -> float:
        """Different items out of the last stage per second, over the whole run."""
        return (self.items - self.lost) / self.duration if self.duration > 0 else 0.0


def run_pipeline(
    stages: int = 2,
    workers: int = 3,
    items: int = 40,
    capacity: int = 4,
    work: float = 0.002,
    channel: str = "Queue",
    *,
    timeout: float = 30.0,
) -> PipelineResult:
    """Pass numbered items through ``stages`` stages, each run by ``workers`` threads.

    A source puts items ``0`` to ``items - 1`` into stage 1's inbox; each worker takes an item,
    works ``work`` s on it (a sleep) and hands it to the next inbox. ``channel``:

    * ``"Queue"``: ``queue.Queue(maxsize=capacity)`` inboxes, shut down with sentinels: one ``DONE`` per
      worker of stage 1, and the last worker of each stage out sends one per worker of the next.
    * ``"list"``: plain lists, no lock. A worker looks at ``inbox[0]``, works, then ``del inbox[0]`` and
      appends to the next list, so two workers can take the same item (the window is the work); one whose
      ``del`` finds the list empty dies of ``IndexError``.
    """
    stages = check_int("stages", stages, 1, MAX_STAGES)
    workers = check_int("workers", workers, 1, MAX_WORKERS)
    items = check_int("items", items, 1, 5_000)
    capacity = check_int("capacity", capacity, 1, 1_000)
    work = check_float("work", work, 0.0, 0.1)
    channel = check_choice("channel", channel, CHANNELS)
    timeout = check_timeout(timeout)

    stop = threading.Event()
    origin = time.perf_counter()
    steps = [plumbing.Stage(workers, origin) for _ in range(stages)]
    sink = plumbing.Sink(origin)  # after the last stage: notes what came out, and when
    crashes: list[str] = []
    source_done = threading.Event()
    last_return: list[float] = []

    if channel == "Queue":  # put() and get() raise Stopped once the run is stopped
        inboxes: list[Any] = [plumbing.NotedQueue(capacity, stage, stop, POLL_SECONDS) for stage in steps]

        def source() -> None:
            for item in range(items):
                inboxes[0].put(item)
            for _ in range(workers):  # one sentinel per worker of stage 1
                inboxes[0].put(DONE)

        def stage_worker(index: int) -> None:
            inbox, outbox = inboxes[index], inboxes[index + 1] if index + 1 < stages else sink
            while (item := inbox.get()) is not DONE:
                plumbing.work_on(work, stop)
                outbox.put(item)
            if steps[index].worker_returned() and index + 1 < stages:
                for _ in range(workers):  # the last worker out tells every worker of the next stage
                    outbox.put(DONE)
            last_return.append(time.perf_counter())

    else:
        inboxes = [plumbing.NotedList(stage) for stage in steps]

        def source() -> None:
            for item in range(items):
                inboxes[0].append(item)
            source_done.set()

        def stage_worker(index: int) -> None:
            inbox, outbox = inboxes[index], inboxes[index + 1] if index + 1 < stages else sink
            upstream = source_done if index == 0 else steps[index - 1].done
            try:
                while not stop.is_set():
                    ended = upstream.is_set()  # read first: an item put before it was set is in the list now
                    if not inbox:
                        if ended:
                            break
                        stop.wait(0.0005)  # idle: look again soon
                        continue
                    item = inbox[0]  # look at the first item...
                    plumbing.work_on(work, stop)  # ...work on it...
                    del inbox[0]  # ...and take it off the list
                    outbox.append(item)
            except IndexError as exc:  # another worker emptied the list under it
                crashes.append(f"{threading.current_thread().name}: {type(exc).__name__}: {exc}")
            finally:
                steps[index].worker_returned()
                last_return.append(time.perf_counter())

    names = ["source"] + [f"S{s}-{w}" for s in range(1, stages + 1) for w in range(1, workers + 1)]
    jobs = [source] + [partial(stage_worker, s) for s in range(stages) for _ in range(workers)]
    run_workers(jobs, names=names, timeout=timeout, stop=stop, what="run_pipeline")
    duration = (max(last_return) - origin) if last_return else time.perf_counter() - origin
    deliveries = sorted(sink.deliveries)
    return PipelineResult(
        stages,
        workers,
        items,
        capacity,
        channel,
        delivered=tuple(item for _, item in deliveries),
        delivery_times=tuple(t for t, _ in deliveries),
        length_times=tuple(tuple(s.times) for s in steps),
        lengths=tuple(tuple(s.lengths) for s in steps),
        crashes=tuple(crashes),
        duration=duration,
        python=platform.python_version(),
    )


# -- threads, processes or asyncio ----------------------------------------------------

#: The ways :func:`measure_concurrency` runs each job, in order.
WAYS = ("one thread", "threads", "processes", "asyncio")


@dataclass(frozen=True, slots=True)
class ConcurrencyResult:
    """What :func:`measure_concurrency` measured: wall time per job and way (``nan``: not run)."""

    tasks: int
    io_seconds: float
    cpu_seconds: float
    processes: int
    cores: int
    process_start: float
    io_times: tuple[float, ...]
    cpu_times: tuple[float, ...]
    thread_cpu_use: float
    gil: bool
    python: str

    def speedup(self, job: str, way: str) -> float:
        """How many times faster than one thread ``way`` did ``job`` (``"io"`` or ``"cpu"``)."""
        times = self.io_times if job == "io" else self.cpu_times
        mine = times[WAYS.index(way)]
        return times[0] / mine if mine > 0 else float("nan")


async def _cpu_coroutine(n: int) -> int:
    await asyncio.sleep(0)  # a chance to be cancelled between tasks
    return sum(range(n))


def measure_concurrency(
    tasks: int = 4, io_seconds: float = 0.05, cpu_seconds: float = 0.04, *, processes: bool = True
) -> ConcurrencyResult:
    """Do the same I/O-bound and CPU-bound job with one thread, threads, processes and asyncio.

    The I/O job is ``tasks`` sleeps of ``io_seconds``; the CPU job is ``tasks`` calls of ``sum(range(n))``
    (which holds the GIL) of about ``cpu_seconds`` each. A process pool's start-up is timed apart from the job.
    """
    tasks = check_int("tasks", tasks, 1, MAX_VALUES)
    io_seconds = check_float("io_seconds", io_seconds, 0.001, 1.0)
    cpu_seconds = check_float("cpu_seconds", cpu_seconds, 0.001, 0.2)
    processes = check_bool("processes", processes)

    cores = os.cpu_count() or 1
    n = plumbing.cpu_size(cpu_seconds)
    waits = [io_seconds] * tasks
    sizes = [range(n)] * tasks

    # one thread
    io_times = [plumbing.best_time(lambda: [time.sleep(seconds) for seconds in waits], runs=1)]
    cpu_times = [plumbing.best_time(lambda: [sum(numbers) for numbers in sizes])]

    # threads
    with plumbing.thread_pool(tasks) as pool:
        io_times.append(plumbing.pool_map(pool, time.sleep, waits))
        cpu_started, wall_started = time.process_time(), time.perf_counter()
        cpu_times.append(plumbing.best_time(lambda: plumbing.pool_map(pool, sum, sizes)))
        thread_cpu_use = (time.process_time() - cpu_started) / max(time.perf_counter() - wall_started, 1e-9)

    # processes: spawn, the safe start method in a program that runs threads
    workers = min(tasks, cores) if processes else 0
    process_start, io_time, cpu_time = plumbing.in_processes(workers, waits, sizes)  # nan if not run
    io_times.append(io_time)
    cpu_times.append(cpu_time)

    # asyncio
    io_times.append(plumbing.run_asyncio(lambda: [asyncio.sleep(seconds) for seconds in waits]))
    cpu_times.append(
        plumbing.best_time(lambda: plumbing.run_asyncio(lambda: [_cpu_coroutine(n) for _ in range(tasks)]))
    )

    return ConcurrencyResult(
        tasks=tasks,
        io_seconds=io_seconds,
        cpu_seconds=cpu_seconds,
        processes=workers,
        cores=cores,
        process_start=process_start,
        io_times=tuple(io_times),
        cpu_times=tuple(cpu_times),
        thread_cpu_use=thread_cpu_use,
        gil=gil_enabled(),
        python=platform.python_version(),
    )
