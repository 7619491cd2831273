"""Plumbing of notebook 05: the forced-schedule harness and the bounded buffer's bookkeeping.

:class:`Schedule` gives a learner's function an ordinary :class:`threading.Condition` on a
:class:`ScriptedLock`, so one order of the threads (a stolen wake-up) is forced on every run.
:class:`BufferLog` times every wait and notes the buffer's length at every change.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from threading import get_ident
from typing import Any

from synclab._threads import exception_line, run_workers
from synclab.instruments import InstrumentedLock, LockWrapper

#: How long a finished schedule gives its threads to leave, in seconds: shorter than :data:`GRACE_SECONDS`,
#: so that a learner's function that cannot be stopped (it spins) is reported within about 2 s, not 5.
SCHEDULE_GRACE = 2.0


class Aborted(BaseException):
    """Raised inside ``wait()`` when a forced schedule is abandoned (``except Exception`` does not catch it)."""


class ScriptedLock(LockWrapper):
    """A lock for :class:`threading.Condition` that a schedule can watch and steer.

    Like :class:`threading.Lock` (only its owner may release it), plus the hooks ``Condition`` uses,
    so ``wait()`` goes through it: each thread entering ``wait()`` (``entered``) and each thread woken
    (``woken``) is noted and ``seen`` notified; woken threads wait at ``gate`` before taking the lock
    back; once ``aborted``, every thread in ``wait()`` raises :class:`Aborted`. While ``snapshot`` is
    set, what it returns (with the lock held) is noted in ``on_wait`` as a thread enters ``wait()``
    and in ``on_return`` as it gets the lock back.
    """

    def __init__(self, seen: threading.Condition | None = None, gate_timeout: float = 10.0) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None
        self.seen = seen or threading.Condition(threading.Lock())
        self.entered: list[str] = []
        self.woken: list[str] = []
        self.gate = threading.Event()
        self.gate.set()
        self.aborted = False
        self.gate_timeout = gate_timeout
        self.snapshot: Callable[[], object] | None = None
        self.on_wait: list[tuple[str, object]] = []
        self.on_return: list[tuple[str, object]] = []

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not self._lock.acquire(blocking, timeout):
            return False
        self._owner = get_ident()
        return True

    def release(self) -> None:
        if self._owner != get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        self._owner = None
        self._lock.release()

    def _note(self, names: list[str] | None, views: list[tuple[str, object]] | None = None) -> None:
        name = threading.current_thread().name
        with self.seen:
            if names is not None:
                names.append(name)
            if views is not None and self.snapshot is not None:
                views.append((name, self.snapshot()))
            self.seen.notify_all()

    # -- the hooks threading.Condition uses

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


class Runner:
    """One named daemon thread of a :class:`Schedule` running ``fn(*args)``, keeping its value or error."""

    def __init__(self, seen: threading.Condition, name: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.seen = seen
        self.name = name
        self.done = False
        self.aborted = False
        self.value: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._body, args=(fn, args), name=name, daemon=True)
        self.thread.start()

    def _body(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            self.value = fn(*args)
        except Aborted:
            self.aborted = True
        except BaseException as exc:  # reported as the outcome
            self.error = exc
        finally:
            with self.seen:
                self.done = True
                self.seen.notify_all()


class Schedule:
    """A buffer, a condition on a :class:`ScriptedLock`, and the threads of one forced run.

    Every step waits with ``timeout``: a wrong function fails with a message instead of hanging.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.seen = threading.Condition(threading.Lock())
        self.lock = ScriptedLock(self.seen, timeout)
        self.cond = threading.Condition(self.lock)
        self.buffer: deque[Any] = deque()
        self.runners: list[Runner] = []

    def start(self, name: str, fn: Callable[..., Any], *args: Any) -> Runner:
        self.runners.append(Runner(self.seen, name, fn, args))
        return self.runners[-1]

    def wait_until(self, predicate: Callable[[], object], timeout: float | None = None) -> bool:
        """Wait until ``predicate()`` is true (checked whenever something is noted)."""
        with self.seen:
            return bool(self.seen.wait_for(predicate, self.timeout if timeout is None else timeout))

    def entered(self, name: str) -> int:
        return self.lock.entered.count(name)

    def put(self, item: Any) -> bool:
        """As the producer: put ``item`` and notify one waiter; ``False`` if the lock stayed busy."""
        if not self.lock.acquire(True, self.timeout):
            return False
        try:
            self.buffer.append(item)
            self.cond.notify()
        finally:  # even on KeyboardInterrupt: finish() needs the lock
            self.lock.release()
        return True

    def finish(self) -> list[str]:
        """Stop every thread still waiting, join them all; return the names of any stuck ones."""
        if any(not r.done for r in self.runners):
            self.lock.aborted = True
            self.lock.gate.set()
            if self.lock.acquire(True, SCHEDULE_GRACE):
                try:
                    self.cond.notify_all()
                finally:
                    self.lock.release()
        deadline = time.perf_counter() + SCHEDULE_GRACE
        for runner in self.runners:
            runner.thread.join(max(0.0, deadline - time.perf_counter()))
        return [r.name for r in self.runners if r.thread.is_alive()]


