"""Checks of the exercises of notebook 05: ``put`` on a bounded buffer (5.1) and a consumer that stops (5.2).

The check forces, on every run: a stolen wake-up (a woken thread is held while another takes what
it was woken for), producers ahead of a consumer on the one condition (``notify()`` wakes only
producers), a timed wait that runs out, and a thread slipping in between a wait and an act in a second hold of
the lock. Every step is ordered by what the threads do, never by sleeps.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
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
from synclab.checks._guards import CancelScope, CheckCancelled, GuardedLock
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
_RECHECK_FULL = (
    "A wait with a timeout returns False when the time ran out: the buffer may still be full. Check again in a "
    "while loop (or use cond.wait_for without a timeout)."
)
_APPEND_ITEM = "Append exactly the item you were given: buffer.append(item)."
_APPEND_AFTER_WAIT = "After the wait loop, append the item and return."


class Buffer(deque):
    """A ``deque`` that notes unlocked changes, appends over capacity, the most items held and looks at its length."""

    def __init__(self, scope: CancelScope, lock: GuardedLock, capacity: int, items: Iterable[Any] = ()):
        self._scope = scope
        self._guard = lock
        self.capacity = capacity
        self.over = self.most = self.unlocked_changes = 0
        self.looks: Counter[str] = Counter()
        super().__init__(items)

    def size(self) -> int:
        """How many items it holds, without counting a look (for the check)."""
        return deque.__len__(self)

    def __len__(self) -> int:
        self._scope.check()
        self.looks[threading.current_thread().name] += 1
        return deque.__len__(self)

    def __bool__(self) -> bool:
        # deque has its own __bool__ on CPython 3.10 (not on 3.11+): count it as a look there too.
        return self.__len__() > 0

    def _changed(self) -> None:
        if not self._guard.held_by_me():
            self.unlocked_changes += 1
        if deque.__len__(self) > self.capacity:
            self.over += 1
        self.most = max(self.most, deque.__len__(self))

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
    """One forced run of an exercise: a trial, its lock, condition, buffer and (5.2) closed event, and the check's
    own moves on them. Leaving it calls off every wait at once, then frees every thread."""

    def __init__(self, exercise: str, items: Iterable[Any] = ()) -> None:
        self.exercise = exercise
        self.trial = Trial(what="put" if exercise == "5.1" else "consume")
        self.lock = self.trial.lock("the buffer's lock")
        self.cond = self.trial.condition(self.lock, "cond")
        self.buffer = Buffer(self.trial, self.lock, CAPACITY, items)
        self.closed = self.trial.event("closed")
        # Seconds a timed wait that has not run out is watched before it counts as waiting, for the whole run:
        # a right answer with long timeouts must still finish well within the trial's time.
        self.patience = HOLD_PATIENCE

    def __enter__(self) -> _Bench:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.trial.cancel()
        self.trial.__exit__(*exc)

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

    def steal(self, action: Callable[[], object], woken: str | None = None) -> bool:
        """Hold woken threads back from the lock, then ``action()``, which must wake ``woken`` (or anyone)."""
        self.cond.hold_woken()
        return self.act(action) and (woken in self.cond.notified if woken else bool(self.cond.notified))

    def between_holds(self, name: str, ready: Callable[[], bool], action: Callable[[], object]) -> list[bool]:
        """The first time thread ``name`` lets go of the lock outside a wait while ``ready()``, run ``action()``
        holding the lock, as another thread slipping in between its two holds; the list is non-empty once it did."""
        slipped: list[bool] = []

        def slip_in() -> None:
            if not slipped and threading.current_thread().name == name and name not in self.cond.waiting and ready():
                slipped.append(True)
                self.act(action)

        self.lock.after_release = slip_in
        return slipped

    def start(self, name: str, fn: Callable[..., Any], *args: Any, patient: bool = True) -> tuple[Runner, str]:
        """Start ``fn(buffer, cond, *args)`` in thread ``name``; wait until it waits on ``cond`` or is done."""
        runner = self.trial.start(name, fn, self.buffer, self.cond, *args)
        return runner, self.settle([runner], patient=patient)[name]

    def settle(self, runners: Sequence[Runner], *, patient: bool = True) -> dict[str, str]:
        """Wait until each runner waits on ``cond`` or is done; ``{name: state}``."""
        start = time.monotonic()
        looks = {r.name: self.buffer.looks[r.name] for r in runners}
        timeouts = {r.name: self.cond.timed_out.count(r.name) for r in runners}

        def state(runner: Runner) -> str:
            name = runner.name
            if runner.done:
                return "stopped" if runner.cancelled else "done"
            timed = self.cond.waiting.get(name)
            waited = time.monotonic() - start
            ran_out = self.cond.timed_out.count(name) > timeouts[name]
            if timed is False or (timed and (not patient or waited > self.patience or ran_out)):
                return "waiting"
            looked = self.buffer.looks[name] - looks[name]
            if timed is None and (looked > POLL_LOOKS or (waited > HOLD_PATIENCE and looked >= 2)):
                return "polling"
            return ""

        self.trial.wait(until=lambda: all(state(r) for r in runners))
        if patient:
            self.patience -= time.monotonic() - start
        return {r.name: state(r) or "stopped" for r in runners}

    def trouble(self, runner: Runner | None = None) -> CheckResult:
        """What went wrong: ``runner``'s error, else what the trial saw (a raise, deadlock, timeout, stuck thread)."""
        problem = self.trial.trouble()
        if runner is not None and runner.error is not None:
            hint = problem[1] if problem else "Read the error, fix the function and run the cell again."
            return not_yet(
                self.exercise, f"{describe_exception(runner.error, runner.name)}.{self.trial.stuck_note()}", hint
            )
        if problem is None:
            return not_yet(
                self.exercise,
                "a thread neither waited nor finished in time.",
                "Wait with cond.wait() (or cond.wait_for) inside with cond:, and return when done.",
            )
        return not_yet(self.exercise, *problem)

    def waits(
        self, runner: Runner, state: str, who: str, wait: str, returned: Callable[[bool], tuple[str, str]]
    ) -> CheckResult | None:
        """``None`` if ``runner`` waits on ``cond`` as it should; else what it did instead (``returned(ran_out)``
        gives the message and hint for a return, ``who`` and ``wait`` name a thread that polls)."""
        if state == "waiting":
            return None
        if state == "done" and runner.error is None:
            return not_yet(self.exercise, *returned(runner.name in self.cond.timed_out))
        if state == "polling":
            return not_yet(
                self.exercise,
                f"{who} neither waited on cond nor returned: it kept looking at the buffer (a loop without "
                "cond.wait()?).",
                "Sleep until notified instead of looking again and again: " + wait,
            )
        return self.trouble(runner)


