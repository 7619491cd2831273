"""Condition variables (notebook 05): forced wake-up schedules and a bounded buffer.

* :func:`run_stolen_wakeup` and :func:`run_notify` hand your function an ordinary
  :class:`threading.Condition` on a lock that lets a schedule force one order of the threads
  (``synclab._threads.conditions.Schedule``), so what goes wrong only now and then shows on every run.
* :func:`run_buffer`: producers and consumers around a buffer of ``capacity`` items, one lock
  with two conditions on it as :class:`queue.Queue` is built. Every wait is measured, the
  length is recorded at every change, and shutdown uses sentinels: one :data:`DONE` per consumer.
"""

from __future__ import annotations

import platform
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from synclab._threads import run_workers
from synclab._threads.conditions import Schedule
from synclab._validate import MAX_VALUES, check_float, check_int, check_timeout
from synclab.instruments import InstrumentedLock, LockStatistics

#: The forced order of :func:`run_stolen_wakeup`, in words.
STOLEN_WAKEUP_SCHEDULE = (
    "1. C1 calls take(): the buffer is empty, so it waits.",
    "2. The producer puts 'item 1' and calls notify(): C1 is woken.",
    "3. Before C1 gets the lock back (held back by the schedule), C2 calls take() and gets 'item 1'.",
    "4. C1 gets the lock back and returns from wait(): the buffer is empty again.",
    "5. If C1 waits again, the producer puts 'item 2' and C1 should get it.",
)
#: How long :func:`run_notify` watches for more consumers after the last one woke.
SETTLE_SECONDS = 0.2


def describe_error(exc: BaseException) -> str:
    """``"IndexError: pop from an empty deque"``."""
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


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

    @property
    def failed_every_run(self) -> bool:
        return self.failed_runs == self.runs

    @property
    def never_failed(self) -> bool:
        return not self.failures


def _seen_by(views: list[tuple[str, object]], name: str, nth: int = 1) -> str:
    """What thread ``name`` saw of the buffer the ``nth`` time it is in ``views``, in words."""
    seen = [view for thread, view in views if thread == name]
    if len(seen) < nth:
        return "what it saw was not recorded"
    items = seen[nth - 1]
    return "the buffer holds " + ", ".join(map(repr, items)) if items else "the buffer is empty"


def _what(runner: Any) -> str:
    return f"raised {describe_error(runner.error)}" if runner.error else f"returned {runner.value!r}"


def _stolen_once(take: Callable[[Any, Any], Any], timeout: float) -> tuple[str, str, list[str]]:
    """Force the schedule once: (kind, message, trace), kind ``"ok"`` when it went right.

    Every line of the trace states what this run recorded (the buffer as each consumer saw
    it under the lock, who was woken, what each returned); nothing is written before it was observed.
    """
    s = Schedule(timeout)
    s.lock.snapshot = lambda: tuple(s.buffer)
    trace: list[str] = []
    try:
        # 1. C1 finds the buffer empty and waits.
        c1 = s.start("C1", take, s.buffer, s.cond)
        if not s.wait_until(lambda: c1.done or s.entered("C1")):
            trace.append("C1: neither waited nor returned on the empty buffer")
            s.put("item 1")  # lets a function that polls the buffer return
            return (
                "no_wait_call",
                "take() neither waited nor returned on an empty buffer: does it loop without calling cond.wait()?",
                trace,
            )
        if c1.done:
            trace.append(f"C1: {_what(c1)} without waiting")
            return ("no_wait", f"on an empty buffer, take() {_what(c1)} instead of waiting for an item.", trace)
        trace.append(f"C1: calls wait(); {_seen_by(s.lock.on_wait, 'C1')}")
        # 2. The producer puts one item and wakes one waiter; C1 will be held at the gate.
        s.lock.gate.clear()
        if not s.put("item 1"):
            return ("stuck", "the producer could not get the lock: is a thread holding it while it loops?", trace)
        trace.append("producer: puts 'item 1' and calls notify()")
        if not s.wait_until(lambda: "C1" in s.lock.woken):
            return ("stuck", "C1 was notified but never woke up.", trace)
        trace.append("C1: is woken, and held back before it gets the lock again (forced)")
        # 3. C2 arrives and takes the item first.
        c2 = s.start("C2", take, s.buffer, s.cond)
        if not s.wait_until(lambda: c2.done or s.entered("C2")) or not c2.done:
            trace.append(f"C2: calls wait(); {_seen_by(s.lock.on_wait, 'C2')}")
            return ("waited_with_item", "take() waited although the buffer held an item.", trace)
        if c2.error is not None or c2.value != "item 1":
            trace.append(f"C2: {_what(c2)}")
            message = f"with 'item 1' in the buffer, take() {_what(c2)} instead of returning 'item 1'."
            return ("wrong_item", message, trace)
        trace.append("C2: arrives, takes 'item 1' without waiting, and returns it")
        # 4. C1 gets the lock back: what does it see?
        s.lock.gate.set()
        if not s.wait_until(lambda: c1.done or s.entered("C1") >= 2):
            return ("stuck", "after it was woken, take() neither returned nor waited again.", trace)
        trace.append(f"C1: gets the lock back inside wait(); {_seen_by(s.lock.on_return, 'C1')}")
        if c1.done:
            trace.append(f"C1: {_what(c1)}")
            if c1.error is not None:
                return ("raised", f"after its item was taken, C1 raised {describe_error(c1.error)}.", trace)
            return (
                "wrong_item",
                f"after its item was taken, C1 returned {c1.value!r} instead of waiting for the next item.",
                trace,
            )
        trace.append(f"C1: calls wait() again; {_seen_by(s.lock.on_wait, 'C1', 2)}")
        # 5. A second item for C1.
        if not s.put("item 2"):
            return ("stuck", "the producer could not get the lock for 'item 2'.", trace)
        trace.append("producer: puts 'item 2' and calls notify()")
        if not s.wait_until(lambda: c1.done):
            return ("stuck", "C1 did not return after 'item 2' arrived.", trace)
        if c1.error is not None or c1.value != "item 2":
            trace.append(f"C1: {_what(c1)}")
            return ("wrong_item", f"after 'item 2' arrived, C1 {_what(c1)} instead of returning 'item 2'.", trace)
        trace.append(f"C1: gets the lock back inside wait(); {_seen_by(s.lock.on_return, 'C1', 2)}")
        trace.append("C1: returns 'item 2'")
        return ("ok", "", trace)
    finally:
        stuck = s.finish()
        if stuck:
            trace.append(f"Thread(s) {', '.join(stuck)} could not be stopped; restart the kernel to clear them.")


