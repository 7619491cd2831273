"""Condition variables (notebook 05): a stolen wake-up, notify against notify_all, a bounded buffer.

:func:`run_stolen_wakeup` and :func:`run_notify` hand your function an ordinary :class:`threading.Condition`
on a lock that lets a schedule force one order of the threads (``synclab/_threads/conditions.py``), so
what goes wrong only now and then shows on every run. :func:`run_buffer`: producers and consumers around a
bounded buffer with two conditions on one lock, as :class:`queue.Queue` is built; sentinels end the run.
"""

from __future__ import annotations

import platform
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import astuple, dataclass
from typing import Any

from synclab._threads import POLL_SECONDS
from synclab._threads.conditions import DONE, BufferLog, BufferRun, Tally, force_notify, force_stolen_wakeup
from synclab._threads.conditions import MAX_SAMPLES as MAX_SAMPLES  # for run_queue_buffer
from synclab._validate import MAX_VALUES, check_float, check_int, check_timeout
from synclab.instruments import LockStatistics


@dataclass(frozen=True, slots=True)
class WakeupResult:
    """What :func:`run_stolen_wakeup` saw: one message and kind per failed run, and the first run's trace.

    Kinds: ``"raised"``, ``"wrong_item"``, ``"no_wait"``, ``"no_wait_call"``,
    ``"waited_with_item"`` or ``"stuck"``.
    """

    runs: int
    failures: tuple[str, ...]
    kinds: tuple[str, ...]
    trace: tuple[str, ...]

    @property
    def failed_runs(self) -> int:
        return len(self.failures)


def run_stolen_wakeup(take: Callable[[Any, Any], Any], runs: int = 10, *, timeout: float = 2.0) -> WakeupResult:
    """Run ``take(buffer, cond)`` in two consumers under a forced stolen wake-up, ``runs`` times.

    The schedule is the same on every run: C1 waits on the empty buffer; the producer puts 'item 1'
    and notifies; C1 is woken but held back while C2 takes that item; C1 gets the lock back. A ``take``
    that re-checks in a ``while`` loop waits again and gets 'item 2'; one that checks with ``if`` pops
    from an empty buffer. ``timeout`` bounds each step.
    """
    if not callable(take):
        raise TypeError(f"take must be a function take(buffer, cond), got {take!r} of type {type(take).__name__}")
    runs = check_int("runs", runs, 1, 100)
    timeout = check_float("timeout", timeout, 0.1, 60.0)
    failures: list[str] = []
    kinds: list[str] = []
    first: list[str] = []
    for index in range(runs):
        kind, message = force_stolen_wakeup(take, timeout, first if index == 0 else [])  # the first run's trace
        if kind != "ok":
            failures.append(message)
            kinds.append(kind)
            if kind == "stuck":  # a stuck function would make every further run as slow
                break
    return WakeupResult(runs, tuple(failures), tuple(kinds), tuple(first))


@dataclass(frozen=True, slots=True)
class NotifyResult:
    """What :func:`run_notify` saw: consumers that got an item (one item was put for each), items left,
    what the producer raised."""

    consumers: int
    woken: int
    left: int
    error: str

    @property
    def still_waiting(self) -> int:
        return self.consumers - self.woken


def wait_and_take(buffer: deque[Any], cond: threading.Condition) -> Any:
    """A correct consumer: wait in a ``while`` loop until the buffer has an item, then take it."""
    with cond:
        while not buffer:
            cond.wait()
        return buffer.popleft()


def run_notify(
    put_items: Callable[[Any, Any, list[Any]], Any], consumers: int = 3, *, timeout: float = 2.0
) -> NotifyResult:
    """Let ``consumers`` threads wait for an item each, then run ``put_items(buffer, cond, items)`` once.

    Once every consumer is in ``wait()`` (forced), your producer gets one item per consumer.
    A consumer nobody notifies never wakes, so the count does not depend on timing.
    """
    if not callable(put_items):
        raise TypeError(
            f"put_items must be a function put_items(buffer, cond, items), got {put_items!r} "
            f"of type {type(put_items).__name__}"
        )
    consumers = check_int("consumers", consumers, 1, MAX_VALUES)
    timeout = check_float("timeout", timeout, 0.1, 60.0)
    woken, left, error = force_notify(wait_and_take, put_items, consumers, timeout)
    return NotifyResult(consumers, woken, left, error)


# -- the bounded buffer -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThreadWaits:
    """One producer or consumer: items it put or took (sentinels not counted), waits, seconds waited."""

    thread: str
    role: str
    items: int
    waits: int
    total_wait: float