# -- exercise 5.1 ------------------------------------------------------------------------------


def _put_on_full(bench: _Bench, runner: Runner, state: str, when: str) -> CheckResult | None:
    def returned(ran_out: bool) -> tuple[str, str]:
        if not bench.buffer.over:
            return f"{when}, {runner.name}'s put() returned without adding its item.", _WAIT_FULL
        timeout = " when its wait(timeout) ran out" if ran_out else ""
        held = f"the buffer held {bench.buffer.most} items with capacity {CAPACITY}."
        return f"{when}, {runner.name} added its item{timeout}: {held}", _RECHECK_FULL if ran_out else _WAIT_FULL

    return bench.waits(runner, state, f"{when}, {runner.name}'s put()", _WAIT_FULL, returned)


def _put_with_room(bench: _Bench, runner: Runner, state: str, when: str) -> CheckResult | None:
    if state == "waiting":
        return not_yet(
            "5.1",
            f"{when}, {runner.name}'s put() waited instead of adding its item.",
            "Wait only while the buffer is full, that is while it holds capacity items (use the capacity you are "
            "given): while len(buffer) >= capacity: cond.wait()",
        )
    return bench.trouble(runner) if state != "done" or runner.error is not None else None


def _put_wakes_a_consumer(put: Callable[..., Any]) -> CheckResult | None:
    with _Bench("5.1") as bench:
        consumer, state = bench.start("C", wait_and_take)
        if state != "waiting":
            return bench.trouble()
        producer, state = bench.start("P1", put, "item 1", CAPACITY, patient=False)
        if (verdict := _put_with_room(bench, producer, state, "on an empty buffer (capacity 1)")) is not None:
            return verdict
        if bench.buffer.unlocked_changes:
            return not_yet(
                "5.1",
                "put() changed the buffer without holding cond's lock.",
                "Do everything inside with cond: (the condition's lock): the check, the wait and the append.",
            )
        if "C" not in bench.cond.notified:
            return not_yet(
                "5.1",
                "a consumer C was waiting for an item on the empty buffer, and put() did not wake it (it slept "
                "next to the item).",
                "After buffer.append(item), wake the waiting consumers: cond.notify_all().",
            )
        if not bench.trial.wait(runners=[consumer]) or consumer.value != "item 1":
            took = consumer.done and not consumer.cancelled
            return not_yet(
                "5.1",
                f"put('item 1') woke the waiting consumer, which then took {consumer.value!r} instead of 'item 1'."
                if took
                else "put('item 1') woke the waiting consumer, but it found no item: put() did not add its item to "
                "the buffer.",
                _APPEND_ITEM,
            )
    return None


