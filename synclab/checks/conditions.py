"""Checks of the exercises of notebook 05: ``put`` on a bounded buffer (5.1) and a consumer that stops (5.2).

The check forces, on every run: a stolen wake-up (a woken thread is held while another takes what
it was woken for), producers ahead of a consumer on the one condition (``notify()`` wakes only
producers), and a timed wait that runs out. Every step is ordered by what the threads do, never by sleeps.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from synclab.checks._base import (
    HOLD_PATIENCE,
    CheckResult,
    Runner,
    Trial,
    describe_exception,
    first_fault,
    not_yet,
    passed,
)
from synclab.checks._guards import CancelScope, CheckCancelled, GuardedCondition, GuardedLock
from synclab.experiments.conditions import wait_and_take

CAPACITY = 1
#: Exercise 5.1: producers waiting ahead of the consumer on the one condition.
PRODUCERS_AHEAD = 3
#: Exercise 5.2: consumers in the closing scenario, items while open, items left at the close.
CONSUMERS = 3
OPEN_ITEMS = 5
LEFT_ITEMS = 5
#: Looks at the buffer without waiting that mark a thread as polling instead of waiting.
POLL_LOOKS = 50
#: Seconds the check waits for the lock to act on the buffer itself.
STEP_SECONDS = 1.0

_WAIT_FULL = "While the buffer is full, wait: while len(buffer) >= capacity: cond.wait()"
_APPEND_ITEM = "Append exactly the item you were given: buffer.append(item)."
_APPEND_AFTER_WAIT = "After the wait loop, append the item and return."
_WHILE_PUT = (
    "A woken thread must check again before it acts: while len(buffer) >= capacity: cond.wait() (or "
    "cond.wait_for(lambda: len(buffer) < capacity))."
)
_WAIT_CLOSED = (
    "Wait for 'an item or closed': cond.wait_for(lambda: buffer or closed.is_set()); then, if the buffer "
    "is empty, it is closed: return."
)
_WHILE_CONSUME = (
    "A woken thread must check again: cond.wait_for(lambda: buffer or closed.is_set()) (or a while loop around "
    "cond.wait()), then return only if the buffer is empty."
)


class Buffer(deque):
    """A ``deque`` that notes changes made without the lock, appends over capacity, and looks at its length."""

    def __init__(self, scope: CancelScope, lock: GuardedLock, capacity: int | None = None, items: Iterable[Any] = ()):
        self._scope = scope
        self._guard = lock
        self.capacity = capacity
        self.over = 0
        self.unlocked_changes = 0
        self.looks: dict[str, int] = {}
        super().__init__(items)

    def size(self) -> int:
        """How many items it holds, without counting a look (for the check)."""
        return deque.__len__(self)

    def __len__(self) -> int:
        self._scope.check()
        name = threading.current_thread().name
        self.looks[name] = self.looks.get(name, 0) + 1
        return deque.__len__(self)

    def __bool__(self) -> bool:
        # deque has its own __bool__ on CPython 3.10 (not on 3.11+): count it as a look there too.
        return self.__len__() > 0

    def _changed(self) -> None:
        if not self._guard.held_by_me():
            self.unlocked_changes += 1
        if self.capacity is not None and deque.__len__(self) > self.capacity:
            self.over += 1

    def __iadd__(self, items: Iterable[Any]) -> Buffer:
        self.extend(items)
        return self

    def __repr__(self) -> str:
        return f"deque({list(self)!r})"


def _mutator(method: Callable[..., Any]) -> Callable[..., Any]:
    def changes(self: Buffer, *args: Any) -> Any:
        self._scope.check()
        result = method(self, *args)
        self._changed()
        return result

    changes.__name__ = changes.__qualname__ = method.__name__
    return changes


# Every deque method that changes it: checked for cancelling, then noted by _changed.
for _name in ("append", "appendleft", "extend", "extendleft", "insert", "popleft", "pop", "remove", "clear"):
    setattr(Buffer, _name, _mutator(getattr(deque, _name)))


class _Bench:
    """One forced run: a trial, its lock, condition and buffer, and the check's own moves on them."""

    def __init__(self, trial: Trial, items: Iterable[Any] = ()) -> None:
        self.trial = trial
        self.lock = trial.lock("the buffer's lock")
        self.cond: GuardedCondition = trial.condition(self.lock, "cond")
        self.buffer = Buffer(trial, self.lock, CAPACITY, items)

    def act(self, action: Callable[[], object]) -> bool:
        """Run ``action()`` holding the lock, as the check's own producer or consumer; ``False`` if it could not."""
        try:
            if not self.lock.acquire(timeout=STEP_SECONDS):
                return False
            try:
                action()
            finally:
                self.lock.release()
        except CheckCancelled:
            return False
        return True

    def settle(self, runners: Sequence[Runner], *, patient: bool = True) -> dict[str, str]:
        """Wait until each runner waits on ``cond`` or is done; ``{name: state}``."""
        start = time.monotonic()
        looks = {r.name: self.buffer.looks.get(r.name, 0) for r in runners}
        timeouts = {r.name: self.cond.timed_out.count(r.name) for r in runners}

        def state(runner: Runner) -> str:
            name = runner.name
            if runner.done:
                return "stopped" if runner.cancelled else "done"
            timed = self.cond.waiting.get(name)
            late = time.monotonic() - start > HOLD_PATIENCE
            if timed is False or (timed and (not patient or late or self.cond.timed_out.count(name) > timeouts[name])):
                return "waiting"
            looked = self.buffer.looks.get(name, 0) - looks[name]
            if timed is None and (looked > POLL_LOOKS or (late and looked >= 2)):
                return "polling"
            return ""

        self.trial.wait(until=lambda: all(state(r) for r in runners))
        return {r.name: state(r) or "stopped" for r in runners}