@dataclass(frozen=True, slots=True)
class WaitSpan:
    """One wait, from finding the buffer full (producer) or empty (consumer) until going on; s since the start."""

    thread: str
    role: str
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class BufferResult:
    """What one run of :func:`run_buffer` (or :func:`~synclab.run_queue_buffer`) measured.

    ``times``/``lengths``: the buffer's length after each change (the first
    :data:`MAX_SAMPLES`), from ``(0.0, 0)``; ``spans``: the waits in order of their end;
    ``threads``: producers first; ``max_length`` counts sentinels.
    """

    producers: int
    consumers: int
    capacity: int
    produce_rate: float
    consume_rate: float
    items: int
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
        return sum(t.total_wait for t in self.threads if t.role == "producer")

    @property
    def consumer_wait(self) -> float:
        return sum(t.total_wait for t in self.threads if t.role == "consumer")

    @property
    def share_full(self) -> float:
        """Share of the run, 0 to 1, during which the buffer was full."""
        return self._share(lambda n: n >= self.capacity)

    @property
    def share_empty(self) -> float:
        return self._share(lambda n: n == 0)

    def _share(self, keep: Callable[[int], bool]) -> float:
        if self.duration <= 0:
            return 0.0
        ends = (*self.times[1:], self.duration)  # each length lasts until the next change
        return sum(end - t for t, end, n in zip(self.times, ends, self.lengths, strict=True) if keep(n)) / self.duration


class BufferModel(BufferLog):
    """The shared buffer and its two conditions on one lock, as :class:`queue.Queue` has them."""

    def __init__(self, capacity: int, stop: threading.Event) -> None:
        super().__init__(capacity, stop)
        self.not_full = threading.Condition(self.lock)
        self.not_empty = threading.Condition(self.lock)

    def put(self, item: object, me: Tally) -> bool:
        """Put ``item``, waiting while the buffer is full. ``False`` if the run was stopped."""
        with self.not_full:
            if len(self.items) >= self.capacity:
                started = self.clock()
                while len(self.items) >= self.capacity and not self.stop.is_set():  # re-check after every wake-up
                    self.not_full.wait(POLL_SECONDS)
                self.waited(me, started)
                if len(self.items) >= self.capacity:  # still full: the run was stopped
                    return False
            self.items.append(item)
            self.record()
            self.not_empty.notify()
        return True

    def get(self, me: Tally) -> object:
        """Take the oldest item, waiting while the buffer is empty (``DONE`` if stopped)."""
        with self.not_empty:
            if not self.items:
                started = self.clock()
                while not self.items and not self.stop.is_set():
                    self.not_empty.wait(POLL_SECONDS)
                self.waited(me, started)
                if not self.items:  # still empty: the run was stopped
                    return DONE
            item = self.items.popleft()
            self.record()
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

    Each producer makes ``items`` items at ``produce_rate`` items/s (a sleep outside the lock) and
    puts them; each consumer takes items and uses them at ``consume_rate``. At the defaults (1,600
    items/s made, 400 used) the producers wait most of the ~80 ms run, on every run even on a loaded
    machine, where the OS can hold a thread up for 20 ms; with a rate ratio of 2, runs now and then differed.
    """
    settings = (producers, consumers, capacity, produce_rate, consume_rate, items, timeout)
    return run_buffer_threads(BufferModel, *settings, what="run_buffer")


def run_buffer_threads(design: Callable[..., BufferModel], *settings: Any, what: str) -> BufferResult:
    """Check the arguments of :func:`run_buffer` (``settings``, in its order), then run them around the buffer
    ``design(capacity, stop)`` makes."""
    producers, consumers, capacity, produce_rate, consume_rate, items, timeout = settings
    producers = check_int("producers", producers, 1, MAX_VALUES)
    consumers = check_int("consumers", consumers, 1, MAX_VALUES)
    capacity = check_int("capacity", capacity, 1, 1_000)
    produce_rate = check_float("produce_rate", produce_rate, 1.0, 100_000.0, "items/s")
    consume_rate = check_float("consume_rate", consume_rate, 1.0, 100_000.0, "items/s")
    items = check_int("items", items, 1, 10_000)
    timeout = check_timeout(timeout)
    stop = threading.Event()
    run = BufferRun(design(capacity, stop), producers, consumers, items)
    times, duration, spans = run.run(1.0 / produce_rate, 1.0 / consume_rate, timeout, what)
    expected = sorted((i, k) for i in range(producers) for k in range(items))
    consumed = sorted(item for mine in run.taken for item in mine)  # type: ignore[type-var]
    settings = (producers, consumers, capacity, produce_rate, consume_rate, items)
    measured = (len(consumed), consumed == expected, run.buffer.max_length)
    return BufferResult(
        *settings,
        *measured,
        times,
        tuple(run.buffer.lengths),
        duration,
        threads=tuple(ThreadWaits(*astuple(t)) for t in run.making + run.using),  # the tallies, frozen
        spans=tuple(WaitSpan(*span) for span in spans),
        lock=run.buffer.lock.statistics(),
        python=platform.python_version(),
    )
