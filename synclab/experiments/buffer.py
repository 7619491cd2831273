"""The bounded producer-consumer buffer of notebook 05.

Producers make items at a given rate and put them into a buffer that holds at
most ``capacity`` items; consumers take them out and use them at another rate.
One lock guards the buffer, with two :class:`threading.Condition` objects on
it, the way :class:`queue.Queue` is built: producers wait on ``not_full`` while
the buffer is full, consumers wait on ``not_empty`` while it is empty, and each
side calls ``notify()`` on the other's condition after changing the buffer.

Every wait is measured: from the moment a thread finds it cannot go on until
``wait()`` returns and the re-checked condition lets it through. The buffer's
length is recorded at every change.

Shutdown is clean, with sentinels: when the last producer has put its last
item it puts one :data:`DONE` per consumer, and each consumer returns when it
takes one. Everything put is taken, and every thread returns: no daemon thread
is left looping. If the run has to be stopped early (a timeout, an error, the
kernel's stop button), waits end within :data:`POLL_SECONDS` and the threads
return too.
"""

from __future__ import annotations

import platform
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from synclab._threads import run_workers
from synclab._validate import check_float, check_int
from synclab.instruments import InstrumentedLock, LockStatistics

__all__ = ["DONE", "BufferResult", "ThreadWaits", "WaitSpan", "run_buffer"]

MAX_THREADS = 16
MAX_CAPACITY = 1_000
MAX_ITEMS = 10_000
MAX_RATE = 100_000.0
#: Buffer-length changes and wait spans kept for the plots (figures stay exact).
MAX_SAMPLES = 20_000
#: Longest a wait lasts before it looks at the stop event again (stopped runs only).
POLL_SECONDS = 0.05


class _Done:
    """The sentinel type: one instance, shown as ``DONE``."""

    _instance: _Done | None = None

    def __new__(cls) -> _Done:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DONE"

    def __reduce__(self) -> str:
        return "DONE"


#: The sentinel a consumer stops at: "no more items will come".
DONE = _Done()


@dataclass(frozen=True, slots=True)
class ThreadWaits:
    """What one producer or consumer did and how long it waited.

    Attributes:
        thread: The thread's name (``"P1"``, ``"C2"``...).
        role: ``"producer"`` or ``"consumer"``.
        items: Items it put (producer) or took (consumer), sentinels not counted.
        waits: How many times it found the buffer full (producer) or empty
            (consumer) and had to wait.
        total_wait: Seconds it spent waiting in ``wait()``, in all.
    """

    thread: str
    role: str
    items: int
    waits: int
    total_wait: float