def _put_slot_stolen(put: Callable[..., Any]) -> CheckResult | None:
    with _Bench("5.1", ["old item"]) as bench:
        p1, state = bench.start("P1", put, "item 1", CAPACITY)
        if (verdict := _put_on_full(bench, p1, state, "on a full buffer")) is not None:
            return verdict
        if not bench.steal(lambda: (bench.buffer.popleft(), bench.cond.notify()), "P1"):
            return bench.trouble()
        p2, state = bench.start("P2", put, "item 2", CAPACITY, patient=False)
        if (verdict := _put_with_room(bench, p2, state, "with a free slot in the buffer")) is not None:
            return verdict
        if list(bench.buffer) != ["item 2"]:
            return not_yet(
                "5.1",
                f"with a free slot, P2's put() left the buffer holding {list(bench.buffer)!r} instead of ['item 2'].",
                "Append the item you were given: buffer.append(item).",
            )
        bench.cond.let_go("P1")
        state = bench.settle([p1], patient=False)["P1"]
        if state == "done" and p1.error is None and bench.buffer.over:
            return not_yet(
                "5.1",
                "P1 was woken for a free slot, but P2 took it before P1 had the lock back (the check holds P1 back "
                "to force that). P1 added its item anyway: the buffer held 2 items with capacity 1.",
                "A woken thread must check again before it acts: while len(buffer) >= capacity: cond.wait() (or "
                "cond.wait_for(lambda: len(buffer) < capacity)).",
            )
        if (verdict := _put_on_full(bench, p1, state, "after P2 took the free slot")) is not None:
            return verdict
        bench.cond.let_woken_go()
        # Another producer slips in if P1, woken with a free slot, lets go of the lock before adding its item.
        slipped = bench.between_holds("P1", lambda: not bench.buffer.size(), lambda: bench.buffer.append("item 3"))

        def make_room() -> bool:
            return bench.act(lambda: (bench.buffer.popleft(), bench.cond.notify_all())) and bench.trial.wait(
                until=lambda: p1.done or (slipped and "P1" in bench.cond.waiting)
            )

        # Room once; again if P1, looking again after a producer slipped in, as it should, waits again.
        if not make_room() or not (p1.done or (make_room() and p1.done)):
            return not_yet("5.1", "P1 did not return after room was made for it again.", _APPEND_AFTER_WAIT)
        if p1.error is not None:
            return bench.trouble(p1)
        if slipped and bench.buffer.over:
            return not_yet(
                "5.1",
                "P1 was woken with a free slot, but let go of cond's lock before adding its item; another producer "
                "took the slot then (the check lets one in there to force that), and P1 added its item anyway: the "
                f"buffer held {bench.buffer.most} items with capacity {CAPACITY}.",
                "Wait and append in one hold of the lock: the wait loop and buffer.append(item) in the same "
                "with cond: block.",
            )
        if list(bench.buffer) != ["item 1"] or bench.buffer.over or bench.buffer.unlocked_changes:
            return not_yet(
                "5.1",
                f"after its wait, P1 left the buffer holding {list(bench.buffer)!r} instead of ['item 1'].",
                "After the wait loop, append the item inside with cond:.",
            )
    return None


