"""The resource-allocation and wait-for graphs, stack dumps, cancellable locks and the deadlock watchdog."""

from __future__ import annotations

import threading

import pytest
from conftest import wait_until

import synclab
from synclab._threads.deadlock import (
    DeadlockError,
    ResourceAllocationGraph,
    cancellable_lock,
    resource_allocation_graph,
    thread_stacks,
    watch_for_deadlock,
)

#: How long the demo threads wait for their second lock. Long, so that a
#: watchdog that needs it to be short would fail these tests.
PATIENCE = 2.0


def opposite_order_workers(a, b, patience=PATIENCE, outcome=None):
    """T1 takes a then b, T2 takes b then a; a barrier makes each hold its first lock first."""
    both_hold_one = threading.Barrier(2, timeout=5)
    outcome = {} if outcome is None else outcome

    def t1():
        with a:
            both_hold_one.wait()
            got = b.acquire(timeout=patience)
            if got:
                b.release()
            outcome["T1"] = got

    def t2():
        with b:
            both_hold_one.wait()
            got = a.acquire(timeout=patience)
            if got:
                a.release()
            outcome["T2"] = got

    return {"T1": t1, "T2": t2}


def test_opposite_order_deadlock_is_found_reported_and_the_threads_come_back():
    baseline = threading.active_count()
    a, b = synclab.InstrumentedLock(name="lock A"), synclab.InstrumentedLock(name="lock B")
    outcome = {}
    report = watch_for_deadlock(opposite_order_workers(a, b, outcome=outcome), [a, b])
    assert threading.active_count() == baseline
    assert report.deadlocked
    assert report.graph is not None
    assert report.graph.cycle == ("T1", "lock B", "T2", "lock A")
    assert str(report.graph) == "T1 → lock B → T2 → lock A → T1"
    assert report.graph.describe() == "T1 holds lock A and waits for lock B; T2 holds lock B and waits for lock A"
    assert set(report.graph.holds) == {("T1", "lock A"), ("T2", "lock B")}
    assert set(report.graph.waits) == {("T1", "lock B"), ("T2", "lock A")}
    # the wait-for graph: threads only, each edge naming the lock behind it
    assert set(report.graph.wait_for) == {("T1", "T2", "lock B"), ("T2", "T1", "lock A")}
    # the stacks were taken while both threads were stuck in their second acquire
    stacks = {s.thread: s for s in report.stacks}
    assert set(stacks) == {"T1", "T2"}
    assert stacks["T1"].waiting_at == "got = b.acquire(timeout=patience)"
    assert stacks["T2"].waiting_at == "got = a.acquire(timeout=patience)"
    assert stacks["T1"].frames[-1].name == "t1"
    assert "test_deadlock.py" in str(stacks["T1"])
    # nobody cancelled them: the first to time out released its first lock, which usually
    # (not always: both timeouts end at about the same moment) let the other one through
    assert report.cancelled == ()
    timeouts = sum(stats.failed for stats in report.locks)  # acquires that gave up when their timeout ran out
    assert timeouts in (1, 2)
    assert sorted(outcome.values()) in ([False, True], [False, False])
    assert list(outcome.values()).count(False) == timeouts
    assert report.detected_after is not None and report.detected_after <= report.elapsed


def test_same_order_never_deadlocks_and_both_finish():
    baseline = threading.active_count()
    a, b = synclab.InstrumentedLock(name="lock A"), synclab.InstrumentedLock(name="lock B")
    done = []

    def worker():
        for _ in range(200):
            with a:
                threading.Event().wait(0)  # a yield while holding the first lock
                with b:
                    pass
        done.append(True)

    report = watch_for_deadlock({"T1": worker, "T2": worker}, [a, b])
    assert threading.active_count() == baseline
    assert not report.deadlocked and report.graph is None and report.stacks == ()
    assert done == [True, True]
    assert sum(s.acquisitions for s in report.locks) == 800