@dataclass(frozen=True, slots=True)
class WaitSpan:
    """One wait: from finding the buffer full/empty until going on. Seconds since the start.

    Attributes:
        thread: The waiting thread's name.
        role: ``"producer"`` (waiting for room) or ``"consumer"`` (waiting for an item).
        start: When it began waiting.
        end: When it went on.
    """

    thread: str
    role: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        """Seconds waited."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class BufferResult:
    """What one run of :func:`run_buffer` measured.

    Attributes:
        producers: Number of producer threads.
        consumers: Number of consumer threads.
        capacity: Most items the buffer may hold.
        produce_rate: Items per second each producer makes (when not waiting).
        consume_rate: Items per second each consumer uses (when not waiting).
        items: Items each producer made.
        produced: Items put into the buffer, in all (sentinels not counted).
        consumed: Items taken out and used, in all.
        delivered_once: Whether every item produced was consumed exactly once.
        max_length: Most items the buffer held at any moment (sentinels count).
        times: Seconds since the start at which the buffer's length changed
            (the first ``MAX_SAMPLES`` changes), starting with ``0.0``.
        lengths: The buffer's length after each of those changes.
        duration: Seconds from the start until the last consumer returned.
        threads: Per-thread figures, producers first.
        spans: Individual waits in order of their end (the first ``MAX_SAMPLES``).
        lock: Statistics of the lock under both conditions.
        python: The Python version that ran it.
    """

    producers: int
    consumers: int
    capacity: int
    produce_rate: float
    consume_rate: float
    items: int
    produced: int
    consumed: int
    delivered_once: bool
    max_length: int
    times: tuple[float, ...]
    lengths: tuple[int, ...]
    duration: float
    threads: tuple[ThreadWaits, ...]
    spans: tuple[WaitSpan, ...]
    lock: LockStatistics
    python: str

    @property
    def producer_wait(self) -> float:
        """Seconds all producers together spent waiting for room."""
        return sum(t.total_wait for t in self.threads if t.role == "producer")

    @property
    def consumer_wait(self) -> float:
        """Seconds all consumers together spent waiting for an item."""
        return sum(t.total_wait for t in self.threads if t.role == "consumer")

    def share_at(self, length: int) -> float:
        """Share of the run, 0 to 1, during which the buffer held exactly ``length`` items."""
        return _share(self.times, self.lengths, self.duration, lambda n: n == length)

    @property
    def share_full(self) -> float:
        """Share of the run, 0 to 1, during which the buffer was full."""
        return _share(self.times, self.lengths, self.duration, lambda n: n >= self.capacity)

    @property
    def share_empty(self) -> float:
        """Share of the run, 0 to 1, during which the buffer was empty."""
        return self.share_at(0)

    @property
    def mean_length(self) -> float:
        """Time-weighted mean number of items in the buffer."""
        if self.duration <= 0:
            return 0.0
        total = 0.0
        for i, length in enumerate(self.lengths):
            end = self.times[i + 1] if i + 1 < len(self.times) else self.duration
            total += length * max(0.0, end - self.times[i])
        return total / self.duration


def _share(times: tuple[float, ...], lengths: tuple[int, ...], duration: float, keep: Callable[[int], bool]) -> float:
    if duration <= 0:
        return 0.0
    total = 0.0
    for i, length in enumerate(lengths):
        if keep(length):
            end = times[i + 1] if i + 1 < len(times) else duration
            total += max(0.0, min(end, duration) - times[i])
    return total / duration


class Tally:
    """One thread's running figures (each thread updates only its own)."""

    __slots__ = ("name", "role", "items", "waits", "total_wait")

    def __init__(self, name: str, role: str) -> None:
        self.name = name
        self.role = role
        self.items = 0
        self.waits = 0
        self.total_wait = 0.0

    def freeze(self) -> ThreadWaits:
        return ThreadWaits(self.name, self.role, self.items, self.waits, self.total_wait)


class BufferModel:
    """The shared buffer and its two conditions, with the bookkeeping."""

    def __init__(self, capacity: int, stop: threading.Event) -> None:
        self.capacity = capacity
        self.stop = stop
        self.items: deque[object] = deque()
        self.lock = InstrumentedLock(name="buffer lock")
        self.not_full = threading.Condition(self.lock)
        self.not_empty = threading.Condition(self.lock)
        self.clock = time.perf_counter
        self.origin = self.clock()
        self.times: list[float] = [0.0]
        self.lengths: list[int] = [0]
        self.spans: list[tuple[str, str, float, float]] = []
        self.max_length = 0

    def _record(self) -> None:
        """Note the new length; called with the lock held, right after a change."""
        length = len(self.items)
        if length > self.max_length:
            self.max_length = length
        if len(self.times) < MAX_SAMPLES:
            self.times.append(self.clock() - self.origin)
            self.lengths.append(length)

    def _waited(self, me: Tally, started: float) -> None:
        ended = self.clock()
        me.waits += 1
        me.total_wait += ended - started
        if len(self.spans) < MAX_SAMPLES:
            self.spans.append((me.name, me.role, started - self.origin, ended - self.origin))

    def put(self, item: object, me: Tally) -> bool:
        """Put ``item``, waiting while the buffer is full. ``False`` if the run was stopped."""
        with self.not_full:
            if len(self.items) >= self.capacity:
                started = self.clock()
                while len(self.items) >= self.capacity:  # re-check after every wake-up
                    if self.stop.is_set():
                        self._waited(me, started)
                        return False
                    self.not_full.wait(POLL_SECONDS)
                self._waited(me, started)
            self.items.append(item)
            self._record()
            self.not_empty.notify()
        return True

    def get(self, me: Tally) -> object:
        """Take the oldest item, waiting while the buffer is empty (``DONE`` if stopped)."""
        with self.not_empty:
            if not self.items:
                started = self.clock()
                while not self.items:
                    if self.stop.is_set():
                        self._waited(me, started)
                        return DONE
                    self.not_empty.wait(POLL_SECONDS)
                self._waited(me, started)
            item = self.items.popleft()
            self._record()
            self.not_full.notify()
        return item