def _put_past_producers(put: Callable[..., Any]) -> CheckResult | None:
    names = [f"P{i}" for i in range(1, PRODUCERS_AHEAD + 2)]
    with _Bench("5.1", ["old item"]) as bench:
        producers = {}
        for name in names:
            producers[name], state = bench.start(name, put, f"item {name[1:]}", CAPACITY)
            if (verdict := _put_on_full(bench, producers[name], state, "on a full buffer")) is not None:
                return verdict
        if not bench.steal(lambda: (bench.buffer.popleft(), bench.cond.notify())):
            return bench.trouble()
        consumer, state = bench.start("C", wait_and_take)
        if state != "waiting":
            return bench.trouble()
        # The longest waiter is woken: P1, unless waits with a timeout ran out and changed the order.
        first = bench.cond.notified[-1]
        ahead = ", ".join(name for name in names if name != first)
        item = f"item {first[1:]}"
        before, entries = len(bench.cond.notified), bench.cond.entered.count(first)
        bench.cond.let_go(first)
        producer = producers[first]
        went_on = bench.trial.wait(until=lambda: producer.done or bench.cond.entered.count(first) > entries)
        if not went_on or not producer.done:
            return not_yet(
                "5.1",
                f"{first} was woken with a free slot in the buffer, but its put() did not add its item and return.",
                _APPEND_AFTER_WAIT,
            )
        if producer.error is not None:
            return bench.trouble(producer)
        woken = bench.cond.notified[before:]
        if "C" not in woken:
            return not_yet(
                "5.1",
                f"producers {ahead} and then a consumer C were waiting on the one condition when {first} added its "
                f"item. {first} woke {', '.join(woken)}: producers, which find the buffer full again, while C, "
                "waiting for that very item, slept on."
                if woken
                else f"producers {ahead} and then a consumer C were waiting on the one condition when {first} added "
                "its item, and it woke nobody: C slept next to the item.",
                "notify() (or notify(n)) wakes the threads that waited longest, and on a condition shared by "
                "producers and consumers they may all be producers. After buffer.append(item), call cond.notify_all().",
            )
        bench.cond.let_woken_go()
        if not bench.trial.wait(runners=[consumer]) or consumer.value != item:
            return not_yet("5.1", f"the consumer woken by {first} did not get {item!r}.", _APPEND_ITEM)
    return None


def _put_keeps_order(put: Callable[..., Any]) -> CheckResult | None:
    # With capacity 1 the buffer never holds two items, so order shows only with room for one more.
    with _Bench("5.1", ["old item"]) as bench:
        p1, state = bench.start("P1", put, "item 1", 2, patient=False)
        if (verdict := _put_with_room(bench, p1, state, "with one item in a buffer of capacity 2")) is not None:
            return verdict
        held = list(bench.buffer)
        if held == ["item 1", "old item"]:
            return not_yet(
                "5.1",
                "put('item 1') on a buffer holding ['old item'] put the new item in front of it: "
                "['item 1', 'old item']. Consumers take from the front (popleft()), so the newer item would come "
                "out first.",
                "A buffer is first in, first out: add the item at the back with buffer.append(item), not at the "
                "front (appendleft, insert(0, ...)).",
            )
        if held != ["old item", "item 1"]:
            return not_yet(
                "5.1",
                f"put('item 1') on a buffer holding ['old item'] left it holding {held!r} instead of "
                "['old item', 'item 1'].",
                _APPEND_ITEM,
            )
    return None


def check_put(put: Callable[[Any, Any, Any, int], Any]) -> CheckResult:
    """Exercise 5.1: ``put(buffer, cond, item, capacity)`` waits while full, survives a stolen slot, wakes consumers."""
    scenarios = (_put_wakes_a_consumer, _put_slot_stolen, _put_past_producers, _put_keeps_order)
    if (verdict := first_fault("5.1", put, "def put(buffer, cond, item, capacity):", scenarios)) is not None:
        return verdict
    return passed(
        "5.1",
        "put() woke a waiting consumer; on a full buffer it waited, and when the free slot it was woken for was "
        f"taken first, it waited again instead of overfilling the buffer; and with {PRODUCERS_AHEAD} producers "
        "waiting ahead of a consumer on the one condition, its wake-up still reached the consumer.",
    )