def test_three_threads_in_a_cycle_are_found():
    locks = [synclab.InstrumentedLock(name=n) for n in ("A", "B", "C")]
    barrier = threading.Barrier(3, timeout=5)

    def worker(first, second):
        def run():
            with first:
                barrier.wait()
                if second.acquire(timeout=PATIENCE):
                    second.release()

        return run

    workers = {f"T{i + 1}": worker(locks[i], locks[(i + 1) % 3]) for i in range(3)}
    report = watch_for_deadlock(workers, locks)
    assert report.graph.cycle == ("T1", "B", "T2", "C", "T3", "A")
    assert report.graph.cycle_threads == ("T1", "T2", "T3")
    assert set(report.graph.wait_for) == {("T1", "T2", "B"), ("T2", "T3", "C"), ("T3", "T1", "A")}


def test_cancel_frees_the_waiting_threads_with_deadlock_error():
    baseline = threading.active_count()
    cancel = threading.Event()
    a, b = cancellable_lock(cancel, "lock A"), cancellable_lock(cancel, "lock B")
    outcome = {}
    # no timeout of their own: only the watchdog's cancel can free them
    report = watch_for_deadlock(opposite_order_workers(a, b, patience=-1, outcome=outcome), [a, b], cancel=cancel)
    assert threading.active_count() == baseline
    assert report.deadlocked and cancel.is_set()
    # the first wait to be called off releases its first lock, which may let the other through
    assert report.cancelled in (("T1",), ("T2",), ("T1", "T2"))
    assert set(report.cancelled) | set(outcome) == {"T1", "T2"}
    assert all(outcome.values())
    assert not a.locked() and not b.locked()  # the with blocks released the first locks


def test_a_cancellable_lock_behaves_like_a_lock_until_cancelled():
    cancel = threading.Event()
    lock = cancellable_lock(cancel, "x")
    assert lock.acquire()
    assert lock.locked()
    assert lock.acquire(timeout=0.01) is False
    assert lock.acquire(blocking=False) is False
    with pytest.raises(ValueError):
        lock.acquire(False, 1)
    lock.release()
    with pytest.raises(RuntimeError):
        lock.release()
    cancel.set()
    assert lock.acquire()  # a free lock is still taken: cancel only ends waits
    errors = []

    def waiter():
        try:
            lock.acquire()
        except DeadlockError as exc:
            errors.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    thread.join(5)
    assert not thread.is_alive()
    assert len(errors) == 1 and "x" in str(errors[0])
    lock.release()


def test_a_live_snapshot_shows_holder_and_waiter_without_a_cycle():
    lock = synclab.InstrumentedLock(name="L")
    assert resource_allocation_graph([lock]).holds == ()
    lock.acquire()
    waiter = threading.Thread(target=lambda: lock.acquire(timeout=5) and lock.release(), name="W")
    waiter.start()
    wait_until(lambda: lock.waiting_idents())
    graph = resource_allocation_graph([lock])
    me = threading.current_thread().name
    assert graph.holds == ((me, "L"),)
    assert graph.waits == (("W", "L"),)
    assert not graph.deadlocked and graph.cycle == ()
    assert graph.wait_for == (("W", me, "L"),)
    assert "no cycle" in graph.describe()
    stack = thread_stacks(["W"])[0]
    assert stack.thread == "W" and stack.frames[-1].name == "<lambda>"
    lock.release()
    waiter.join(5)


def test_thread_stacks_hides_machinery():
    release = threading.Event()

    def parked():
        release.wait(5)

    thread = threading.Thread(target=parked, name="parked")
    thread.start()
    try:
        wait_until(lambda: any(s.waiting_at == "release.wait(5)" for s in thread_stacks(["parked"])))
        hidden = thread_stacks(["parked"])[0]
        assert [f.name for f in hidden.frames] == ["parked"]  # threading's own frames left out
        assert "parked" not in {s.thread for s in thread_stacks(["nobody"])}
        assert threading.current_thread().name not in {s.thread for s in thread_stacks()}
    finally:
        release.set()
        thread.join(5)


