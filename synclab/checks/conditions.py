"""Checks for the exercises of notebook 05 (condition variables).

Both run the learner's function in real threads on a condition built on a
:class:`~synclab.experiments.wakeups.ScriptedLock`, which sees every ``wait()``
and can stop a thread stuck in one: a wrong answer fails with a message, never
a hung kernel or a thread left behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from synclab.checks._base import CheckResult
from synclab.experiments.wakeups import _Schedule, _wait_and_take, describe_error

__all__ = ["check_consume", "check_put"]

RUNS = 5
CONSUMERS = 3
FIRST_ITEMS = 10
LAST_ITEMS = 10
#: Seconds a step may take; a correct answer needs a tiny fraction of it.
STEP_SECONDS = 1.0

CAPACITY = 1


def _take_one(s: _Schedule) -> Any:
    """As a consumer: take the first item and notify one waiter (``None`` if the lock was not free)."""
    if not s.lock.acquire(True, s.timeout):
        return None
    try:
        item = s.buffer.popleft()
        s.cond.notify()
    finally:
        s.lock.release()
    return item


def _did(runner: Any) -> str:
    return f"raised {describe_error(runner.error)}" if runner.error is not None else "returned"


def _put_stolen_once(put: Callable[..., Any]) -> tuple[bool, str, str]:
    """Force a stolen slot once. Returns (passed, message, hint).

    The buffer holds one item (capacity 1). P1 must wait; a consumer takes the
    item and notifies, waking P1; before P1 gets the lock back, P2 puts an item
    into the free slot. P1 must then wait again, not add a second item.
    """
    s = _Schedule(STEP_SECONDS)
    full_hint = "While the buffer is full, wait: while len(buffer) >= capacity: cond.wait()"
    try:
        s.buffer.append("old item")
        p1 = s.start("P1", put, s.buffer, s.cond, "item 1", CAPACITY)
        if not s.wait_until(lambda: p1.done or s.entered("P1")):
            _take_one(s)  # makes room, so a put() that polls can return
            return (
                False,
                "on a full buffer, put() neither waited nor returned: does it loop without calling cond.wait()?",
                full_hint,
            )
        if p1.done:
            if len(s.buffer) > CAPACITY:
                return (
                    False,
                    f"put() added an item to a full buffer: it held {len(s.buffer)} items with capacity {CAPACITY}.",
                    full_hint,
                )
            return (False, f"on a full buffer, put() {_did(p1)} without waiting for room.", full_hint)
        s.lock.gate.clear()  # P1 will be held back once woken
        if _take_one(s) != "old item" or not s.wait_until(lambda: "P1" in s.lock.woken):
            return (
                False,
                "after a consumer took an item and called notify(), P1 did not wake up.",
                "Wait with cond.wait() on the condition you were given.",
            )
        p2 = s.start("P2", put, s.buffer, s.cond, "item 2", CAPACITY)
        if not s.wait_until(lambda: p2.done or s.entered("P2")) or not p2.done:
            return (
                False,
                "put() waited although the buffer had room.",
                "Only wait while the buffer is full: while len(buffer) >= capacity: cond.wait()",
            )
        if p2.error is not None or list(s.buffer) != ["item 2"]:
            return (
                False,
                f"with room in the buffer, put() {_did(p2)} and left it holding {list(s.buffer)!r}.",
                "Append the item: buffer.append(item).",
            )
        s.lock.gate.set()
        if not s.wait_until(lambda: p1.done or s.entered("P1") >= 2):
            return (False, "after it was woken, put() neither returned nor waited again.", full_hint)
        if p1.done:
            if len(s.buffer) > CAPACITY:
                return (
                    False,
                    f"P1 was woken for a free slot, but P2 took it first; P1 added its item anyway "
                    f"and the buffer held {len(s.buffer)} items with capacity {CAPACITY}.",
                    "A woken thread must check again: put the wait in a loop, "
                    "while len(buffer) >= capacity: cond.wait() (or use cond.wait_for).",
                )
            return (False, f"after its slot was taken, P1 {_did(p1)} without adding its item.", full_hint)
        if _take_one(s) != "item 2" or not s.wait_until(lambda: p1.done):
            return (
                False,
                "P1 did not return after room was made for it again.",
                "After the wait loop, append the item and return.",
            )
        if p1.error is not None or list(s.buffer) != ["item 1"]:
            return (
                False,
                f"P1 {_did(p1)} and left the buffer holding {list(s.buffer)!r}.",
                "After the wait loop, append the item: buffer.append(item).",
            )
        return (True, "", "")
    finally:
        s.finish()


def _got_item_1(consumer: Any) -> tuple[bool, str, str]:
    """The end of a run whose woken consumer must have got ``'item 1'``: (passed, message, hint)."""
    if consumer.value != "item 1":
        return (
            False,
            f"the waiting consumer got {consumer.value!r} instead of 'item 1'.",
            "Append exactly the item you were given.",
        )
    return (True, "", "")


def _put_notifies(put: Callable[..., Any]) -> tuple[bool, str, str]:
    """A consumer waits on the empty buffer; one put() must wake it."""
    s = _Schedule(STEP_SECONDS)
    try:
        consumer = s.start("C1", _wait_and_take, s.buffer, s.cond)
        if not s.wait_until(lambda: s.entered("C1")):
            return (False, "the consumer did not start waiting.", "Run the cell again.")
        producer = s.start("P1", put, s.buffer, s.cond, "item 1", CAPACITY)
        if not s.wait_until(lambda: producer.done) or producer.error is not None:
            what = "did not return" if not producer.done else _did(producer)
            return (False, f"on an empty buffer, put() {what}.", "Append the item and return; wait only while full.")
        if not s.wait_until(lambda: consumer.done):
            return (
                False,
                "a consumer was waiting for an item, and put() did not wake it.",
                "After buffer.append(item), wake the waiting consumers: cond.notify_all() (producers and "
                "consumers share this condition, so notify() could wake another producer instead).",
            )
        return _got_item_1(consumer)
    finally:
        s.finish()


def _put_wakes_the_consumer(put: Callable[..., Any]) -> tuple[bool, str, str]:
    """Producers and a consumer wait on the one condition; put() must wake the consumer.

    The buffer is full (capacity 1). P1, then P2, wait for room. A consumer
    takes the item and notifies one waiter: P1, which is held back before it
    gets the lock again. Consumer C then finds the buffer empty and waits,
    behind P2. Now P1 adds its item. ``notify()`` wakes the thread that has
    waited longest (CPython wakes waiters in the order they came): P2, which
    finds the buffer full and waits again, while C sleeps next to the item.
    ``notify_all()`` wakes C too. Every step is ordered with events; only a
    wrong answer waits out :data:`STEP_SECONDS`, for the consumer that never wakes.
    """
    s = _Schedule(STEP_SECONDS)
    try:
        s.buffer.append("old item")
        producers: dict[str, Any] = {}
        for name, item in (("P1", "item 1"), ("P2", "item 2")):
            runner = producers[name] = s.start(name, put, s.buffer, s.cond, item, CAPACITY)
            if not s.wait_until(lambda runner=runner, name=name: runner.done or s.entered(name)) or runner.done:
                return (
                    False,
                    "with two producers on a full buffer, a put() did not wait for room.",
                    "While the buffer is full, wait: while len(buffer) >= capacity: cond.wait()",
                )
        s.lock.gate.clear()  # the producer woken next is held back before it gets the lock again
        if _take_one(s) != "old item" or not s.wait_until(lambda: s.lock.woken):
            return (
                False,
                "after a consumer took an item and called notify(), no waiting producer woke up.",
                "Wait with cond.wait() on the condition you were given.",
            )
        first = s.lock.woken[0]
        other = "P2" if first == "P1" else "P1"
        consumer = s.start("C", _wait_and_take, s.buffer, s.cond)
        if not s.wait_until(lambda: s.entered("C")):
            return (False, "the consumer did not start waiting.", "Run the cell again.")
        s.lock.gate.set()
        if not s.wait_until(lambda: producers[first].done):
            return (
                False,
                f"{first} was woken with room in the buffer, but its put() did not return.",
                "After the wait loop, append the item and return.",
            )
        if producers[first].error is not None:
            return (
                False,
                f"{first} {_did(producers[first])}.",
                "Read the error, fix the function and run the cell again.",
            )
        if not s.wait_until(lambda: consumer.done):
            if other in s.lock.woken:
                what = (
                    f"{first} added its item and woke {other}, the other waiting producer, which found the buffer "
                    "full and waited again; the consumer, waiting for just that item, slept on."
                )
            else:
                what = f"{first} added its item, but the consumer, waiting for just that item, was never woken."
            return (
                False,
                f"producers {first} and {other} and a consumer were all waiting on the one condition. {what}",
                "notify() wakes one waiter, and on a condition shared by producers and consumers it may be a "
                "producer. After buffer.append(item), call cond.notify_all().",
            )
        return _got_item_1(consumer)
    finally:
        s.finish()


def check_put(put: Callable[[Any, Any, Any, int], Any]) -> CheckResult:
    """Exercise 5.1: ``put(buffer, cond, item, capacity)`` waits for room, survives a stolen slot, wakes consumers.

    The consumer must be woken also when a producer waits on the same
    condition ahead of it, which ``notify()`` does not do.
    """
    exercise = "5.1"
    if not callable(put):
        return CheckResult(
            exercise, False, "put is not a function.", "Define it with def put(buffer, cond, item, capacity):"
        )
    for forced, runs in ((_put_stolen_once, RUNS), (_put_notifies, 1), (_put_wakes_the_consumer, RUNS)):
        for run in range(1, runs + 1):
            passed, message, hint = forced(put)
            if not passed:
                where = "" if run == 1 else f" (forced run {run} of {RUNS})"
                return CheckResult(exercise, False, message + where, hint)
    return CheckResult(
        exercise,
        True,
        f"in all {RUNS} forced runs P1 waited on the full buffer, found its slot taken after waking, and waited "
        "again; and put() woke a waiting consumer, even with another producer waiting on the same condition "
        "ahead of it.",
    )


def _consume_once(consume: Callable[..., Any]) -> tuple[bool, str, str]:
    """One run of exercise 5.2. Returns (passed, message, hint)."""
    s = _Schedule(STEP_SECONDS)
    closed = threading.Event()
    outs: list[list[Any]] = [[] for _ in range(CONSUMERS)]
    try:
        runners = [s.start(f"C{i + 1}", consume, s.buffer, s.cond, closed, outs[i]) for i in range(CONSUMERS)]

        def settled() -> bool:
            return all(r.done or s.entered(r.name) for r in runners)

        if not s.wait_until(settled):
            return (
                False,
                "with the buffer empty and not closed, a consumer neither waited nor returned.",
                "Don't loop checking the buffer: call cond.wait() (or cond.wait_for(...)) so it sleeps until notified.",
            )
        early = [r for r in runners if r.done]
        if early:
            r = early[0]
            if r.error is not None:
                return (
                    False,
                    f"a consumer raised {describe_error(r.error)} on the empty buffer.",
                    "While the buffer is empty and not closed, wait: cond.wait_for(lambda: buffer or closed.is_set()).",
                )
            return (
                False,
                "a consumer returned while the buffer was empty but not yet closed.",
                "Return only when the buffer is empty AND closed is set; otherwise wait.",
            )
        for item in range(FIRST_ITEMS):
            if not s.put(item):
                return (
                    False,
                    "the producer could not get the lock: does a consumer hold it while it loops?",
                    "Hold the lock only inside with cond:, and wait with cond.wait().",
                )
        # The last items and the close arrive together: consumers must drain before they leave.
        if not s.wait_until(lambda: not s.buffer):
            return (
                False,
                "the consumers did not take the items while the buffer was open.",
                "Loop: wait until there is an item, take it with buffer.popleft(), append it to out.",
            )
        if not s.lock.acquire(True, s.timeout):
            return (
                False,
                "the producer could not get the lock to close the buffer.",
                "Hold the lock only inside with cond:, and wait with cond.wait().",
            )
        try:
            s.buffer.extend(range(FIRST_ITEMS, FIRST_ITEMS + LAST_ITEMS))
            closed.set()
            s.cond.notify_all()
        finally:
            s.lock.release()
        if not s.wait_until(lambda: all(r.done for r in runners)):
            waiting = sum(not r.done for r in runners)
            how_many = f"all {CONSUMERS}" if waiting == CONSUMERS else f"{waiting} of {CONSUMERS}"
            return (
                False,
                f"{how_many} consumers were still waiting after the buffer was closed and emptied "
                "(the check stopped them).",
                "Wait for 'an item or closed': cond.wait_for(lambda: buffer or closed.is_set()); then if the "
                "buffer is empty (so it is closed), return.",
            )
        failed = [r for r in runners if r.error is not None]
        if failed:
            return (
                False,
                f"a consumer raised {describe_error(failed[0].error)}.",  # type: ignore[arg-type]
                "Read the error, fix the function and run the cell again.",
            )
        got = sorted(item for out in outs for item in out)
        expected = list(range(FIRST_ITEMS + LAST_ITEMS))
        if len(got) > len(set(got)):
            return (
                False,
                "some items were taken more than once.",
                "Take each item with buffer.popleft() inside with cond:.",
            )
        if got != expected:
            left = len(s.buffer)
            if left:
                return (
                    False,
                    "the consumers returned while items were still in the closed buffer.",
                    "Closed means 'no more items will come', not 'stop now': take what is left, and return "
                    "only when the buffer is empty and closed.",
                )
            return (False, "some items never reached out.", "Append every item you take to out.")
        return (True, "", "")
    finally:
        closed.set()  # lets a consumer that polls instead of waiting leave too
        s.finish()


def check_consume(consume: Callable[[Any, Any, Any, list[Any]], Any]) -> CheckResult:
    """Exercise 5.2: consumers take every item, then return once the buffer is closed and empty."""
    exercise = "5.2"
    if not callable(consume):
        return CheckResult(
            exercise, False, "consume is not a function.", "Define it with def consume(buffer, cond, closed, out):"
        )
    for run in range(1, RUNS + 1):
        passed, message, hint = _consume_once(consume)
        if not passed:
            where = "" if run == 1 else f" (run {run} of {RUNS})"
            return CheckResult(exercise, False, message[0].upper() + message[1:] + where, hint)
    return CheckResult(
        exercise,
        True,
        f"in all {RUNS} runs, {CONSUMERS} consumers took all {FIRST_ITEMS + LAST_ITEMS} items once each, "
        "then returned when the buffer was closed and empty.",
    )