def _seen_by(views: list[tuple[str, object]], name: str, nth: int = 1) -> str:
    """What thread ``name`` saw of the buffer the ``nth`` time it is in ``views``, in words."""
    seen = [view for thread, view in views if thread == name]
    if len(seen) < nth:
        return "what it saw was not recorded"
    items = seen[nth - 1]
    return "the buffer holds " + ", ".join(map(repr, items)) if items else "the buffer is empty"


def _what(runner: Runner) -> str:
    return f"raised {exception_line(runner.error)}" if runner.error else f"returned {runner.value!r}"


def force_stolen_wakeup(take: Callable[[Any, Any], Any], timeout: float, trace: list[str]) -> tuple[str, str]:
    """Force the stolen wake-up once on ``take``: (kind, message), kind ``"ok"`` when it went right.

    Appends to ``trace`` only what this run recorded (the buffer as each consumer saw it under the
    lock, who was woken, what each returned); nothing is written before it was observed.
    """
    s = Schedule(timeout)
    s.lock.snapshot = lambda: tuple(s.buffer)
    try:
        # 1. C1 finds the buffer empty and waits.
        c1 = s.start("C1", take, s.buffer, s.cond)
        if not s.wait_until(lambda: c1.done or s.entered("C1")):
            trace.append("C1: neither waited nor returned on the empty buffer")
            s.put("item 1")  # lets a function that polls the buffer return
            return "no_wait_call", (
                "take() neither waited nor returned on an empty buffer: does it loop without calling cond.wait()?"
            )
        if c1.done:
            trace.append(f"C1: {_what(c1)} without waiting")
            return "no_wait", f"on an empty buffer, take() {_what(c1)} instead of waiting for an item."
        trace.append(f"C1: calls wait(); {_seen_by(s.lock.on_wait, 'C1')}")
        # 2. The producer puts one item and wakes one waiter; C1 will be held at the gate.
        s.lock.gate.clear()
        if not s.put("item 1"):
            return "stuck", "the producer could not get the lock: is a thread holding it while it loops?"
        trace.append("producer: puts 'item 1' and calls notify()")
        if not s.wait_until(lambda: "C1" in s.lock.woken):
            return "stuck", "C1 was notified but never woke up."
        trace.append("C1: is woken, and held back before it gets the lock again (forced)")
        # 3. C2 arrives and takes the item first.
        c2 = s.start("C2", take, s.buffer, s.cond)
        if not s.wait_until(lambda: c2.done or s.entered("C2")) or not c2.done:
            trace.append(f"C2: calls wait(); {_seen_by(s.lock.on_wait, 'C2')}")
            return "waited_with_item", "take() waited although the buffer held an item."
        if c2.error is not None or c2.value != "item 1":
            trace.append(f"C2: {_what(c2)}")
            return "wrong_item", f"with 'item 1' in the buffer, take() {_what(c2)} instead of returning 'item 1'."
        trace.append("C2: arrives, takes 'item 1' without waiting, and returns it")
        # 4. C1 gets the lock back: what does it see?
        s.lock.gate.set()
        if not s.wait_until(lambda: c1.done or s.entered("C1") >= 2):
            return "stuck", "after it was woken, take() neither returned nor waited again."
        trace.append(f"C1: gets the lock back inside wait(); {_seen_by(s.lock.on_return, 'C1')}")
        if c1.done:
            trace.append(f"C1: {_what(c1)}")
            if c1.error is not None:
                return "raised", f"after its item was taken, C1 raised {exception_line(c1.error)}."
            return (
                "wrong_item",
                f"after its item was taken, C1 returned {c1.value!r} instead of waiting for the next item.",
            )
        trace.append(f"C1: calls wait() again; {_seen_by(s.lock.on_wait, 'C1', 2)}")
        # 5. A second item for C1.
        if not s.put("item 2"):
            return "stuck", "the producer could not get the lock for 'item 2'."
        trace.append("producer: puts 'item 2' and calls notify()")
        if not s.wait_until(lambda: c1.done):
            return "stuck", "C1 did not return after 'item 2' arrived."
        if c1.error is not None or c1.value != "item 2":
            trace.append(f"C1: {_what(c1)}")
            return "wrong_item", f"after 'item 2' arrived, C1 {_what(c1)} instead of returning 'item 2'."
        trace.append(f"C1: gets the lock back inside wait(); {_seen_by(s.lock.on_return, 'C1', 2)}")
        trace.append("C1: returns 'item 2'")
        return "ok", ""
    finally:
        stuck = s.finish()
        if stuck:
            trace.append(f"Thread(s) {', '.join(stuck)} could not be stopped; restart the kernel to clear them.")


