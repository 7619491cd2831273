"""Forced schedules: the stolen wake-up fails `if` every time and `while` never; notify vs notify_all."""

from __future__ import annotations

import threading

import pytest

from synclab import run_notify, run_stolen_wakeup
from synclab._threads.conditions import ScriptedLock

RUNS = 20


def take_if(buffer, cond):
    with cond:
        if not buffer:
            cond.wait()
        return buffer.popleft()


def take_while(buffer, cond):
    with cond:
        while not buffer:
            cond.wait()
        return buffer.popleft()


def take_wait_for(buffer, cond):
    with cond:
        cond.wait_for(lambda: buffer)
        return buffer.popleft()


def take_without_waiting(buffer, cond):
    with cond:
        return buffer.popleft() if buffer else None


def take_once_then_give_up(buffer, cond):
    with cond:
        if not buffer:
            cond.wait()
        return buffer.popleft() if buffer else None


def take_by_polling(buffer, cond):
    while not buffer:  # no wait(): spins until an item shows up
        pass
    with cond:
        return buffer.popleft()


def take_always_waits(buffer, cond):
    with cond:
        cond.wait()
        return buffer.popleft()


def test_if_fails_on_every_forced_run():
    baseline = threading.active_count()
    result = run_stolen_wakeup(take_if, RUNS)
    assert threading.active_count() == baseline
    assert result.runs == RUNS and result.failed_runs == RUNS
    assert set(result.kinds) == {"raised"}
    assert set(result.failures) == {"after its item was taken, C1 raised IndexError: pop from an empty deque."}
    assert result.trace == (
        "C1: calls wait(); the buffer is empty",
        "producer: puts 'item 1' and calls notify()",
        "C1: is woken, and held back before it gets the lock again (forced)",
        "C2: arrives, takes 'item 1' without waiting, and returns it",
        "C1: gets the lock back inside wait(); the buffer is empty",
        "C1: raised IndexError: pop from an empty deque",
    )


@pytest.mark.parametrize("take", [take_while, take_wait_for])
def test_while_and_wait_for_never_fail(take):
    baseline = threading.active_count()
    result = run_stolen_wakeup(take, RUNS)
    assert threading.active_count() == baseline
    assert not result.failures and result.failed_runs == 0
    assert result.trace[-1] == "C1: returns 'item 2'"
    assert "C1: calls wait() again; the buffer is empty" in result.trace
    assert "C1: gets the lock back inside wait(); the buffer holds 'item 2'" in result.trace


@pytest.mark.parametrize(
    ("take", "kind"),
    [
        (take_without_waiting, "no_wait"),
        (take_once_then_give_up, "wrong_item"),
        (take_by_polling, "no_wait_call"),
        (take_always_waits, "waited_with_item"),
    ],
)
def test_other_mistakes_are_named_and_leave_no_thread(take, kind):
    baseline = threading.active_count()
    result = run_stolen_wakeup(take, 3, timeout=0.3)
    assert threading.active_count() == baseline
    assert result.kinds[0] == kind
    assert result.failures


def put_notify(buffer, cond, items):
    with cond:
        buffer.extend(items)
        cond.notify()


def put_notify_all(buffer, cond, items):
    with cond:
        buffer.extend(items)
        cond.notify_all()


def put_notify_two(buffer, cond, items):
    with cond:
        buffer.extend(items)
        cond.notify(2)


def put_without_lock(buffer, cond, items):
    buffer.extend(items)
    cond.notify_all()


def put_nothing(buffer, cond, items):
    pass


@pytest.mark.parametrize(("put", "woken"), [(put_notify, 1), (put_notify_two, 2), (put_notify_all, 4)])
def test_notify_wakes_exactly_as_many_as_asked(put, woken):
    baseline = threading.active_count()
    result = run_notify(put, consumers=4)
    assert threading.active_count() == baseline
    assert (result.consumers, result.woken) == (4, woken)
    assert result.left == 4 - woken and result.still_waiting == 4 - woken
    assert result.error == ""


def test_notify_without_the_lock_raises_and_wakes_nobody():
    result = run_notify(put_without_lock, consumers=2)
    assert result.error == "RuntimeError: cannot notify on un-acquired lock"
    assert result.woken == 0 and result.left == 2


def test_a_producer_that_wakes_nobody_is_reported_after_the_timeout():
    baseline = threading.active_count()
    result = run_notify(put_nothing, consumers=2, timeout=0.2)
    assert threading.active_count() == baseline
    assert result.woken == 0 and result.left == 0


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: run_stolen_wakeup("take"), TypeError, "take must be a function"),
        (lambda: run_stolen_wakeup(None), TypeError, "take must be a function"),
        (lambda: run_stolen_wakeup(take_while, 0), ValueError, "runs must be between 1 and 100, got 0"),
        (lambda: run_stolen_wakeup(take_while, 2.0), TypeError, "runs"),
        (lambda: run_stolen_wakeup(take_while, 10**6), ValueError, "runs"),
        (lambda: run_notify(42), TypeError, "put_items must be a function"),
        (lambda: run_notify(put_notify, 0), ValueError, "consumers must be between 1 and 16, got 0"),
        (lambda: run_notify(put_notify, "3"), TypeError, "consumers"),
        (lambda: run_notify(put_notify, timeout="1"), TypeError, "timeout"),
    ],
)
def test_bad_input_is_refused_before_any_thread_starts(call, error, words):
    baseline = threading.active_count()
    with pytest.raises(error, match=words):
        call()
    assert threading.active_count() == baseline


def test_scripted_lock_is_a_lock_only_its_owner_releases():
    lock = ScriptedLock()
    assert lock.acquire() and lock.locked()
    assert lock.acquire(False) is False
    errors: list[BaseException] = []

    def other() -> None:
        try:
            lock.release()
        except RuntimeError as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(5)
    assert len(errors) == 1 and lock.locked()
    lock.release()
    with pytest.raises(RuntimeError):
        lock.release()


def test_scripted_lock_notes_who_waits_and_who_wakes():
    lock = ScriptedLock()
    cond = threading.Condition(lock)
    with cond:
        assert cond.wait(0.001) is False  # timed out: entered and woken all the same
    assert lock.entered == ["MainThread"] and lock.woken == ["MainThread"]
    with pytest.raises(RuntimeError):
        cond.wait(0.001)  # not held


def test_scripted_lock_records_what_a_waiter_sees_under_the_lock():
    """The trace's words come from these snapshots, taken as a thread enters wait() and gets the lock back."""
    lock = ScriptedLock()
    cond = threading.Condition(lock)
    items: list[str] = []
    lock.snapshot = lambda: tuple(items)
    got: list[str] = []

    def waiter() -> None:
        with cond:
            while not items:
                cond.wait(5)
            got.append(items[0])

    thread = threading.Thread(target=waiter, name="W")
    thread.start()
    with lock.seen:
        assert lock.seen.wait_for(lambda: lock.on_wait, 5)
    with cond:
        items.append("x")
        cond.notify()
    thread.join(5)
    assert not thread.is_alive() and got == ["x"]
    assert lock.on_wait == [("W", ())]
    assert lock.on_return == [("W", ("x",))]


def test_scripted_lock_without_a_snapshot_records_no_views():
    lock = ScriptedLock()
    cond = threading.Condition(lock)
    with cond:
        cond.wait(0.001)
    assert lock.entered == ["MainThread"] and lock.on_wait == [] and lock.on_return == []
