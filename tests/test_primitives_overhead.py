"""measure_overhead: one row per primitive, measured the way the table says."""

from __future__ import annotations

import threading

import pytest

from synclab import measure_overhead
from synclab._threads.primitives import COMMON_CLAIMS, OPERATIONS


@pytest.fixture(scope="module")
def result():
    return measure_overhead(number=200, repeats=3)


def test_one_row_per_operation_in_table_order(result):
    assert [c.name for c in result.costs] == [name for name, _ in OPERATIONS]
    assert [c.name for c in result.costs][:5] == ["Lock", "RLock", "Condition", "Semaphore", "Event"]
    assert result.cost("Semaphore").code == "with sem: pass"
    assert result.cost("Event").code == "event.set(); event.clear()"
    assert result.cost("Queue").code == "q.put(None); q.get()"
    assert result.number == 200
    assert all(len(c.repeats) == 3 for c in result.costs)


def test_each_figure_is_the_fastest_repeat_minus_the_loop(result):
    for cost in result.costs:
        assert cost.seconds == max(0.0, min(cost.repeats) - result.loop_seconds)
        assert all(r > 0 for r in cost.repeats)
    assert result.loop_seconds > 0
    assert result.relative("Lock") == 1.0
    assert result.relative("Semaphore") == result.cost("Semaphore").seconds / result.cost("Lock").seconds


def test_reentrant_column_is_observed_not_copied():
    """Lock: no; RLock: yes; Condition() wraps an RLock: yes; Semaphore(1): no; Event, Queue: nothing to hold."""
    result = measure_overhead(number=100, repeats=1)
    column = {c.name: c.reentrant for c in result.costs}
    assert column == {
        "Lock": False,
        "RLock": True,
        "Condition": True,
        "Semaphore": False,
        "Event": None,
        "Event.is_set": None,
        "Queue": None,
    }
    assert COMMON_CLAIMS["Condition"][1] == "N/A"  # the common claim, kept for the comparison


def test_measuring_leaves_no_primitive_held_and_no_thread_behind():
    baseline = threading.active_count()
    measure_overhead(number=100, repeats=1)
    assert threading.active_count() == baseline


def test_asking_for_an_unknown_row_names_the_rows(result):
    with pytest.raises(KeyError, match="rows are Lock, RLock"):
        result.cost("Mutex")


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"number": 0}, ValueError, "number must be between 100 and 1,000,000, got 0"),
        ({"number": 10**9}, ValueError, "number must be between 100 and 1,000,000"),
        ({"number": 1e4}, TypeError, "number must be an integer"),
        ({"repeats": 0}, ValueError, "repeats must be between 1 and 100, got 0"),
        ({"repeats": -2}, ValueError, "repeats must be between 1 and 100"),
        ({"repeats": "5"}, TypeError, "repeats must be an integer"),
    ],
)
def test_bad_input_is_refused(kwargs, error, words):
    with pytest.raises(error) as info:
        measure_overhead(**kwargs)
    assert words in str(info.value)
