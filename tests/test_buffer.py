"""run_buffer: a bounded buffer on threading.Condition, measured, shut down cleanly."""

from __future__ import annotations

import math
import threading

import pytest

from synclab import run_buffer
from synclab.experiments.conditions import MAX_SAMPLES

RUNS = 5


def check_invariants(result) -> None:
    """What must hold on any run, whatever the timing."""
    total = result.producers * result.items
    assert sum(t.items for t in result.threads if t.role == "producer") == total
    assert result.consumed == total
    assert result.delivered_once
    assert 0 < result.max_length <= result.capacity
    assert max(result.lengths) <= result.capacity
    assert result.lengths[0] == 0 and result.times[0] == 0.0
    assert list(result.times) == sorted(result.times)
    # Every change puts or takes exactly one item: recorded under the lock, in order.
    assert all(abs(b - a) == 1 for a, b in zip(result.lengths, result.lengths[1:], strict=False))
    # Items plus one sentinel per consumer went in and came out.
    assert len(result.lengths) - 1 == 2 * (total + result.consumers)
    assert result.lengths[-1] == 0
    producers = [t for t in result.threads if t.role == "producer"]
    consumers = [t for t in result.threads if t.role == "consumer"]
    assert [t.thread for t in producers] == [f"P{i}" for i in range(1, result.producers + 1)]
    assert [t.thread for t in consumers] == [f"C{i}" for i in range(1, result.consumers + 1)]
    assert all(t.items == result.items for t in producers)
    assert sum(t.items for t in consumers) == total
    assert sum(t.waits for t in result.threads) == len(result.spans)
    for t in result.threads:
        spans = [s for s in result.spans if s.thread == t.thread]
        assert math.isclose(sum(s.duration for s in spans), t.total_wait, rel_tol=1e-9, abs_tol=1e-12)
        assert all(s.role == t.role and 0 <= s.start <= s.end <= result.duration + 1e-9 for s in spans)
    assert 0.0 <= result.share_full <= 1.0 and 0.0 <= result.share_empty <= 1.0
    assert result.share_full + result.share_empty <= 1.0 + 1e-9
    ends = (*result.times[1:], result.duration)
    held = sum(n * (end - t) for t, end, n in zip(result.times, ends, result.lengths, strict=True))
    assert 0.0 <= held / result.duration <= result.capacity  # the time-weighted mean length
    # The lock under both conditions was used properly: no failed probes, released at the end.
    assert result.lock.failed == 0 and not result.lock.locked
    assert result.lock.acquisitions >= 2 * (total + result.consumers)


@pytest.mark.statistical
def test_default_run_is_exact_and_producers_wait_for_room_every_time():
    """Statistical for the waits and the full buffer (the invariants are exact): producers run 4x as fast as consumers;
    20 of 20 runs filled the buffer and the producers waited 18-34x as long as the consumers (CPython 3.11 here,
    both cores busy with other work); the test asks only for longer."""
    baseline = threading.active_count()
    results = [run_buffer() for _ in range(RUNS)]
    assert threading.active_count() == baseline
    for result in results:
        check_invariants(result)
        assert result.max_length == result.capacity  # the faster producers fill it
        assert result.producer_wait > result.consumer_wait
    first = results[0]
    assert (first.producers, first.consumers, first.capacity, first.items) == (2, 2, 5, 16)


@pytest.mark.statistical
def test_fast_consumers_wait_for_items_and_producers_never_wait():
    """Statistical for the waits (the invariants are exact): consumers run 10x as fast as producers; in 10 of 10 runs
    the producers never waited and the buffer was empty more often than full (CPython 3.11 here, both cores busy
    with other work)."""
    baseline = threading.active_count()
    results = [run_buffer(produce_rate=200.0, consume_rate=2_000.0, capacity=5) for _ in range(RUNS)]
    assert threading.active_count() == baseline
    for result in results:
        check_invariants(result)
        assert result.consumer_wait > result.producer_wait
        assert result.share_empty > result.share_full


def test_capacity_one_alternates_and_never_overfills():
    result = run_buffer(producers=4, consumers=1, capacity=1, produce_rate=5_000.0, consume_rate=2_000.0, items=10)
    check_invariants(result)
    assert set(result.lengths) == {0, 1}


@pytest.mark.parametrize(("producers", "consumers"), [(1, 1), (1, 5), (5, 1), (3, 4)])
def test_any_mix_of_threads_delivers_everything_once(producers, consumers):
    baseline = threading.active_count()
    result = run_buffer(producers, consumers, 3, 5_000.0, 5_000.0, items=7)
    assert threading.active_count() == baseline
    check_invariants(result)


def test_a_run_that_takes_too_long_is_stopped_and_every_thread_returns():
    baseline = threading.active_count()
    with pytest.raises(TimeoutError, match="run_buffer"):
        run_buffer(producers=2, consumers=1, capacity=2, produce_rate=1_000.0, consume_rate=1.0, items=50, timeout=0.2)
    assert threading.active_count() == baseline


def test_samples_are_capped_but_counts_stay_exact():
    items = MAX_SAMPLES // 2  # more than MAX_SAMPLES changes in all
    result = run_buffer(1, 1, 10, 100_000.0, 100_000.0, items=items, timeout=120.0)
    assert len(result.times) == MAX_SAMPLES
    assert result.consumed == items and result.delivered_once


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"producers": 0}, ValueError, "producers must be between 1 and 16, got 0"),
        ({"producers": -2}, ValueError, "producers"),
        ({"producers": 17}, ValueError, "producers"),
        ({"producers": 10**9}, ValueError, "producers"),
        ({"producers": "2"}, TypeError, "producers must be an integer"),
        ({"producers": 2.0}, TypeError, "producers"),
        ({"producers": True}, TypeError, "producers"),
        ({"consumers": 0}, ValueError, "consumers must be between 1 and 16, got 0"),
        ({"consumers": "many"}, TypeError, "consumers"),
        ({"capacity": 0}, ValueError, "capacity must be between 1 and 1,000, got 0"),
        ({"capacity": 1.5}, TypeError, "capacity"),
        ({"produce_rate": 0}, ValueError, "produce_rate must be between 1 and 100000 items/s, got 0"),
        ({"produce_rate": -5.0}, ValueError, "produce_rate"),
        ({"produce_rate": float("inf")}, ValueError, "produce_rate"),
        ({"produce_rate": "fast"}, TypeError, "produce_rate must be a number"),
        ({"consume_rate": 1e9}, ValueError, "consume_rate"),
        ({"items": 0}, ValueError, "items must be between 1 and 10,000, got 0"),
        ({"items": 10**7}, ValueError, "items"),
        ({"items": "16"}, TypeError, "items"),
        ({"timeout": 0}, ValueError, "timeout"),
        ({"timeout": "1"}, TypeError, "timeout"),
    ],
)
def test_bad_input_is_refused_before_any_thread_starts(kwargs, error, words):
    baseline = threading.active_count()
    with pytest.raises(error, match=words.replace("(", r"\(")):
        run_buffer(**kwargs)
    assert threading.active_count() == baseline
