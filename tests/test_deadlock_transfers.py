"""run_transfers and friends: naive order deadlocks, every fix never does, money is conserved."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest

import synclab.experiments.deadlock as transfers
from synclab import run_transfers, sweep_transfers
from synclab.experiments.deadlock import repeat_transfers
from synclab.instruments import InstrumentedLock


@pytest.mark.statistical
def test_naive_order_deadlocks_in_some_runs_at_the_defaults_every_time():
    """Statistical: in 10 of 10 repeats all 10 runs deadlocked (CPython 3.11 here, both cores busy with other work);
    each repeat needs one deadlocked run."""
    baseline = threading.active_count()
    for _ in range(3):
        runs = repeat_transfers()
        assert threading.active_count() == baseline
        assert runs.deadlocked_runs > 0, "the lab's default must show deadlocks on every re-run"
        assert runs.all_conserved


@pytest.mark.statistical
def test_a_deadlocked_run_is_called_off_with_its_cycle_and_threads_back():
    """Statistical for finding a deadlocked run: 10 of 10 repeats of 10 runs deadlocked in all 10 (CPython 3.11 here,
    both cores busy with other work); the test needs 1 of 10 (what it checks in that run is exact)."""
    baseline = threading.active_count()
    run = next(r for r in repeat_transfers(10).results if r.deadlocked)
    assert threading.active_count() == baseline
    assert run.graph is not None and run.graph.deadlocked
    assert len(run.graph.cycle) >= 4  # at least two threads and two accounts
    assert all(name.startswith("account ") for name in run.graph.cycle[1::2])
    # the first cancelled wait releases a lock, which may let another thread in the cycle finish
    assert run.abandoned >= 1
    assert run.completed < run.attempted
    assert run.conserved  # abandoned transfers moved no money


@pytest.mark.parametrize("strategy", ["ordered", "global", "retry"])
def test_every_fix_never_deadlocks_and_makes_every_transfer(strategy):
    baseline = threading.active_count()
    # two accounts and 4 threads: the naive order deadlocks in every run here
    runs = repeat_transfers(10, accounts=2, threads=4, transfers=25, strategy=strategy)
    assert threading.active_count() == baseline
    assert runs.deadlocked_runs == 0
    assert runs.completed == runs.attempted == 10 * 4 * 25
    assert runs.all_conserved
    assert all(r.abandoned == 0 for r in runs.results)


@pytest.mark.statistical
def test_the_same_settings_deadlock_every_run_with_the_naive_order():
    """The control for the test above: without a fix, these settings do deadlock.

    Statistical: 10 of 10 repeats deadlocked in 10 of 10 runs (CPython 3.11 here, both cores busy with other work); the
    test needs 5 of 10."""
    runs = repeat_transfers(10, accounts=2, threads=4, transfers=25, strategy="naive")
    assert runs.deadlocked_runs >= 5


def test_ordered_locks_are_per_account_and_global_is_one_lock():
    ordered = run_transfers(accounts=5, strategy="ordered")
    assert [s.name for s in ordered.locks] == [f"account {i}" for i in range(5)]
    assert sum(s.acquisitions for s in ordered.locks) == 2 * ordered.completed
    one = run_transfers(accounts=5, strategy="global")
    assert [s.name for s in one.locks] == ["bank"]
    assert one.locks[0].acquisitions == one.completed


@pytest.mark.statistical
def test_retry_breaks_cycles_with_timeouts():
    """Statistical for the retries (the rest is exact): 10 repeats of 10 runs retried 68-123 times each (CPython 3.11
    here, both cores busy with other work); the test needs 1 retry."""
    runs = repeat_transfers(10, accounts=2, threads=2, transfers=25, strategy="retry")
    assert runs.retries > 0  # cycles did form, and timeouts broke them
    assert runs.deadlocked_runs == 0 and runs.completed == runs.attempted


@pytest.mark.statistical
def test_money_is_conserved_with_the_locks_and_not_without(monkeypatch):
    """Would the conservation claim still hold if the locks did nothing? It must not.

    Statistical for the unlocked runs (the locked ones are exact): in 10 of 10 repeats all 5 unlocked runs lost or
    made money (CPython 3.11 here, both cores busy with other work); the test needs 1 of 5."""

    def capped_after_a_yield(amount, balance):
        time.sleep(1e-6)  # a forced window between reading the balances and writing them back
        return min(amount, balance)

    monkeypatch.setattr(transfers, "_capped", capped_after_a_yield)
    settings = {"accounts": 4, "threads": 4, "transfers": 100, "strategy": "ordered", "window": "none"}
    locked = repeat_transfers(5, **settings)
    assert locked.all_conserved and locked.completed == locked.attempted

    class DoesNothing:
        def acquire(self, blocking=True, timeout=-1):
            return True

        def release(self):
            pass

    monkeypatch.setattr(
        transfers, "cancellable_lock", lambda cancel, name: InstrumentedLock(DoesNothing(), name=name, max_events=0)
    )
    unlocked = repeat_transfers(5, **settings)
    assert not unlocked.all_conserved


def test_hold_and_seed_and_window_are_used():
    run = run_transfers(accounts=4, threads=2, transfers=5, strategy="global", window="none", hold=0.002, seed=7)
    assert run.hold == 0.002 and run.window == "none"
    assert run.locks[0].total_hold >= run.completed * 0.002
    # one thread, one seed: the same transfers, so the same lock usage
    a = run_transfers(accounts=6, threads=1, transfers=30, strategy="ordered", seed=3)
    b = run_transfers(accounts=6, threads=1, transfers=30, strategy="ordered", seed=3)
    assert [s.acquisitions for s in a.locks] == [s.acquisitions for s in b.locks]


def test_repeat_and_sweep_shapes():
    runs = repeat_transfers(3, accounts=3, threads=2, transfers=5, strategy="ordered", seed=1)
    assert runs.runs == 3 and runs.strategy == "ordered"
    assert runs.median_elapsed > 0 and runs.median_throughput > 0
    assert all(r.graph is None for r in runs.results)
    sweep = sweep_transfers(("naive", "ordered"), accounts=(2, 4), threads=2, runs=2, transfers=5)
    assert sweep.strategies == ("naive", "ordered")
    assert [(e.strategy, e.results[0].accounts) for e in sweep.entries] == [
        ("naive", 2),
        ("naive", 4),
        ("ordered", 2),
        ("ordered", 4),
    ]
    assert [e.results[0].accounts for e in sweep.by_strategy("ordered")] == [2, 4]
    by_threads = sweep_transfers(("global",), accounts=4, threads=(1, 3), runs=1, transfers=5)
    assert [e.results[0].threads for e in by_threads.entries] == [1, 3]


def test_derived_figures():
    run = run_transfers(accounts=3, threads=2, transfers=10, strategy="ordered")
    assert run.attempted == 20
    assert transfers.TransferRuns((run,)).median_throughput == pytest.approx(run.completed / run.elapsed)
    broken = dataclasses.replace(run, total_after=run.accounts * transfers.START_BALANCE - 1)
    assert not broken.conserved


def test_too_much_work_times_out_and_stops_every_thread():
    baseline = threading.active_count()
    with pytest.raises(TimeoutError, match="run_transfers did not finish within 0.2 s"):
        run_transfers(accounts=4, threads=4, transfers=100_000, strategy="ordered", timeout=0.2)
    assert threading.active_count() == baseline


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"accounts": 1}, ValueError, "accounts must be between 2 and 64, got 1"),
        ({"accounts": 0}, ValueError, "accounts must be between 2 and 64, got 0"),
        ({"accounts": 10**9}, ValueError, "accounts must be between 2 and 64"),
        ({"accounts": "4"}, TypeError, "accounts must be an integer between 2 and 64, got '4' of type str"),
        ({"accounts": 4.0}, TypeError, "of type float"),
        ({"threads": 0}, ValueError, "threads must be between 1 and 64, got 0"),
        ({"threads": True}, TypeError, "threads must be an integer"),
        ({"transfers": 0}, ValueError, "transfers must be between 1 and 100,000, got 0"),
        ({"strategy": "random"}, ValueError, "strategy must be one of 'naive', 'ordered', 'retry', 'global'"),
        ({"strategy": 1}, TypeError, "strategy must be one of"),
        ({"window": "yield"}, ValueError, "window must be one of 'none', 'sleep'"),
        ({"hold": -0.1}, ValueError, "hold must be between 0 and 0.1 s"),
        ({"hold": "0"}, TypeError, "hold must be a number"),
        ({"seed": -1}, ValueError, "seed must be between 0 and"),
        ({"seed": 1.5}, TypeError, "seed must be an integer"),
        ({"timeout": 0}, ValueError, "timeout must be between 0.1 and 600 s"),
    ],
)
def test_bad_arguments_are_refused_before_any_thread_starts(kwargs, error, match):
    baseline = threading.active_count()
    with pytest.raises(error, match=match):
        run_transfers(**kwargs)
    with pytest.raises(error, match=match):
        repeat_transfers(2, **kwargs)
    assert threading.active_count() == baseline


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"runs": 0}, ValueError, "runs must be between 1 and 100, got 0"),
        ({"runs": "10"}, TypeError, "runs must be an integer"),
        ({"strategies": "naive"}, TypeError, "strategies must be a sequence"),
        ({"strategies": ()}, ValueError, r"len\(strategies\) must be between 1 and 4, got 0"),
        ({"strategies": ("naive", "fast")}, ValueError, "strategies must be one of"),
        ({"accounts": ()}, ValueError, r"len\(accounts\) must be between 1 and 16, got 0"),
        ({"accounts": "24"}, TypeError, "accounts must be an int or a sequence of ints"),
        ({"accounts": (2, 1)}, ValueError, "accounts must be between 2 and 64, got 1"),
        ({"threads": (2, None)}, TypeError, "threads must be an integer"),
        ({"threads": 0}, ValueError, "threads must be between 1 and 64, got 0"),
    ],
)
def test_bad_sweep_arguments_are_refused(kwargs, error, match):
    baseline = threading.active_count()
    with pytest.raises(error, match=match):
        sweep_transfers(**kwargs)
    assert threading.active_count() == baseline


def test_seed_plus_runs_must_stay_in_range():
    with pytest.raises(ValueError, match="seed \\+ runs"):
        repeat_transfers(5, seed=2**32 - 2)


def test_results_are_frozen():
    run = run_transfers(accounts=2, threads=1, transfers=3)
    with pytest.raises(AttributeError):
        run.completed = 0  # type: ignore[misc]
