"""run_pool: a semaphore keeps the measured holder count at or below its limit."""

from __future__ import annotations

import threading

import pytest
from conftest import started_threads

import synclab
from synclab import run_pool

RUNS = 10


@pytest.mark.statistical
def test_default_run_never_exceeds_the_limit_and_reaches_it():
    """Statistical for reaching the limit (the ceiling is exact): 8 threads hold the 3 permits for milliseconds each;
    20 of 20 runs had 3 holders at once (CPython 3.11 here, both cores busy with other work)."""
    baseline = threading.active_count()
    results = [run_pool() for _ in range(RUNS)]
    assert threading.active_count() == baseline
    assert all(r.max_holders <= r.limit == 3 for r in results), [r.max_holders for r in results]
    # 8 threads competing for 3 permits fill them: the limit is a real ceiling, not an accident
    assert all(r.max_holders == 3 for r in results), [r.max_holders for r in results]
    first = results[0]
    assert first.total_uses == first.threads * first.uses == 32
    assert first.permits_after == 3 and first.release_errors == ()
    assert {u.thread for u in first.pool_uses} == {f"T{i}" for i in range(1, 9)}


@pytest.mark.statistical
def test_without_a_semaphore_the_same_measurement_sees_more_than_the_limit():
    """The holder count can go above the limit, so the test above could fail.

    Statistical: 20 of 20 runs had all 8 threads in the pool at once (CPython 3.11 here, both cores busy with other
    work); the test needs 4."""
    results = [run_pool(guard="none") for _ in range(RUNS)]
    assert all(r.exceeded for r in results), [r.max_holders for r in results]
    assert results[0].permits_after is None


def test_holder_count_matches_the_uses_that_overlap():
    """The counter is the number of uses whose [acquired, released] spans cover a moment."""
    result = run_pool(threads=6, limit=2, uses=3)
    for time_point, holders in result.changes:
        covering = sum(1 for u in result.pool_uses if u.acquired <= time_point <= u.released)
        # at a change the thread that moved is counted on one side; the rest must agree
        assert abs(covering - holders) <= 1
    assert result.changes[-1][1] == 0
    assert [t for t, _ in result.changes] == sorted(t for t, _ in result.changes)
    assert all(u.requested <= u.acquired <= u.released for u in result.pool_uses)


@pytest.mark.parametrize("guard", ["Semaphore", "BoundedSemaphore"])
def test_limit_of_one_is_mutual_exclusion(guard):
    result = run_pool(threads=4, limit=1, uses=3, hold=0.001, guard=guard)
    assert result.max_holders == 1
    spans = sorted((u.acquired, u.released) for u in result.pool_uses)
    assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))


@pytest.mark.statistical
def test_extra_release_on_a_plain_semaphore_lets_one_more_in_and_raises_the_count():
    """Statistical for the 4 holders (the permit count is exact): 20 of 20 runs had 4 threads inside at one moment
    (CPython 3.11 here, both cores busy with other work)."""
    results = [run_pool(extra_release=True) for _ in range(RUNS)]
    assert all(r.max_holders == r.limit + 1 for r in results), [r.max_holders for r in results]
    assert all(r.permits_after == r.limit + 1 for r in results)
    assert all(r.release_errors == () for r in results)


def test_extra_release_on_a_bounded_semaphore_raises_exactly_one_value_error():
    """One release too many: the count can never exceed the start, so exactly one release fails."""
    results = [run_pool(guard="BoundedSemaphore", extra_release=True) for _ in range(RUNS)]
    for r in results:
        assert len(r.release_errors) == 1
        (error,) = r.release_errors
        assert error.message == "Semaphore released too many times"
        assert error.thread in {f"T{i}" for i in range(1, 9)}
        assert r.permits_after == r.limit  # the refused release put the count right again


def test_bounded_semaphore_alone_refuses_the_extra_release_at_once():
    result = run_pool(threads=1, limit=2, uses=2, hold=0.0, guard="BoundedSemaphore", extra_release=True)
    (error,) = result.release_errors
    assert error.extra and error.thread == "T1"
    assert result.max_holders == 1 and result.permits_after == 2


def test_plain_semaphore_release_raises_the_count_above_its_start():
    """The COURSE.md fact, with the threading module itself."""
    semaphore = threading.Semaphore(2)
    semaphore.release()
    taken = 0
    while semaphore.acquire(blocking=False):
        taken += 1
    assert taken == 3
    bounded = threading.BoundedSemaphore(2)
    with pytest.raises(ValueError, match="released too many times"):
        bounded.release()


def test_too_much_work_times_out_and_stops_every_thread():
    baseline = threading.active_count()
    with pytest.raises(TimeoutError, match="run_pool did not finish within 0.3 s"):
        run_pool(threads=8, limit=1, uses=1_000, hold=0.01, timeout=0.3)
    assert threading.active_count() == baseline


def test_results_are_frozen():
    result = run_pool(threads=2, uses=1, hold=0.0)
    with pytest.raises(AttributeError):
        result.limit = 9  # type: ignore[misc]


CASES = [
    ({"threads": 0}, ValueError, "threads must be between 1 and 64, got 0"),
    ({"threads": 65}, ValueError, "threads must be between 1 and 64, got 65"),
    ({"threads": "8"}, TypeError, "threads must be an integer"),
    ({"threads": 8.0}, TypeError, "threads must be an integer"),
    ({"limit": 0}, ValueError, "limit must be between 1 and 64, got 0"),
    ({"limit": 10**9}, ValueError, "limit must be between 1 and 64"),
    ({"limit": 1.5}, TypeError, "limit must be an integer"),
    ({"uses": 0}, ValueError, "uses must be between 1 and 1,000, got 0"),
    ({"uses": 10**6}, ValueError, "uses must be between 1 and 1,000"),
    ({"uses": "2"}, TypeError, "uses must be an integer"),
    ({"hold": -0.1}, ValueError, "hold must be between 0 and 1 s"),
    ({"hold": 5}, ValueError, "hold must be between 0 and 1 s"),
    ({"hold": "5ms"}, TypeError, "hold must be a number"),
    ({"guard": "Lock"}, ValueError, "guard must be one of 'Semaphore', 'BoundedSemaphore', 'none'"),
    ({"guard": 3}, TypeError, "guard must be one of"),
    ({"extra_release": 0}, TypeError, "extra_release must be True or False"),
    ({"guard": "none", "extra_release": True}, ValueError, "extra_release=True needs a semaphore"),
    ({"timeout": 0}, ValueError, "timeout must be between 0.1 and 600 s"),
]


@pytest.mark.parametrize(("kwargs", "error", "words"), CASES, ids=[repr(c[0]) for c in CASES])
def test_bad_input_is_refused_before_any_thread_starts(kwargs, error, words, monkeypatch):
    started = started_threads(monkeypatch)
    with pytest.raises(error) as info:
        run_pool(**kwargs)
    assert words in str(info.value)
    assert started == []


def test_pool_is_exported():
    assert synclab.run_pool is run_pool