def run_buffer(
    producers: int = 2,
    consumers: int = 2,
    capacity: int = 5,
    produce_rate: float = 800.0,
    consume_rate: float = 200.0,
    items: int = 16,
    *,
    timeout: float = 30.0,
) -> BufferResult:
    """Run producers and consumers around a bounded buffer, and measure who waits.

    Each producer makes ``items`` items, spending ``1 / produce_rate`` s on
    each (sleeping, outside the lock: the work of making it), and puts it into
    the buffer. Each consumer takes items and spends ``1 / consume_rate`` s on
    each (using it). The pace is kept against a running deadline, so sleeps
    that overshoot on a busy machine do not slow a thread down.

    At the defaults, 2 producers make 1,600 items/s together and 2 consumers
    use 400 items/s, so the buffer fills up and the producers spend most of
    the run waiting for room; the run takes about 80 ms. A rate ratio of 4
    keeps that true on every run even on a heavily loaded machine, where the
    OS can hold a thread up for 20 ms or more; with a ratio of 2, a run now
    and then came out the other way.

    Args:
        producers: Producer threads, 1 to 16.
        consumers: Consumer threads, 1 to 16.
        capacity: Most items the buffer holds, 1 to 1,000.
        produce_rate: Items per second each producer makes, 1 to 100,000.
        consume_rate: Items per second each consumer uses, 1 to 100,000.
        items: Items each producer makes, 1 to 10,000.
        timeout: Seconds the run may take (0.1 to 600) before it is stopped.

    Returns:
        A :class:`BufferResult`.

    Raises:
        TypeError: An argument has the wrong type (a string or float where an
            int goes, for example).
        ValueError: An argument is out of range.
        TimeoutError: The run took longer than ``timeout``; every thread was
            stopped and joined first.
    """
    settings = check_buffer_settings(producers, consumers, capacity, produce_rate, consume_rate, items, timeout)
    return run_buffer_threads(BufferModel, *settings, what="run_buffer")


def check_buffer_settings(
    producers: object,
    consumers: object,
    capacity: object,
    produce_rate: object,
    consume_rate: object,
    items: object,
    timeout: object,
) -> tuple[int, int, int, float, float, int, float]:
    """The arguments of :func:`run_buffer`, checked (the same for any buffer design)."""
    return (
        check_int("producers", producers, 1, MAX_THREADS),
        check_int("consumers", consumers, 1, MAX_THREADS),
        check_int("capacity", capacity, 1, MAX_CAPACITY),
        check_float("produce_rate", produce_rate, 1.0, MAX_RATE, "items/s"),
        check_float("consume_rate", consume_rate, 1.0, MAX_RATE, "items/s"),
        check_int("items", items, 1, MAX_ITEMS),
        check_float("timeout", timeout, 0.1, 600.0),
    )


