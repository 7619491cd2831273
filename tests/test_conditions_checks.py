"""The instrumented buffer the checks of exercises 5.1 and 5.2 hand out (their feedback: test_check_feedback.py)."""

from __future__ import annotations

import threading

import pytest

from synclab.checks._guards import CancelScope, CheckCancelled, GuardedLock
from synclab.checks.conditions import Buffer


def test_the_buffer_notes_changes_without_the_lock_and_over_capacity():
    scope = CancelScope()
    lock = GuardedLock(scope)
    buffer = Buffer(scope, lock, capacity=1, items=["old"])
    with lock:
        buffer.append("new")
        assert buffer.popleft() == "old"
    buffer.append("unlocked")
    assert (buffer.over, buffer.unlocked_changes, buffer.size()) == (2, 1, 2)
    assert len(buffer) == 2 and buffer and buffer.looks == {threading.current_thread().name: 2}
    scope.cancel()
    with pytest.raises(CheckCancelled):
        len(buffer)