# -- exercise 5.2 ------------------------------------------------------------------------------


def _consumer_on_empty(bench: _Bench, runner: Runner, state: str, when: str) -> CheckResult | None:
    def returned(ran_out: bool) -> tuple[str, str]:
        if ran_out:
            return (
                f"{when}, {runner.name} returned although the buffer was not closed (its wait with a timeout ran out).",
                "A quiet buffer is not a closed one: keep waiting (without a timeout) until there is an item or "
                "closed is set: cond.wait_for(lambda: buffer or closed.is_set()).",
            )
        return (
            f"{when}, {runner.name} returned although the buffer was not closed.",
            "Return only when the buffer is empty AND closed is set; otherwise wait.",
        )

    return bench.waits(
        runner, state, f"{when}, {runner.name}", "cond.wait_for(lambda: buffer or closed.is_set()).", returned
    )


def _consumers_wait(bench: _Bench, runners: Sequence[Runner], when: str) -> CheckResult | None:
    states = bench.settle(runners)
    verdicts = (_consumer_on_empty(bench, runner, states[runner.name], when) for runner in runners)
    return next((verdict for verdict in verdicts if verdict is not None), None)


def _close(bench: _Bench, runners: Sequence[Runner], left: Iterable[Any], closed: str, who: str) -> CheckResult | None:
    """Close the buffer with ``left`` items in it: every consumer returns (else who still waited), without raising."""
    if not bench.act(lambda: (bench.buffer.extend(left), bench.closed.set(), bench.cond.notify_all())):
        return bench.trouble()
    if not bench.trial.wait(runners=runners):
        who = who or " and ".join(r.name for r in runners if r.cancelled or not r.done)
        return not_yet(
            "5.2",
            f"after the buffer was {closed} and cond.notify_all() called, {who} still waited, so the check stopped "
            "them.",
            "Wait for 'an item or closed': cond.wait_for(lambda: buffer or closed.is_set()); then, if the buffer "
            "is empty, it is closed: return.",
        )
    failed = next((r for r in runners if r.error is not None), None)
    return None if failed is None else bench.trouble(failed)


def _took_all(bench: _Bench, outs: Sequence[list[Any]], expected: list[Any], what: str) -> CheckResult | None:
    """Every item reached ``out`` once, and the consumers took them holding the lock."""
    got = [item for out in outs for item in out]
    if sorted(got, key=repr) != sorted(expected, key=repr):
        twice = len(got) > len(set(map(repr, got)))
        how = "some items reached out more than once" if twice else "some items never reached out"
        return not_yet("5.2", f"{what}, {how}.", "Append every item you take to out.")
    if bench.buffer.unlocked_changes:
        return not_yet(
            "5.2",
            "consume took items from the buffer without holding cond's lock: another consumer could take the same "
            "last item between your look and your take.",
            "Look at the buffer and take the item inside with cond:.",
        )
    return None


def _what_it_did(runner: Runner) -> str:
    if runner.error is None:
        return "returned although the buffer was not closed"
    return describe_exception(runner.error, runner.name).removeprefix(f"{runner.name} ")


def _consume_stolen(consume: Callable[..., Any]) -> CheckResult | None:
    with _Bench("5.2") as bench:
        outs: list[list[Any]] = [[], []]
        c1, state = bench.start("C1", consume, bench.closed, outs[0])
        if (verdict := _consumer_on_empty(bench, c1, state, "on an empty buffer")) is not None:
            return verdict
        if not bench.steal(lambda: (bench.buffer.append("item 1"), bench.cond.notify()), "C1"):
            return bench.trouble()
        c2, state = bench.start("C2", consume, bench.closed, outs[1], patient=False)
        if (verdict := _consumer_on_empty(bench, c2, state, "after taking 'item 1'")) is not None:
            return verdict
        if bench.buffer.size():
            return not_yet(
                "5.2",
                "C2 found 'item 1' in the buffer and waited without taking it.",
                "Take an item as soon as there is one: buffer.popleft().",
            )
        bench.cond.let_go("C1")
        state = bench.settle([c1], patient=False)["C1"]
        if state == "done":
            return not_yet(
                "5.2",
                "C1 was woken for 'item 1', but C2 took it before C1 had the lock back (the check holds C1 back to "
                f"force that). C1 found the buffer empty and {_what_it_did(c1)}.",
                "A woken thread must check again: cond.wait_for(lambda: buffer or closed.is_set()) (or a while loop "
                "around cond.wait()), then return only if the buffer is empty.",
            )
        if (verdict := _consumer_on_empty(bench, c1, state, "after its item was taken")) is not None:
            return verdict
        bench.cond.let_woken_go()
        # Patient now that no one is held back: an answer may wait with a timeout only once it has taken an item.
        if (verdict := _consumers_wait(bench, [c1, c2], "once 'item 1' was taken")) is not None:
            return verdict
        if (verdict := _close(bench, [c1, c2], [], "closed (and empty)", "")) is not None:
            return verdict
        return _took_all(bench, outs, ["item 1"], "with one item put and taken")