def test_a_worker_error_is_raised_and_the_threads_come_back():
    baseline = threading.active_count()
    lock = synclab.InstrumentedLock(name="L")

    def broken():
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        watch_for_deadlock({"T1": broken, "T2": lambda: None}, [lock])
    assert threading.active_count() == baseline


def test_a_run_past_its_timeout_is_stopped():
    baseline = threading.active_count()
    lock = synclab.InstrumentedLock(name="L")
    release = threading.Event()
    with pytest.raises(TimeoutError, match="watch_for_deadlock did not finish within 0.2 s"):
        watch_for_deadlock({"T1": lambda: release.wait(1.0)}, [lock], timeout=0.2)
    assert threading.active_count() == baseline


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"workers": [lambda: None]}, TypeError, "workers must be a dict"),
        ({"workers": {}}, ValueError, "workers must hold between 1 and 64 functions, got 0"),
        ({"workers": {f"T{i}": (lambda: None) for i in range(65)}}, ValueError, "got 65"),
        ({"workers": {"T1": 3}}, TypeError, r"workers\['T1'\] must be a function, got 3"),
        ({"workers": {"watchdog": lambda: None}}, ValueError, "other than 'watchdog'"),
        ({"workers": {"": lambda: None}}, ValueError, "non-empty strings"),
        ({"locks": [threading.Lock()]}, TypeError, "InstrumentedLock objects"),
        ({"locks": []}, ValueError, "locks must hold between 1 and 256 locks, got 0"),
        ({"locks": None}, TypeError, "locks must be a list"),
        ({"timeout": 1e9}, ValueError, "timeout must be between 0.1 and 600 s"),
        ({"timeout": None}, TypeError, "timeout must be a number"),
        ({"cancel": True}, TypeError, "cancel must be a threading.Event or None"),
    ],
)
def test_bad_arguments_are_refused_before_any_thread_starts(kwargs, error, match):
    baseline = threading.active_count()
    called = []
    args = {"workers": {"T1": lambda: called.append(1)}, "locks": [synclab.InstrumentedLock(name="L")]}
    args.update(kwargs)
    workers, locks = args.pop("workers"), args.pop("locks")
    with pytest.raises(error, match=match):
        watch_for_deadlock(workers, locks, **args)
    assert called == [] and threading.active_count() == baseline


def test_duplicate_lock_names_and_bad_helpers_are_refused():
    twins = [synclab.InstrumentedLock(name="same"), synclab.InstrumentedLock(name="same")]
    with pytest.raises(ValueError, match="locks must have distinct names, got 'same' more than once"):
        resource_allocation_graph(twins)
    with pytest.raises(TypeError, match="locks must be a list"):
        resource_allocation_graph(synclab.InstrumentedLock(name="one"))
    with pytest.raises(TypeError, match="threads must be a list of thread names"):
        thread_stacks("T1")
    with pytest.raises(TypeError, match="cancel must be a threading.Event"):
        cancellable_lock(None, "x")
    with pytest.raises(TypeError, match="name must be a string"):
        cancellable_lock(threading.Event(), 3)


def test_results_are_frozen():
    a, b = synclab.InstrumentedLock(name="lock A"), synclab.InstrumentedLock(name="lock B")
    report = watch_for_deadlock(opposite_order_workers(a, b, patience=0.2), [a, b])
    with pytest.raises(AttributeError):
        report.deadlocked = False  # type: ignore[misc]
    with pytest.raises(AttributeError):
        report.graph.cycle = ()  # type: ignore[misc]


def test_a_waiter_for_a_free_lock_has_no_wait_for_edge():
    graph = ResourceAllocationGraph(locks=("L", "M"), holds=(("T1", "M"),), waits=(("T2", "L"),), cycle=())
    assert graph.wait_for == ()
