"""Condition-variable behaviour shown with forced schedules (notebook 05).

Some things a condition variable does only go wrong when threads run in one
particular order, which a real machine produces only now and then. To show
them on every run, these experiments force that order. They hand your
function an ordinary :class:`threading.Condition` built on a
:class:`ScriptedLock`: a lock that tells the schedule when a thread enters
``wait()`` and when it is woken, and that can hold a woken thread back, just
before it takes the lock again, until the schedule lets it go. Everything is
ordered with events and locks, never with sleeps, and every step has a
timeout, so a wrong function fails with a message instead of hanging.

* :func:`run_stolen_wakeup`: a consumer is woken for an item, and another
  consumer takes that item before the first one gets the lock back. A
  consumer that checks with ``if`` fails on every run; one that re-checks in a
  ``while`` loop (or uses ``wait_for``) never does.
* :func:`run_notify`: several consumers wait, one call of your producer puts an
  item for each and notifies. ``notify()`` wakes one of them, ``notify_all()``
  wakes all.

The bounded producer-consumer buffer of notebook 05.

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
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import get_ident
from typing import Any

from synclab._locks import LockWrapper
from synclab._threads import run_workers
from synclab._validate import check_float, check_int
from synclab.instruments import InstrumentedLock, LockStatistics

__all__ = [
    "DONE",
    "STOLEN_WAKEUP_SCHEDULE",
    "Aborted",
    "BufferResult",
    "NotifyResult",
    "ScriptedLock",
    "ThreadWaits",
    "WaitSpan",
    "WakeupResult",
    "run_buffer",
    "run_notify",
    "run_stolen_wakeup",
]


#: The forced order of :func:`run_stolen_wakeup`, in words.
STOLEN_WAKEUP_SCHEDULE = (
    "1. C1 calls take(): the buffer is empty, so it waits.",
    "2. The producer puts 'item 1' and calls notify(): C1 is woken.",
    "3. Before C1 gets the lock back (held back by the schedule), C2 calls take() and gets 'item 1'.",
    "4. C1 gets the lock back and returns from wait(): the buffer is empty again.",
    "5. If C1 waits again, the producer puts 'item 2' and C1 should get it.",
)

#: How long a stopped run gives threads to leave, in seconds.
GRACE_SECONDS = 2.0
#: How long :func:`run_notify` watches for more consumers after the last one woke.
SETTLE_SECONDS = 0.2


class Aborted(BaseException):
    """Raised inside ``wait()`` when a forced schedule is abandoned, so no thread is left waiting.

    It derives from :class:`BaseException` so that an ``except Exception`` in
    the code under test does not swallow it.
    """


class ScriptedLock(LockWrapper):
    """A lock for :class:`threading.Condition` that a schedule can watch and steer.

    It behaves like :class:`threading.Lock` (only its owner may release it),
    and it implements the three hooks ``Condition`` uses, so ``wait()`` goes
    through it: each thread entering ``wait()`` and each thread woken is noted,
    woken threads wait at :attr:`gate` before taking the lock back, and after
    :meth:`abort` every thread in ``wait()`` raises :class:`Aborted`.

    Args:
        seen: Notified whenever something is noted; the schedule waits on it.

    Attributes:
        entered: Names of the threads that entered ``wait()``, in order.
        woken: Names of the threads woken from ``wait()``, in order.
        gate: Woken threads wait for it before taking the lock back. Set (open)
            unless the schedule clears it.
        snapshot: ``None``, or a function returning what a thread sees of the
            shared state; it is called while the lock is held, as a thread
            enters ``wait()`` and as it gets the lock back inside ``wait()``.
        on_wait: ``(thread, snapshot())`` as each thread entered ``wait()``
            (only while :attr:`snapshot` is set).
        on_return: ``(thread, snapshot())`` as each thread got the lock back
            inside ``wait()`` (only while :attr:`snapshot` is set).
    """

    def __init__(self, seen: threading.Condition | None = None) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self.seen = seen if seen is not None else threading.Condition(threading.Lock())
        self.entered: list[str] = []
        self.woken: list[str] = []
        self.gate = threading.Event()
        self.gate.set()
        self.aborted = False
        self.gate_timeout = 10.0
        self.snapshot: Callable[[], object] | None = None
        self.on_wait: list[tuple[str, object]] = []
        self.on_return: list[tuple[str, object]] = []

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Acquire the lock, like :meth:`threading.Lock.acquire`."""
        if not self._lock.acquire(blocking, timeout):
            return False
        self._owner = get_ident()
        return True

    def release(self) -> None:
        """Release the lock.

        Raises:
            RuntimeError: The calling thread does not hold it.
        """
        if self._owner != get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        self._owner = None
        self._lock.release()

    def _note(self, names: list[str] | None, views: list[tuple[str, object]] | None = None) -> None:
        """Record the calling thread in ``names`` and what it sees in ``views``; wake the schedule."""
        name = threading.current_thread().name
        view = self.snapshot() if views is not None and self.snapshot is not None else None
        with self.seen:
            if names is not None:
                names.append(name)
            if views is not None and self.snapshot is not None:
                views.append((name, view))
            self.seen.notify_all()

    # -- the hooks threading.Condition uses ------------------------------------

    def _is_owned(self) -> bool:
        return self._owner == get_ident()

    def _release_save(self) -> None:
        if self.aborted:  # the lock is still held here, so the caller's `with` releases it
            raise Aborted("the forced schedule was abandoned")
        self._note(self.entered, self.on_wait)
        self.release()

    def _acquire_restore(self, _state: object) -> None:
        self._note(self.woken)
        self.gate.wait(self.gate_timeout)
        got = self.acquire(True, self.gate_timeout)
        if self.aborted:
            raise Aborted("the forced schedule was abandoned")
        if got:
            self._note(None, self.on_return)


