"""Notebook 04's helpers: rlock_depth, measure_lock_costs and the self-deadlock guard."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import numbers_in

import synclab
from synclab.checks._guards import GuardedLock, SelfDeadlock
from synclab.experiments.reentrant import _helper_operation, _rlock_operation


def test_rlock_depth_counts_each_acquisition_of_the_owner():
    rlock = threading.RLock()
    assert synclab.rlock_depth(rlock) == 0
    seen = []

    def countdown(depth: int) -> None:
        with rlock:
            seen.append(synclab.rlock_depth(rlock))
            if depth:
                countdown(depth - 1)

    countdown(3)
    assert seen == [1, 2, 3, 4]
    assert synclab.rlock_depth(rlock) == 0


def test_rlock_depth_reads_another_threads_count_too():
    rlock = threading.RLock()
    held, done = threading.Event(), threading.Event()

    def owner() -> None:
        with rlock, rlock:
            held.set()
            done.wait(5)

    thread = threading.Thread(target=owner)
    thread.start()
    try:
        assert held.wait(5)
        assert synclab.rlock_depth(rlock) == 2
    finally:
        done.set()
        thread.join(5)
    assert synclab.rlock_depth(rlock) == 0


def test_rlock_depth_works_for_the_pure_python_rlock():
    rlock = threading._PyRLock()  # type: ignore[attr-defined]
    with rlock, rlock:
        assert synclab.rlock_depth(rlock) == 2


@pytest.mark.parametrize("not_an_rlock", [threading.Lock(), None, "count=3", 3])
def test_rlock_depth_refuses_anything_else(not_an_rlock):
    with pytest.raises(TypeError, match="lock must be a threading.RLock"):
        synclab.rlock_depth(not_an_rlock)


class CountingLock:
    """Counts acquisitions; lets the operation builders be checked exactly."""

    def __init__(self) -> None:
        self.acquired = 0
        self.depth = 0
        self.deepest = 0

    def __enter__(self) -> None:
        self.acquired += 1
        self.depth += 1
        self.deepest = max(self.deepest, self.depth)

    def __exit__(self, *exc: object) -> None:
        self.depth -= 1


@pytest.mark.parametrize("depth", [1, 2, 5])
def test_the_timed_operations_take_the_lock_as_the_designs_say(depth):
    rlock_style, helper_style = CountingLock(), CountingLock()
    _rlock_operation(rlock_style, depth)()
    _helper_operation(helper_style, depth)()
    assert (rlock_style.acquired, rlock_style.deepest) == (depth, depth)
    assert (helper_style.acquired, helper_style.deepest) == (1, 1)


def test_measure_lock_costs_times_every_depth_in_the_calling_thread():
    baseline = threading.active_count()
    costs = synclab.measure_lock_costs(depths=(4, 1, 2, 2), calls=200, repeat=2)
    assert threading.active_count() == baseline
    assert costs.depths == (1, 2, 4)
    assert len(costs.rlock) == len(costs.helper) == 3
    assert all(ns > 0 for ns in (*costs.rlock, *costs.helper))
    single = synclab.measure_lock_costs(depths=(3,), calls=100, repeat=1)
    assert single.extra_per_level == 0.0


def test_plot_lock_costs_draws_both_designs():
    costs = synclab.measure_lock_costs(depths=(1, 3), calls=100, repeat=1)
    ax = synclab.plots.plot_lock_costs(costs).axes[0]
    assert len(ax.lines) == 2
    assert [round(x) for x in ax.lines[0].get_xdata()] == [1, 3]
    assert "(ns)" in ax.get_ylabel()
    reported = [3, costs.rlock[-1], costs.helper[-1], costs.extra_per_level]  # depth, ns, ns, ns per extra level
    assert numbers_in(ax.get_title()) == pytest.approx(reported, abs=0.5)
    with pytest.raises(TypeError, match="costs must be a LockCosts"):
        synclab.plots.plot_lock_costs(3)


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"depths": 4}, TypeError, "depths must be a sequence"),
        ({"depths": "124"}, TypeError, "depths must be a sequence"),
        ({"depths": ()}, ValueError, "len(depths) must be between 1 and 12"),
        ({"depths": (1, 0)}, ValueError, "depth must be between 1 and 64, got 0"),
        ({"depths": (1, 65)}, ValueError, "depth must be between 1 and 64, got 65"),
        ({"depths": (1, 2.0)}, TypeError, "depth must be an integer"),
        ({"calls": 0}, ValueError, "calls must be between 100 and 1,000,000, got 0"),
        ({"calls": 10**9}, ValueError, "calls must be between 100 and 1,000,000"),
        ({"calls": 1e3}, TypeError, "calls must be an integer"),
        ({"repeat": 0}, ValueError, "repeat must be between 1 and 20, got 0"),
        ({"repeat": "5"}, TypeError, "repeat must be an integer"),
    ],
)
def test_measure_lock_costs_refuses_bad_input(kwargs, error, words):
    with pytest.raises(error) as info:
        synclab.measure_lock_costs(**kwargs)
    assert words in str(info.value)


def test_guarded_lock_raises_where_a_lock_would_hang():
    lock = GuardedLock()
    with lock:
        assert lock.locked()
        assert lock.acquire(blocking=False) is False  # like Lock: no hang, just False
        assert lock.acquire(timeout=0.01) is False
        with pytest.raises(SelfDeadlock):
            lock.acquire()
        assert lock.reentered
    assert not lock.locked()


def test_guarded_lock_excludes_and_can_be_released_by_another_thread():
    lock = GuardedLock()
    lock.acquire()
    released = threading.Thread(target=lock.release)
    released.start()
    released.join(5)
    assert not lock.locked()  # like threading.Lock, which has no owner
    with pytest.raises(RuntimeError):
        lock.release()
    box = [0]

    def add() -> None:
        for _ in range(200):
            with lock:
                value = box[0]
                time.sleep(1e-6)
                box[0] = value + 1

    threads = [threading.Thread(target=add) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert box[0] == 800
    assert not lock.reentered