def run_stolen_wakeup(take: Callable[[Any, Any], Any], runs: int = 10, *, timeout: float = 2.0) -> WakeupResult:
    """Run ``take(buffer, cond)`` in two consumers under a forced stolen wake-up, ``runs`` times.

    The schedule (:data:`STOLEN_WAKEUP_SCHEDULE`) is forced with events, so it is the same on
    every run: C1 waits on the empty buffer, is woken for 'item 1', and is held back while C2
    takes that item. A ``take`` that re-checks in a ``while`` loop waits again and gets
    'item 2'; one that checks with ``if`` pops from an empty buffer. ``timeout`` bounds each step.
    """
    if not callable(take):
        raise TypeError(f"take must be a function take(buffer, cond), got {take!r} of type {type(take).__name__}")
    runs = check_int("runs", runs, 1, 100)
    timeout = check_float("timeout", timeout, 0.1, 60.0)
    failures: list[str] = []
    kinds: list[str] = []
    first: list[str] = []
    for index in range(runs):
        kind, message, trace = _stolen_once(take, timeout)
        if index == 0:
            first = trace
        if kind != "ok":
            failures.append(message)
            kinds.append(kind)
            if kind == "stuck":  # a stuck function would make every further run as slow
                break
    return WakeupResult(runs, tuple(failures), tuple(kinds), tuple(first))


@dataclass(frozen=True, slots=True)
class NotifyResult:
    """What :func:`run_notify` saw: consumers that got an item, items left, what the producer raised."""

    consumers: int
    items: int
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
    put_items: Callable[[Any, Any, list[Any]], Any],
    consumers: int = 3,
    *,
    timeout: float = 2.0,
) -> NotifyResult:
    """Let ``consumers`` threads wait for an item each, then run ``put_items(buffer, cond, items)`` once.

    Once every consumer is in ``wait()`` (forced), your producer gets one item per consumer.
    A consumer nobody notifies never wakes, so the count does not depend on timing: after the
    last consumer to wake, the run watches :data:`SETTLE_SECONDS` more, then stops the rest.
    """
    if not callable(put_items):
        raise TypeError(
            f"put_items must be a function put_items(buffer, cond, items), got {put_items!r} "
            f"of type {type(put_items).__name__}"
        )
    consumers = check_int("consumers", consumers, 1, MAX_VALUES)
    timeout = check_float("timeout", timeout, 0.1, 60.0)
    s = Schedule(timeout)
    items = [f"item {i}" for i in range(1, consumers + 1)]
    error = ""
    try:
        takers = [s.start(f"C{i}", wait_and_take, s.buffer, s.cond) for i in range(1, consumers + 1)]
        if not s.wait_until(lambda: len(s.lock.entered) >= consumers):
            raise RuntimeError("the consumers did not all start waiting")  # machine far too busy
        producer = s.start("producer", put_items, s.buffer, s.cond, list(items))
        if not s.wait_until(lambda: producer.done):
            error = f"put_items did not return within {timeout:g} s"
        elif producer.error is not None:
            error = describe_error(producer.error)

        def woken() -> int:
            return sum(t.done and not t.aborted for t in takers)

        if not error and s.wait_until(lambda: woken() >= 1):
            while woken() < consumers:
                seen = woken()
                if not s.wait_until(lambda seen=seen: woken() > seen, SETTLE_SECONDS):
                    break
        count = woken()
        left = len(s.buffer)
    finally:
        s.finish()
    return NotifyResult(consumers, len(items), count, left, error)