def run_buffer_threads(
    design: Callable[[int, threading.Event], BufferModel],
    producers: int,
    consumers: int,
    capacity: int,
    produce_rate: float,
    consume_rate: float,
    items: int,
    timeout: float,
    *,
    what: str,
) -> BufferResult:
    """Run producers and consumers around ``design(capacity, stop)``: any buffer with ``put`` and ``get``."""
    stop = threading.Event()
    buffer = design(capacity, stop)
    make_time = 1.0 / produce_rate
    use_time = 1.0 / consume_rate
    producer_tallies = [Tally(f"P{i}", "producer") for i in range(1, producers + 1)]
    consumer_tallies = [Tally(f"C{i}", "consumer") for i in range(1, consumers + 1)]
    taken: list[list[object]] = [[] for _ in range(consumers)]
    finished = [0]  # producers done, guarded by the buffer's lock
    started: list[float] = []
    last_return: list[float] = []
    clock = buffer.clock

    def work(due: float, period: float, waited: bool) -> float | None:
        """Spend ``period`` s on one item, outside the lock; ``None`` if the run was stopped.

        Paced against a running deadline rather than with plain sleeps: time
        lost when the OS wakes the thread late is made up on the next items, so
        each thread keeps its rate even on a busy machine (otherwise the faster
        side, with its shorter sleeps, would lose the most). After a wait in the
        buffer the pace restarts from now: a thread that was blocked does not
        rush to catch up.
        """
        now = clock()
        if waited:
            due = now
        due += period
        delay = due - now
        if delay > 0 and stop.wait(delay):  # like time.sleep, but ends at once if the run is stopped
            return None
        return None if stop.is_set() else due

    def producer(index: int, me: Tally) -> None:
        due: float | None = clock()
        started.append(due)
        waited = False
        for k in range(items):
            due = work(due, make_time, waited)  # making the item
            if due is None:
                return
            waits = me.waits
            if not buffer.put((index, k), me):
                return
            waited = me.waits != waits
            me.items += 1
        with buffer.lock:
            finished[0] += 1
            last = finished[0] == producers
        if last:  # no more items will come: one sentinel per consumer
            for _ in range(consumers):
                if not buffer.put(DONE, me):
                    return

    def consumer(index: int, me: Tally) -> None:
        due: float | None = clock()
        started.append(due)
        mine = taken[index]
        while True:
            waits = me.waits
            item = buffer.get(me)
            if item is DONE:
                last_return.append(clock())
                return
            mine.append(item)
            me.items += 1
            due = work(due, use_time, me.waits != waits)  # using the item
            if due is None:
                return

    workers: list[Callable[[], object]] = [lambda i=i, t=t: producer(i, t) for i, t in enumerate(producer_tallies)] + [
        lambda i=i, t=t: consumer(i, t) for i, t in enumerate(consumer_tallies)
    ]
    buffer.origin = buffer.clock()
    run_workers(
        workers,
        names=[t.name for t in producer_tallies + consumer_tallies],
        timeout=timeout,
        stop=stop,
        what=what,
    )
    # Times count from the moment the first thread started working.
    shift = min(started) - buffer.origin if started else 0.0
    times = tuple(max(0.0, t - shift) if i else 0.0 for i, t in enumerate(buffer.times))
    duration = (max(last_return) - buffer.origin - shift) if last_return else (times[-1] if times else 0.0)
    expected = sorted((i, k) for i in range(producers) for k in range(items))
    consumed = sorted(item for mine in taken for item in mine)  # type: ignore[type-var]
    spans = tuple(WaitSpan(name, role, max(0.0, s - shift), max(0.0, e - shift)) for name, role, s, e in buffer.spans)
    return BufferResult(
        producers=producers,
        consumers=consumers,
        capacity=capacity,
        produce_rate=produce_rate,
        consume_rate=consume_rate,
        items=items,
        produced=sum(t.items for t in producer_tallies),
        consumed=len(consumed),
        delivered_once=consumed == expected,
        max_length=buffer.max_length,
        times=times,
        lengths=tuple(buffer.lengths),
        duration=max(duration, times[-1] if times else 0.0),
        threads=tuple(t.freeze() for t in producer_tallies + consumer_tallies),
        spans=spans,
        lock=buffer.lock.statistics(),
        python=platform.python_version(),
    )
