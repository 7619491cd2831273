"""What the checks of exercises 5.1 and 5.2 tell the learner, and the instrumented buffer they hand out.

Pass or fail is the answer tables' job (tests/answers); here the feedback of
some wrong answers is read: it names the forced schedule the answer met.
"""

from __future__ import annotations

import threading

import pytest
from answers import ex_5_1, ex_5_2, judge

from synclab.checks._guards import CancelScope, CheckCancelled, GuardedLock
from synclab.checks.conditions import Buffer


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("never-waits", "on a full buffer, P1 added its item: the buffer held 2 items with capacity 1."),
        ("if-instead-of-while", "P2 took it before P1 had the lock back"),
        ("notify-one", "P1 woke P2: producers"),
        ("notify-two", "P1 woke P2, P3: producers"),
        ("never-notifies", "put() did not wake it"),
        ("wait-timeout-result-ignored", "added its item when its wait(timeout) ran out"),
        ("wait-for-timeout-result-ignored", "added its item when its wait(timeout) ran out"),
        ("spins-holding-the-lock", "neither waited on cond nor returned"),
        ("appends-after-letting-go-of-the-lock", "changed the buffer without holding cond's lock"),
    ],
)
def test_5_1_feedback_names_the_forced_schedule(answer, says):
    result = judge(ex_5_1, "wrong", answer)
    assert says in result.message, result


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("never-returns", "C1 and C2 still waited"),
        ("if-instead-of-while-returns-when-woken-to-nothing", "C2 took it before C1 had the lock back"),
        ("if-instead-of-while-pops-an-empty-buffer", "raised IndexError"),
        ("gives-up-after-half-a-second-idle", "its wait with a timeout ran out"),
        ("stops-at-close-leaving-items", "closed with 5 items still in it"),
        ("spins-without-waiting", "neither waited on cond nor returned"),
        ("takes-without-the-lock", "without holding cond's lock"),
    ],
)
def test_5_2_feedback_names_the_forced_schedule(answer, says):
    result = judge(ex_5_2, "wrong", answer)
    assert says in result.message, result


def test_the_buffer_notes_changes_without_the_lock_and_over_capacity():
    scope = CancelScope()
    lock = GuardedLock(scope)
    buffer = Buffer(scope, lock, capacity=1, items=["old"])
    with lock:
        buffer.append("new")
        assert buffer.popleft() == "old"
    buffer.append("unlocked")
    assert (buffer.over, buffer.unlocked_changes, buffer.size()) == (2, 1, 2)
    assert len(buffer) == 2 and buffer.looks == {threading.current_thread().name: 1}
    scope.cancel()
    with pytest.raises(CheckCancelled):
        len(buffer)