# -- the bounded buffer -------------------------------------------------------------

MAX_CAPACITY = 1_000
MAX_ITEMS = 10_000
MAX_RATE = 100_000.0
#: Buffer-length changes and wait spans kept for the plots (figures stay exact).
MAX_SAMPLES = 20_000
#: Longest a wait lasts before it looks at the stop event again (stopped runs only).
POLL_SECONDS = 0.05

#: The sentinel a consumer stops at: "no more items will come".
DONE = object()


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
        return sum(t.total_wait for t in self.threads if t.role == "producer")

    @property
    def consumer_wait(self) -> float:
        return sum(t.total_wait for t in self.threads if t.role == "consumer")

    def share_at(self, length: int) -> float:
        """Share of the run, 0 to 1, during which the buffer held exactly ``length`` items."""
        return self._share(lambda n: n == length)

    @property
    def share_full(self) -> float:
        return self._share(lambda n: n >= self.capacity)

    @property
    def share_empty(self) -> float:
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

    def _share(self, keep: Callable[[int], bool]) -> float:
        if self.duration <= 0:
            return 0.0
        total = 0.0
        for i, length in enumerate(self.lengths):
            if keep(length):
                end = self.times[i + 1] if i + 1 < len(self.times) else self.duration
                total += max(0.0, min(end, self.duration) - self.times[i])
        return total / self.duration


