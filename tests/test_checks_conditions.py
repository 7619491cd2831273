"""Checks of notebook 05: each kind of wrong answer gets its own feedback, and no thread is left behind."""

from __future__ import annotations

import contextlib
import threading

import pytest

import synclab


def put_stub(buffer, cond, item, capacity):
    with cond:
        buffer.append(item)


def put_if(buffer, cond, item, capacity):
    with cond:
        if len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
        cond.notify()


def put_no_notify(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)


def put_polls(buffer, cond, item, capacity):
    while len(buffer) >= capacity:
        pass
    with cond:
        buffer.append(item)
        cond.notify()


def put_drops_item(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        cond.notify()


def put_while_notify_one(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
        cond.notify()


def put_while_notify_all(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
        cond.notify_all()


def put_wait_for_notify_all(buffer, cond, item, capacity):
    with cond:
        cond.wait_for(lambda: len(buffer) < capacity)
        buffer.append(item)
        cond.notify_all()


@pytest.mark.parametrize(
    ("put", "words"),
    [
        (put_stub, "put() added an item to a full buffer"),
        (put_if, "P2 took it first; P1 added its item anyway"),
        (put_no_notify, "did not wake it"),
        (put_polls, "neither waited nor returned"),
        (put_drops_item, "with room in the buffer, put() returned"),
        (put_while_notify_one, "P1 added its item and woke P2, the other waiting producer"),
        ("put", "put is not a function"),
    ],
)
def test_wrong_puts_fail_with_a_message_and_a_hint(put, words):
    baseline = threading.active_count()
    result = synclab.check_exercise("5.1", put)
    assert threading.active_count() == baseline
    assert not result.passed and words in result.message and result.hint
    assert str(result).startswith("NOT YET exercise 5.1")


@pytest.mark.parametrize("put", [put_while_notify_all, put_wait_for_notify_all])
def test_right_puts_pass(put):
    baseline = threading.active_count()
    result = synclab.check_exercise("5.1", put)
    assert threading.active_count() == baseline
    assert result.passed, result


def test_notify_one_fails_on_every_forced_run_with_the_same_message():
    """notify() wakes the longest waiter, a producer, on every run: the verdict does not vary."""
    results = [synclab.check_exercise("5.1", put_while_notify_one) for _ in range(3)]
    assert not any(r.passed for r in results)
    assert len({(r.message, r.hint) for r in results}) == 1
    assert "notify_all()" in results[0].hint


def consume_forever(buffer, cond, closed, out):
    while True:
        with cond:
            while not buffer:
                cond.wait()
            out.append(buffer.popleft())


def consume_stops_at_close(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
            if closed.is_set():
                return
            out.append(buffer.popleft())


def consume_returns_when_empty(buffer, cond, closed, out):
    with cond:
        while buffer:
            out.append(buffer.popleft())


def consume_polls(buffer, cond, closed, out):
    while True:
        with cond:
            if buffer:
                out.append(buffer.popleft())
            elif closed.is_set():
                return


def consume_swallows_errors(buffer, cond, closed, out):
    with contextlib.suppress(Exception):  # cannot swallow the check's stop: it is not an Exception
        consume_forever(buffer, cond, closed, out)


def consume_well(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
            if not buffer:
                return
            item = buffer.popleft()
        out.append(item)


@pytest.mark.parametrize(
    ("consume", "words"),
    [
        (consume_forever, "All 3 consumers were still waiting after the buffer was closed"),
        (consume_swallows_errors, "All 3 consumers were still waiting after the buffer was closed"),
        (consume_stops_at_close, "items were still in the closed buffer"),
        (consume_returns_when_empty, "returned while the buffer was empty but not yet closed"),
        (consume_polls, "neither waited nor returned"),
        (None, "consume is not a function"),
    ],
)
def test_wrong_consumers_fail_with_a_message_and_a_hint(consume, words):
    baseline = threading.active_count()
    result = synclab.check_exercise("5.2", consume)
    assert threading.active_count() == baseline
    assert not result.passed and words in result.message and result.hint


def test_a_clean_consumer_passes():
    baseline = threading.active_count()
    result = synclab.check_exercise("5.2", consume_well)
    assert threading.active_count() == baseline
    assert result.passed, result