#: How long :func:`force_notify` watches for more consumers after the last one woke.
SETTLE_SECONDS = 0.2


def force_notify(
    take: Callable[[Any, Any], Any], put_items: Callable[[Any, Any, list[Any]], Any], consumers: int, timeout: float
) -> tuple[int, int, str]:
    """Start ``consumers`` threads running ``take(buffer, cond)``; once all wait, ``put_items`` one item each.

    Returns how many consumers woke and returned, the items left and what the producer raised. A consumer
    nobody notifies never wakes, so after the last one to wake, :data:`SETTLE_SECONDS` more are enough.
    """
    s = Schedule(timeout)
    items = [f"item {i}" for i in range(1, consumers + 1)]
    error = ""

    def woken() -> int:
        return sum(t.done and not t.aborted for t in takers)

    try:
        takers = [s.start(f"C{i}", take, s.buffer, s.cond) for i in range(1, consumers + 1)]
        if not s.wait_until(lambda: len(s.lock.entered) >= consumers):
            raise RuntimeError("the consumers did not all start waiting")  # machine far too busy
        producer = s.start("producer", put_items, s.buffer, s.cond, items)
        if not s.wait_until(lambda: producer.done):
            error = f"put_items did not return within {timeout:g} s"
        elif producer.error is not None:
            error = exception_line(producer.error)
        if not error and s.wait_until(lambda: woken() >= 1):
            while woken() < consumers:
                seen = woken()
                if not s.wait_until(lambda seen=seen: woken() > seen, SETTLE_SECONDS):
                    break
        return woken(), len(s.buffer), error
    finally:
        s.finish()


# -- the bookkeeping of the bounded buffer ----------------------------------------------

#: Buffer-length changes and wait spans kept for the plots (figures stay exact).
MAX_SAMPLES = 20_000


@dataclass(slots=True)
class Tally:
    """One thread's running figures (each thread updates only its own); frozen, a result's ``ThreadWaits``."""

    name: str
    role: str
    items: int = 0
    waits: int = 0
    total_wait: float = 0.0