@contextlib.contextmanager
def _forced(what: str) -> Iterator[Trial]:
    with Trial(what=what) as trial:
        try:
            yield trial
        finally:
            trial.cancel()


def _woken(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "nobody"


def _polling(exercise: str, who: str, wait: str) -> CheckResult:
    return not_yet(
        exercise,
        f"{who} neither waited on cond nor returned: it kept looking at the buffer (a loop without cond.wait()?).",
        "Sleep until notified instead of looking again and again: " + wait,
    )


def _trouble(exercise: str, trial: Trial, runner: Runner | None = None) -> CheckResult:
    error = runner.error if runner is not None else None
    if error is not None:
        problem = trial.trouble()
        hint = problem[1] if problem else "Read the error, fix the function and run the cell again."
        return not_yet(exercise, f"{describe_exception(error, runner.name)}.{trial.stuck_note()}", hint)
    problem = trial.trouble()
    if problem is None:
        return not_yet(
            exercise,
            "a thread neither waited nor finished in time.",
            "Wait with cond.wait() (or cond.wait_for) inside with cond:, and return when done.",
        )
    return not_yet(exercise, *problem)


# -- exercise 5.1 ------------------------------------------------------------------------------


def _put_on_full(exercise: str, bench: _Bench, runner: Runner, state: str, when: str) -> CheckResult | None:
    if state == "waiting":
        return None
    name = runner.name
    ran_out = name in bench.cond.timed_out
    if state == "done" and runner.error is None:
        if bench.buffer.over:
            timeout = " when its wait(timeout) ran out" if ran_out else ""
            return not_yet(
                exercise,
                f"{when}, {name} added its item{timeout}: the buffer held {bench.buffer.size()} items with capacity "
                f"{CAPACITY}.",
                "A wait with a timeout returns False when the time ran out: the buffer may still be full. Check "
                "again in a while loop (or use cond.wait_for without a timeout)."
                if ran_out
                else _WAIT_FULL,
            )
        return not_yet(exercise, f"{when}, {name}'s put() returned without adding its item.", _WAIT_FULL)
    if state == "polling":
        return _polling(exercise, f"{when}, {name}'s put()", _WAIT_FULL)
    return _trouble(exercise, bench.trial, runner)


def _put_with_room(bench: _Bench, runner: Runner, when: str) -> CheckResult | None:
    state = bench.settle([runner], patient=False)[runner.name]
    if state == "waiting":
        return not_yet(
            "5.1",
            f"{when}, {runner.name}'s put() waited instead of adding its item.",
            "Wait only while the buffer is full: " + _WAIT_FULL,
        )
    if state != "done" or runner.error is not None:
        return _trouble("5.1", bench.trial, runner)
    return None


def _put_wakes_a_consumer(put: Callable[..., Any]) -> CheckResult | None:
    exercise = "5.1"
    with _forced("put") as trial:
        bench = _Bench(trial)
        consumer = trial.start("C", wait_and_take, bench.buffer, bench.cond)
        if bench.settle([consumer])["C"] != "waiting":
            return _trouble(exercise, trial)
        producer = trial.start("P1", put, bench.buffer, bench.cond, "item 1", CAPACITY)
        if (verdict := _put_with_room(bench, producer, "on an empty buffer (capacity 1)")) is not None:
            return verdict
        if bench.buffer.unlocked_changes:
            return not_yet(
                exercise,
                "put() changed the buffer without holding cond's lock.",
                "Do everything inside with cond: (the condition's lock): the check, the wait and the append.",
            )
        if "C" not in bench.cond.notified:
            return not_yet(
                exercise,
                "a consumer C was waiting for an item on the empty buffer, and put() did not wake it (it slept "
                "next to the item).",
                "After buffer.append(item), wake the waiting consumers: cond.notify_all().",
            )
        if not trial.wait(runners=[consumer]) or consumer.value != "item 1":
            took = consumer.done and not consumer.cancelled
            return not_yet(
                exercise,
                f"put('item 1') woke the waiting consumer, which then took {consumer.value!r} instead of 'item 1'."
                if took
                else "put('item 1') woke the waiting consumer, but it found no item: put() did not add its item to "
                "the buffer.",
                _APPEND_ITEM,
            )
    return None


def _put_slot_stolen(put: Callable[..., Any]) -> CheckResult | None:
    exercise = "5.1"
    with _forced("put") as trial:
        bench = _Bench(trial, ["old item"])
        p1 = trial.start("P1", put, bench.buffer, bench.cond, "item 1", CAPACITY)
        if (verdict := _put_on_full(exercise, bench, p1, bench.settle([p1])["P1"], "on a full buffer")) is not None:
            return verdict
        bench.cond.hold_woken()
        if not bench.act(lambda: (bench.buffer.popleft(), bench.cond.notify())) or "P1" not in bench.cond.notified:
            return _trouble(exercise, trial)
        p2 = trial.start("P2", put, bench.buffer, bench.cond, "item 2", CAPACITY)
        if (verdict := _put_with_room(bench, p2, "with a free slot in the buffer")) is not None:
            return verdict
        if list(bench.buffer) != ["item 2"]:
            return not_yet(
                exercise,
                f"with a free slot, P2's put() left the buffer holding {list(bench.buffer)!r} instead of ['item 2'].",
                "Append the item you were given: buffer.append(item).",
            )
        bench.cond.let_go("P1")
        state = bench.settle([p1], patient=False)["P1"]
        if state == "done" and p1.error is None and bench.buffer.over:
            return not_yet(
                exercise,
                "P1 was woken for a free slot, but P2 took it before P1 had the lock back (the check holds P1 back "
                "to force that). P1 added its item anyway: the buffer held 2 items with capacity 1.",
                _WHILE_PUT,
            )
        if (verdict := _put_on_full(exercise, bench, p1, state, "after P2 took the free slot")) is not None:
            return verdict
        bench.cond.let_woken_go()
        if not bench.act(lambda: (bench.buffer.popleft(), bench.cond.notify_all())) or not trial.wait(runners=[p1]):
            return not_yet(
                exercise,
                "P1 did not return after room was made for it again.",
                _APPEND_AFTER_WAIT,
            )
        if p1.error is not None:
            return _trouble(exercise, trial, p1)
        if list(bench.buffer) != ["item 1"] or bench.buffer.over or bench.buffer.unlocked_changes:
            return not_yet(
                exercise,
                f"after its wait, P1 left the buffer holding {list(bench.buffer)!r} instead of ['item 1'].",
                "After the wait loop, append the item inside with cond:.",
            )
    return None


def _put_past_producers(put: Callable[..., Any]) -> CheckResult | None:
    exercise = "5.1"
    names = [f"P{i}" for i in range(1, PRODUCERS_AHEAD + 2)]
    with _forced("put") as trial:
        bench = _Bench(trial, ["old item"])
        producers = {}
        for name in names:
            runner = producers[name] = trial.start(name, put, bench.buffer, bench.cond, f"item {name[1:]}", CAPACITY)
            state = bench.settle([runner])[name]
            if (verdict := _put_on_full(exercise, bench, runner, state, "on a full buffer")) is not None:
                return verdict
        bench.cond.hold_woken()
        if not bench.act(lambda: (bench.buffer.popleft(), bench.cond.notify())) or not bench.cond.notified:
            return _trouble(exercise, trial)
        consumer = trial.start("C", wait_and_take, bench.buffer, bench.cond)
        if bench.settle([consumer])["C"] != "waiting":
            return _trouble(exercise, trial)
        # The longest waiter is woken: P1, unless waits with a timeout ran out and changed the order.
        first = bench.cond.notified[-1]
        ahead = ", ".join(name for name in names if name != first)
        item = f"item {first[1:]}"
        before, entries = len(bench.cond.notified), bench.cond.entered.count(first)
        bench.cond.let_go(first)
        woken_producer = producers[first]
        if (
            not trial.wait(until=lambda: woken_producer.done or bench.cond.entered.count(first) > entries)
            or not woken_producer.done
        ):
            return not_yet(
                exercise,
                f"{first} was woken with a free slot in the buffer, but its put() did not add its item and return.",
                _APPEND_AFTER_WAIT,
            )
        if woken_producer.error is not None:
            return _trouble(exercise, trial, woken_producer)
        woken = bench.cond.notified[before:]
        if "C" not in woken:
            return not_yet(
                exercise,
                f"producers {ahead} and then a consumer C were waiting on the one condition when {first} added its "
                f"item. {first} woke {_woken(woken)}: producers, which find the buffer full again, while C, waiting "
                "for that very item, slept on."
                if woken
                else f"producers {ahead} and then a consumer C were waiting on the one condition when {first} added "
                "its item, and it woke nobody: C slept next to the item.",
                "notify() (or notify(n)) wakes the threads that waited longest, and on a condition shared by "
                "producers and consumers they may all be producers. After buffer.append(item), call cond.notify_all().",
            )
        bench.cond.let_woken_go()
        if not trial.wait(runners=[consumer]) or consumer.value != item:
            return not_yet(
                exercise,
                f"the consumer woken by {first} did not get {item!r}.",
                _APPEND_ITEM,
            )
    return None


def check_put(put: Callable[[Any, Any, Any, int], Any]) -> CheckResult:
    """Exercise 5.1: ``put(buffer, cond, item, capacity)`` waits while full, survives a stolen slot, wakes consumers."""
    exercise = "5.1"
    scenarios = (_put_wakes_a_consumer, _put_slot_stolen, _put_past_producers)
    if (verdict := first_fault(exercise, put, "def put(buffer, cond, item, capacity):", scenarios)) is not None:
        return verdict
    return passed(
        exercise,
        "put() woke a waiting consumer; on a full buffer it waited, and when the free slot it was woken for was "
        f"taken first, it waited again instead of overfilling the buffer; and with {PRODUCERS_AHEAD} producers "
        "waiting ahead of a consumer on the one condition, its wake-up still reached the consumer.",
    )


# -- exercise 5.2 ------------------------------------------------------------------------------


def _consumer_on_empty(bench: _Bench, runner: Runner, state: str, when: str) -> CheckResult | None:
    exercise = "5.2"
    if state == "waiting":
        return None
    name = runner.name
    if state == "done" and runner.error is None:
        ran_out = name in bench.cond.timed_out
        return not_yet(
            exercise,
            f"{when}, {name} returned although the buffer was not closed"
            + (" (its wait with a timeout ran out)." if ran_out else "."),
            "A quiet buffer is not a closed one: keep waiting (without a timeout) until there is an item or closed "
            "is set: cond.wait_for(lambda: buffer or closed.is_set())."
            if ran_out
            else "Return only when the buffer is empty AND closed is set; otherwise wait.",
        )
    if state == "polling":
        return _polling(exercise, f"{when}, {name}", "cond.wait_for(lambda: buffer or closed.is_set()).")
    return _trouble(exercise, bench.trial, runner)


def _outs_hold(outs: Sequence[list[Any]], expected: list[Any]) -> tuple[bool, str]:
    got = [item for out in outs for item in out]
    if sorted(got, key=repr) == sorted(expected, key=repr):
        return True, ""
    if len(got) > len(set(map(repr, got))):
        return False, "some items reached out more than once"
    return False, "some items never reached out"


def _consume_stolen(consume: Callable[..., Any]) -> CheckResult | None:
    exercise = "5.2"
    with _forced("consume") as trial:
        bench = _Bench(trial)
        closed = trial.event("closed")
        outs: list[list[Any]] = [[], []]
        c1 = trial.start("C1", consume, bench.buffer, bench.cond, closed, outs[0])
        state = bench.settle([c1])["C1"]
        if (verdict := _consumer_on_empty(bench, c1, state, "on an empty buffer")) is not None:
            return verdict
        bench.cond.hold_woken()
        if (
            not bench.act(lambda: (bench.buffer.append("item 1"), bench.cond.notify()))
            or "C1" not in bench.cond.notified
        ):
            return _trouble(exercise, trial)
        c2 = trial.start("C2", consume, bench.buffer, bench.cond, closed, outs[1])
        state = bench.settle([c2], patient=False)["C2"]
        if (verdict := _consumer_on_empty(bench, c2, state, "after taking 'item 1'")) is not None:
            return verdict
        if bench.buffer.size():
            return not_yet(
                exercise,
                "C2 found 'item 1' in the buffer and waited without taking it.",
                "Take an item as soon as there is one: buffer.popleft().",
            )
        bench.cond.let_go("C1")
        state = bench.settle([c1], patient=False)["C1"]
        if state == "done":
            what = (
                describe_exception(c1.error, "C1").removeprefix("C1 ")
                if c1.error is not None
                else "returned although the buffer was not closed"
            )
            return not_yet(
                exercise,
                "C1 was woken for 'item 1', but C2 took it before C1 had the lock back (the check holds C1 back to "
                f"force that). C1 found the buffer empty and {what}.",
                _WHILE_CONSUME,
            )
        if (verdict := _consumer_on_empty(bench, c1, state, "after its item was taken")) is not None:
            return verdict
        bench.cond.let_woken_go()
        if not bench.act(lambda: (closed.set(), bench.cond.notify_all())):
            return _trouble(exercise, trial)
        if not trial.wait(runners=[c1, c2]):
            still = [r.name for r in (c1, c2) if r.cancelled or not r.done]
            return not_yet(
                exercise,
                f"after the buffer was closed (and empty) and cond.notify_all() called, {' and '.join(still)} still "
                "waited, so the check stopped them.",
                _WAIT_CLOSED,
            )
        if (failed := next((r for r in (c1, c2) if r.error is not None), None)) is not None:
            return _trouble(exercise, trial, failed)
        ok, what = _outs_hold(outs, ["item 1"])
        if not ok:
            return not_yet(exercise, f"with one item put and taken, {what}.", "Append every item you take to out.")
    return _took_unlocked(bench)


def _took_unlocked(bench: _Bench) -> CheckResult | None:
    if bench.buffer.unlocked_changes:
        return not_yet(
            "5.2",
            "consume took items from the buffer without holding cond's lock: another consumer could take the same "
            "last item between your look and your take.",
            "Look at the buffer and take the item inside with cond:.",
        )
    return None


def _consume_drain(consume: Callable[..., Any]) -> CheckResult | None:
    exercise = "5.2"
    with _forced("consume") as trial:
        bench = _Bench(trial)
        closed = trial.event("closed")
        outs: list[list[Any]] = [[] for _ in range(CONSUMERS)]
        runners = [
            trial.start(f"C{i}", consume, bench.buffer, bench.cond, closed, outs[i - 1])
            for i in range(1, CONSUMERS + 1)
        ]
        states = bench.settle(runners)
        for runner in runners:
            if (verdict := _consumer_on_empty(bench, runner, states[runner.name], "on an empty buffer")) is not None:
                return verdict
        for item in range(OPEN_ITEMS):
            if not bench.act(lambda item=item: (bench.buffer.append(item), bench.cond.notify())):
                return _trouble(exercise, trial)
        if not trial.wait(until=lambda: not bench.buffer.size()):
            return _trouble(exercise, trial)
        states = bench.settle(runners, patient=False)
        for runner in runners:
            if (verdict := _consumer_on_empty(bench, runner, states[runner.name], "with the buffer open")) is not None:
                return verdict
        items = range(OPEN_ITEMS, OPEN_ITEMS + LEFT_ITEMS)
        if not bench.act(lambda: (bench.buffer.extend(items), closed.set(), bench.cond.notify_all())):
            return _trouble(exercise, trial)
        if not trial.wait(runners=runners):
            return not_yet(
                exercise,
                "after the buffer was closed and cond.notify_all() called, some consumers still waited, so the check "
                "stopped them.",
                _WAIT_CLOSED,
            )
        if (failed := next((r for r in runners if r.error is not None), None)) is not None:
            return _trouble(exercise, trial, failed)
        if bench.buffer.size():
            return not_yet(
                exercise,
                f"the buffer was closed with {LEFT_ITEMS} items still in it, and the consumers returned without "
                "taking them all.",
                "Closed means 'no more items will come', not 'stop now': take what is left, and return only when "
                "the buffer is empty and closed.",
            )
        ok, what = _outs_hold(outs, list(range(OPEN_ITEMS + LEFT_ITEMS)))
        if not ok:
            return not_yet(
                exercise, f"of the {OPEN_ITEMS + LEFT_ITEMS} items put, {what}.", "Append every item you take to out."
            )
    return _took_unlocked(bench)


def check_consume(consume: Callable[[Any, Any, Any, list[Any]], Any]) -> CheckResult:
    """Exercise 5.2: consumers take every item once, survive a stolen wake-up, and return once closed and empty."""
    exercise = "5.2"
    scenarios = (_consume_stolen, _consume_drain)
    if (verdict := first_fault(exercise, consume, "def consume(buffer, cond, closed, out):", scenarios)) is not None:
        return verdict
    return passed(
        exercise,
        "consume waited on the empty buffer; woken for an item that another consumer took first, it waited "
        f"again; {CONSUMERS} consumers took every item once each, including those still in the buffer when it "
        "closed, and then returned.",
    )