class Tally:
    """One thread's running figures (each thread updates only its own)."""

    __slots__ = ("name", "role", "items", "waits", "total_wait")

    def __init__(self, name: str, role: str) -> None:
        self.name = name
        self.role = role
        self.items = 0
        self.waits = 0
        self.total_wait = 0.0


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

    def record(self) -> None:
        """Note the new length; called with the lock held, right after a change."""
        length = len(self.items)
        self.max_length = max(self.max_length, length)
        if len(self.times) < MAX_SAMPLES:
            self.times.append(self.clock() - self.origin)
            self.lengths.append(length)

    def waited(self, me: Tally, started: float) -> None:
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
                        self.waited(me, started)
                        return False
                    self.not_full.wait(POLL_SECONDS)
                self.waited(me, started)
            self.items.append(item)
            self.record()
            self.not_empty.notify()
        return True

    def get(self, me: Tally) -> object:
        """Take the oldest item, waiting while the buffer is empty (``DONE`` if stopped)."""
        with self.not_empty:
            if not self.items:
                started = self.clock()
                while not self.items:
                    if self.stop.is_set():
                        self.waited(me, started)
                        return DONE
                    self.not_empty.wait(POLL_SECONDS)
                self.waited(me, started)
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

    Each producer makes ``items`` items at ``produce_rate`` items/s (a sleep outside the lock)
    and puts them; each consumer takes items and uses them at ``consume_rate``. At the
    defaults the producers make 1,600 items/s together and the consumers use 400, so the
    buffer fills and the producers wait most of the ~80 ms run. A rate ratio of 4 keeps that
    true on every run even on a heavily loaded machine, where the OS can hold a thread up for
    20 ms or more; with a ratio of 2, a run now and then came out the other way.
    """
    settings = (producers, consumers, capacity, produce_rate, consume_rate, items, timeout)
    return run_buffer_threads(BufferModel, *settings, what="run_buffer")


class _BufferRun:
    """The producers and consumers of one run around ``buffer`` (any design with ``put`` and ``get``)."""

    def __init__(self, buffer: BufferModel, producers: int, consumers: int, items: int) -> None:
        self.buffer = buffer
        self.producers = producers
        self.consumers = consumers
        self.items = items
        self.taken: list[list[object]] = [[] for _ in range(consumers)]
        self.finished = 0  # producers done, guarded by the buffer's lock
        self.started: list[float] = []
        self.last_return: list[float] = []

    def pace(self, due: float, period: float, waited: bool) -> float | None:
        """Spend ``period`` s on one item, outside the lock; ``None`` if the run was stopped.

        Paced against a running deadline rather than with plain sleeps: time lost when the
        OS wakes the thread late is made up on the next items, so each thread keeps its rate
        on a busy machine (otherwise the faster side, with its shorter sleeps, would lose the
        most). After a wait in the buffer the pace restarts from now.
        """
        now = self.buffer.clock()
        due = (now if waited else due) + period
        stop = self.buffer.stop
        if due - now > 0 and stop.wait(due - now):  # like time.sleep, but ends at once if the run is stopped
            return None
        return None if stop.is_set() else due

    def producer(self, index: int, me: Tally, make_time: float) -> None:
        buffer = self.buffer
        due: float | None = buffer.clock()
        self.started.append(due)
        waited = False
        for k in range(self.items):
            due = self.pace(due, make_time, waited)  # making the item
            if due is None:
                return
            waits = me.waits
            if not buffer.put((index, k), me):
                return
            waited = me.waits != waits
            me.items += 1
        with buffer.lock:
            self.finished += 1
            last = self.finished == self.producers
        if last:  # no more items will come: one sentinel per consumer
            for _ in range(self.consumers):
                if not buffer.put(DONE, me):
                    return

    def consumer(self, index: int, me: Tally, use_time: float) -> None:
        buffer = self.buffer
        due: float | None = buffer.clock()
        self.started.append(due)
        while True:
            waits = me.waits
            item = buffer.get(me)
            if item is DONE:
                self.last_return.append(buffer.clock())
                return
            self.taken[index].append(item)
            me.items += 1
            due = self.pace(due, use_time, me.waits != waits)  # using the item
            if due is None:
                return


def run_buffer_threads(
    design: Callable[[int, threading.Event], BufferModel],
    producers: Any,
    consumers: Any,
    capacity: Any,
    produce_rate: Any,
    consume_rate: Any,
    items: Any,
    timeout: Any,
    *,
    what: str,
) -> BufferResult:
    """Check the arguments of :func:`run_buffer`, then run them around ``design(capacity, stop)``."""
    producers = check_int("producers", producers, 1, MAX_VALUES)
    consumers = check_int("consumers", consumers, 1, MAX_VALUES)
    capacity = check_int("capacity", capacity, 1, MAX_CAPACITY)
    produce_rate = check_float("produce_rate", produce_rate, 1.0, MAX_RATE, "items/s")
    consume_rate = check_float("consume_rate", consume_rate, 1.0, MAX_RATE, "items/s")
    items = check_int("items", items, 1, MAX_ITEMS)
    timeout = check_timeout(timeout)
    stop = threading.Event()
    buffer = design(capacity, stop)
    run = _BufferRun(buffer, producers, consumers, items)
    making = [Tally(f"P{i}", "producer") for i in range(1, producers + 1)]
    using = [Tally(f"C{i}", "consumer") for i in range(1, consumers + 1)]
    workers: list[Callable[[], object]] = [
        *(lambda i=i, t=t: run.producer(i, t, 1.0 / produce_rate) for i, t in enumerate(making)),
        *(lambda i=i, t=t: run.consumer(i, t, 1.0 / consume_rate) for i, t in enumerate(using)),
    ]
    buffer.origin = buffer.clock()
    run_workers(workers, names=[t.name for t in making + using], timeout=timeout, stop=stop, what=what)
    # Times count from the moment the first thread started working.
    shift = min(run.started) - buffer.origin if run.started else 0.0
    times = tuple(max(0.0, t - shift) if i else 0.0 for i, t in enumerate(buffer.times))
    duration = (max(run.last_return) - buffer.origin - shift) if run.last_return else times[-1]
    expected = sorted((i, k) for i in range(producers) for k in range(items))
    consumed = sorted(item for mine in run.taken for item in mine)  # type: ignore[type-var]
    return BufferResult(
        producers=producers,
        consumers=consumers,
        capacity=capacity,
        produce_rate=produce_rate,
        consume_rate=consume_rate,
        items=items,
        produced=sum(t.items for t in making),
        consumed=len(consumed),
        delivered_once=consumed == expected,
        max_length=buffer.max_length,
        times=times,
        lengths=tuple(buffer.lengths),
        duration=max(duration, times[-1]),
        threads=tuple(ThreadWaits(t.name, t.role, t.items, t.waits, t.total_wait) for t in making + using),
        spans=tuple(WaitSpan(n, role, max(0.0, s - shift), max(0.0, e - shift)) for n, role, s, e in buffer.spans),
        lock=buffer.lock.statistics(),
        python=platform.python_version(),
    )