class _Runner:
    """One named daemon thread running ``fn(*args)``, keeping its value or error."""

    def __init__(self, schedule: _Schedule, name: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.schedule = schedule
        self.name = name
        self.fn = fn
        self.args = args
        self.done = False
        self.aborted = False
        self.value: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._body, name=name, daemon=True)

    def _body(self) -> None:
        try:
            self.value = self.fn(*self.args)
        except Aborted:
            self.aborted = True
        except BaseException as exc:  # reported as the outcome
            self.error = exc
        finally:
            with self.schedule.seen:
                self.done = True
                self.schedule.seen.notify_all()


class _Schedule:
    """A buffer, a condition on a :class:`ScriptedLock`, and the threads of one forced run."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.seen = threading.Condition(threading.Lock())
        self.lock = ScriptedLock(self.seen)
        self.lock.gate_timeout = timeout
        self.cond = threading.Condition(self.lock)
        self.buffer: deque[Any] = deque()
        self.runners: list[_Runner] = []

    def start(self, name: str, fn: Callable[..., Any], *args: Any) -> _Runner:
        runner = _Runner(self, name, fn, args)
        self.runners.append(runner)
        runner.thread.start()
        return runner

    def wait_until(self, predicate: Callable[[], object], timeout: float | None = None) -> bool:
        """Wait until ``predicate()`` is true (checked whenever something is noted)."""
        with self.seen:
            return bool(self.seen.wait_for(predicate, self.timeout if timeout is None else timeout))

    def entered(self, name: str) -> int:
        return self.lock.entered.count(name)

    def put(self, *items: Any, notify: int | None = 1) -> bool:
        """As the producer: put ``items`` and notify ``notify`` waiters (``None``: all)."""
        if not self.lock.acquire(True, self.timeout):
            return False
        try:
            self.buffer.extend(items)
            if notify is None:
                self.cond.notify_all()
            else:
                self.cond.notify(notify)
        finally:
            self.lock.release()
        return True

    def finish(self) -> list[str]:
        """Stop every thread still waiting, join them all; return the names of any stuck ones."""
        if any(not r.done for r in self.runners):
            self.lock.aborted = True
            self.lock.gate.set()
            if self.lock.acquire(True, GRACE_SECONDS):
                try:
                    self.cond.notify_all()
                finally:
                    self.lock.release()
        deadline = time.perf_counter() + GRACE_SECONDS
        for runner in self.runners:
            runner.thread.join(max(0.0, deadline - time.perf_counter()))
        return [r.name for r in self.runners if r.thread.is_alive()]


def describe_error(exc: BaseException) -> str:
    """``"IndexError: pop from an empty deque"``."""
    return traceback.format_exception_only(type(exc), exc)[-1].strip()


def _stuck_note(stuck: Sequence[str]) -> str:
    if not stuck:
        return ""
    return f" Thread(s) {', '.join(stuck)} could not be stopped; restart the kernel to clear them."


@dataclass(frozen=True, slots=True)
class WakeupResult:
    """What :func:`run_stolen_wakeup` saw.

    Attributes:
        runs: How many times the schedule was forced.
        failures: One message per failed run, in order.
        kinds: The kind of each failure, in the same order: ``"raised"``,
            ``"wrong_item"``, ``"no_wait"``, ``"no_wait_call"``,
            ``"waited_with_item"`` or ``"stuck"``.
        trace: What happened in the first run, step by step.
    """

    runs: int
    failures: tuple[str, ...]
    kinds: tuple[str, ...]
    trace: tuple[str, ...]

    @property
    def failed_runs(self) -> int:
        """How many runs failed."""
        return len(self.failures)

    @property
    def failed_every_run(self) -> bool:
        """Whether every run failed."""
        return self.failed_runs == self.runs

    @property
    def never_failed(self) -> bool:
        """Whether no run failed."""
        return not self.failures


def _buffer_seen(contents: object) -> str:
    """A snapshot of the buffer in words: ``"the buffer is empty"``, ``"the buffer holds 'item 1'"``."""
    items = tuple(contents) if isinstance(contents, tuple) else ()
    return "the buffer is empty" if not items else "the buffer holds " + ", ".join(repr(item) for item in items)


def _seen_by(views: list[tuple[str, object]], name: str, nth: int = 1) -> str:
    """What thread ``name`` saw the ``nth`` time it is in ``views``, in words."""
    seen = [view for thread, view in views if thread == name]
    return _buffer_seen(seen[nth - 1]) if len(seen) >= nth else "what it saw was not recorded"


def _stolen_once(take: Callable[[Any, Any], Any], timeout: float) -> tuple[str, str, list[str]]:
    """Force the schedule once. Returns (kind, message, trace); kind ``"ok"`` when it went right.

    Every line of the trace states what this run recorded: the buffer as each
    consumer saw it (a snapshot taken under the lock as it entered ``wait()``
    and as it got the lock back), who was woken, and what each one returned
    or raised. Nothing is written before it was observed.
    """
    s = _Schedule(timeout)
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
            what = f"raised {describe_error(c1.error)}" if c1.error else f"returned {c1.value!r}"
            trace.append(f"C1: {what} without waiting")
            return ("no_wait", f"on an empty buffer, take() {what} instead of waiting for an item.", trace)
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
            what = f"raised {describe_error(c2.error)}" if c2.error else f"returned {c2.value!r}"
            trace.append(f"C2: {what}")
            return ("wrong_item", f"with 'item 1' in the buffer, take() {what} instead of returning 'item 1'.", trace)
        trace.append("C2: arrives, takes 'item 1' without waiting, and returns it")
        # 4. C1 gets the lock back: what does it see?
        s.lock.gate.set()
        if not s.wait_until(lambda: c1.done or s.entered("C1") >= 2):
            return ("stuck", "after it was woken, take() neither returned nor waited again.", trace)
        trace.append(f"C1: gets the lock back inside wait(); {_seen_by(s.lock.on_return, 'C1')}")
        if c1.done:
            if c1.error is not None:
                trace.append(f"C1: raised {describe_error(c1.error)}")
                return ("raised", f"after its item was taken, C1 raised {describe_error(c1.error)}.", trace)
            trace.append(f"C1: returned {c1.value!r}")
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
            what = f"raised {describe_error(c1.error)}" if c1.error else f"returned {c1.value!r}"
            trace.append(f"C1: {what}")
            return ("wrong_item", f"after 'item 2' arrived, C1 {what} instead of returning 'item 2'.", trace)
        trace.append(f"C1: gets the lock back inside wait(); {_seen_by(s.lock.on_return, 'C1', 2)}")
        trace.append("C1: returns 'item 2'")
        return ("ok", "", trace)
    finally:
        stuck = s.finish()
        if stuck:
            trace.append(_stuck_note(stuck).strip())


def run_stolen_wakeup(take: Callable[[Any, Any], Any], runs: int = 10, *, timeout: float = 2.0) -> WakeupResult:
    """Run ``take(buffer, cond)`` in two consumers under a forced stolen wake-up.

    The schedule (:data:`STOLEN_WAKEUP_SCHEDULE`) is forced with events, so it
    is the same on every run: C1 waits on the empty buffer, is woken for
    'item 1', and is held back while C2 takes that item; then C1 goes on. A
    ``take`` that re-checks the buffer in a ``while`` loop waits again and gets
    'item 2'; one that checks with ``if`` pops from an empty buffer.

    Args:
        take: A function ``take(buffer, cond)`` that waits on ``cond`` (a
            :class:`threading.Condition`) until ``buffer`` (a
            :class:`collections.deque`) is not empty, then removes and returns
            its first item.
        runs: How many times to force the schedule, 1 to 100.
        timeout: Seconds any one step may take (0.1 to 60) before the run is
            abandoned as stuck.

    Returns:
        A :class:`WakeupResult`.

    Raises:
        TypeError: ``take`` is not callable, or another argument has the wrong type.
        ValueError: ``runs`` or ``timeout`` is out of range.
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
    """What :func:`run_notify` saw.

    Attributes:
        consumers: Consumers waiting when the producer ran.
        items: Items the producer put.
        woken: Consumers that got an item after the producer ran.
        left: Items still in the buffer at the end.
        error: What the producer raised, or ``""``.
    """

    consumers: int
    items: int
    woken: int
    left: int
    error: str

    @property
    def still_waiting(self) -> int:
        """Consumers still waiting at the end, next to ``left`` items."""
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
    """Let ``consumers`` threads wait for an item each, then run ``put_items`` once.

    The consumers each take one item, with a correct ``while`` loop around
    ``wait()``. Once all of them are waiting (forced: the schedule waits until
    each has entered ``wait()``), ``put_items(buffer, cond, items)`` runs with
    one item per consumer. The result counts the consumers that got an item.
    A consumer nobody notifies never wakes, so the count does not depend on
    timing: after the last consumer to wake, the run watches for
    :data:`SETTLE_SECONDS` more, then stops the rest.

    Args:
        put_items: A function ``put_items(buffer, cond, items)`` that adds
            ``items`` to ``buffer`` and notifies waiters on ``cond``.
        consumers: Waiting consumers, 1 to 16.
        timeout: Seconds any one step may take (0.1 to 60).

    Returns:
        A :class:`NotifyResult`.

    Raises:
        TypeError: ``put_items`` is not callable, or another argument has the wrong type.
        ValueError: ``consumers`` or ``timeout`` is out of range.
    """
    if not callable(put_items):
        raise TypeError(
            f"put_items must be a function put_items(buffer, cond, items), got {put_items!r} "
            f"of type {type(put_items).__name__}"
        )
    consumers = check_int("consumers", consumers, 1, 16)
    timeout = check_float("timeout", timeout, 0.1, 60.0)
    s = _Schedule(timeout)
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