class BufferLog:
    """A buffer's items and instrumented lock; its length at every change and every wait, on ``clock``."""

    def __init__(self, capacity: int, stop: threading.Event) -> None:
        self.capacity = capacity
        self.stop = stop
        self.items: deque[object] = deque()
        self.lock = InstrumentedLock(name="buffer lock")
        self.clock = time.perf_counter
        self.times: list[float] = [0.0]  # the first entry stands for the start of the run
        self.lengths: list[int] = [0]
        self.spans: list[tuple[str, str, float, float]] = []
        self.max_length = 0

    def record(self) -> None:
        """Note the new length; called with the lock held, right after a change."""
        length = len(self.items)
        self.max_length = max(self.max_length, length)
        if len(self.times) < MAX_SAMPLES:
            self.times.append(self.clock())
            self.lengths.append(length)

    def waited(self, me: Tally, started: float) -> None:
        ended = self.clock()
        me.waits += 1
        me.total_wait += ended - started
        if len(self.spans) < MAX_SAMPLES:
            self.spans.append((me.name, me.role, started, ended))

    def pace(self, due: float, period: float, waited: bool) -> float | None:
        """Spend ``period`` s on one item, outside the lock; the next due time, ``None`` if the run was stopped.

        Paced against a running deadline, not plain sleeps: time lost when the OS wakes the thread late is
        made up on the next items, so each side keeps its rate on a busy machine (the faster side, with its
        shorter sleeps, would lose the most). After a wait in the buffer the pace restarts from now.
        """
        now = self.clock()
        due = (now if waited else due) + period
        if due - now > 0 and self.stop.wait(due - now):  # like time.sleep, but ends at once if the run is stopped
            return None
        return None if self.stop.is_set() else due


#: The sentinel a consumer stops at: "no more items will come".
DONE = object()


class BufferRun:
    """The producers and consumers of one run around ``buffer`` (any design with ``put`` and ``get``)."""

    def __init__(self, buffer: Any, producers: int, consumers: int, items: int) -> None:
        self.buffer = buffer
        self.producers = producers
        self.consumers = consumers
        self.items = items
        self.taken: list[list[object]] = [[] for _ in range(consumers)]
        self.finished = 0  # producers done, guarded by the buffer's lock
        self.started: list[float] = []
        self.last_return: list[float] = []
        self.making = [Tally(f"P{i}", "producer") for i in range(1, producers + 1)]
        self.using = [Tally(f"C{i}", "consumer") for i in range(1, consumers + 1)]

    def producer(self, index: int, me: Tally, make_time: float) -> None:
        buffer = self.buffer
        due: float | None = buffer.clock()
        self.started.append(due)
        waited = False
        for k in range(self.items):
            due = buffer.pace(due, make_time, waited)  # making the item
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
            due = buffer.pace(due, use_time, me.waits != waits)  # using the item
            if due is None:
                return

    def run(self, make_time: float, use_time: float, timeout: float, what: str) -> tuple[Any, float, list[Any]]:
        """Run every producer and consumer; the times of the length changes, the duration and the waits.

        Times count from when the first thread started working; the run lasts until the last consumer
        took its sentinel (every consumer does, unless the run failed and raised).
        """
        buffer = self.buffer
        workers: list[Callable[[], object]] = [
            *(lambda i=i, t=t: self.producer(i, t, make_time) for i, t in enumerate(self.making)),
            *(lambda i=i, t=t: self.consumer(i, t, use_time) for i, t in enumerate(self.using)),
        ]
        names = [t.name for t in self.making + self.using]
        run_workers(workers, names=names, timeout=timeout, stop=buffer.stop, what=what)
        start = min(self.started)
        times = (0.0, *(t - start for t in buffer.times[1:]))
        spans = [(name, role, s - start, e - start) for name, role, s, e in buffer.spans]
        return times, max(self.last_return) - start, spans