def _consume_drain(consume: Callable[..., Any]) -> CheckResult | None:
    with _Bench("5.2") as bench:
        outs: list[list[Any]] = [[] for _ in range(CONSUMERS)]
        runners = [
            bench.trial.start(f"C{i}", consume, bench.buffer, bench.cond, bench.closed, out)
            for i, out in enumerate(outs, 1)
        ]
        if (verdict := _consumers_wait(bench, runners, "on an empty buffer")) is not None:
            return verdict
        for item in range(OPEN_ITEMS):
            if not bench.act(lambda item=item: (bench.buffer.append(item), bench.cond.notify())):
                return bench.trouble()
        if not bench.trial.wait(until=lambda: not bench.buffer.size()):
            return bench.trouble()
        if (verdict := _consumers_wait(bench, runners, "with the buffer open")) is not None:
            return verdict
        left = range(OPEN_ITEMS, OPEN_ITEMS + LEFT_ITEMS)
        if (verdict := _close(bench, runners, left, "closed", "some consumers")) is not None:
            return verdict
        if bench.buffer.size():
            return not_yet(
                "5.2",
                f"the buffer was closed with {LEFT_ITEMS} items still in it, and the consumers returned without "
                "taking them all.",
                "Closed means 'no more items will come', not 'stop now': take what is left, and return only when "
                "the buffer is empty and closed.",
            )
        total = OPEN_ITEMS + LEFT_ITEMS
        return _took_all(bench, outs, list(range(total)), f"of the {total} items put")


def _consume_in_one_hold(consume: Callable[..., Any]) -> CheckResult | None:
    with _Bench("5.2") as bench:
        # Not patient: how it waits was judged in the runs before, and a long timeout must not cost 1.5 s again.
        c1, state = bench.start("C1", consume, bench.closed, [], patient=False)
        if (verdict := _consumer_on_empty(bench, c1, state, "on an empty buffer")) is not None:
            return verdict
        slipped = bench.between_holds("C1", lambda: bench.buffer.size() > 0, bench.buffer.popleft)
        if not bench.act(lambda: (bench.buffer.append("item 1"), bench.cond.notify())):
            return bench.trouble()
        state = bench.settle([c1], patient=False)["C1"]
        if slipped and state == "done":
            return not_yet(
                "5.2",
                "C1 was woken for 'item 1', but let go of cond's lock before taking it; another consumer took it "
                f"then (the check lets one in there to force that), and C1 {_what_it_did(c1)}.",
                "Look and take in one hold of the lock: after the wait, take the item in the same with cond: block.",
            )
        # Closing and taking every item were judged in the runs before.
        return _consumer_on_empty(bench, c1, state, "after it was woken for 'item 1'")


def check_consume(consume: Callable[[Any, Any, Any, list[Any]], Any]) -> CheckResult:
    """Exercise 5.2: consumers take every item once, survive a stolen wake-up, and return once closed and empty."""
    scenarios = (_consume_stolen, _consume_drain, _consume_in_one_hold)
    if (verdict := first_fault("5.2", consume, "def consume(buffer, cond, closed, out):", scenarios)) is not None:
        return verdict
    return passed(
        "5.2",
        "consume waited on the empty buffer; woken for an item that another consumer took first, it waited "
        f"again; {CONSUMERS} consumers took every item once each, including those still in the buffer when it "
        "closed, and then returned.",
    )
