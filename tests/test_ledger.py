"""run_ledger (notebook 04): a re-entered Lock waits for itself; an RLock or a Lock + helper is exact."""

from __future__ import annotations

import threading

import pytest
from conftest import started_threads

import synclab
from synclab import run_ledger
from synclab.experiments import reentrant
from synclab.experiments.reentrant import SELF_DEADLOCK_TIMEOUT
from synclab.instruments import InstrumentedLock
from tests.test_instruments import NullLock

RUNS = 20


def names(threads: int) -> tuple[str, ...]:
    return tuple(f"T{i}" for i in range(1, threads + 1))


@pytest.mark.parametrize("design", ["RLock", "helper"])
def test_rlock_and_helper_are_exact_on_every_run(design):
    baseline = threading.active_count()
    for _ in range(RUNS):
        r = run_ledger(design=design)
        assert threading.active_count() == baseline
        assert (r.threads, r.batches, r.batch_size, r.design) == (4, 10, 4, design)
        assert (r.expected_entries, r.expected_total) == (4 * 10 * 4, 4 * 10 * (1 + 2 + 3 + 4))
        assert (r.entries, r.total) == (160, 400) and r.exact
        assert r.stuck == ()
        assert r.per_thread == (10 * 4,) * 4
        calls_per_batch = 4 + 1 if design == "RLock" else 1  # record_many, plus record for each entry
        assert r.lock_calls == 4 * 10 * calls_per_batch
        assert r.max_count == (2 if design == "RLock" else 0)
        # a nested RLock acquisition is part of the outer hold: one hold per batch
        assert r.lock.acquisitions == 4 * 10 and r.lock.failed == 0
        assert {t.thread for t in r.lock.threads} == set(names(4))
        assert r.batches_done == 40 and r.calls_per_batch == calls_per_batch


@pytest.mark.parametrize("design", ["RLock", "helper"])
def test_the_counts_follow_every_setting(design):
    baseline = threading.active_count()
    r = run_ledger(threads=3, batches=5, batch_size=7, design=design)
    assert threading.active_count() == baseline
    assert r.expected_entries == r.entries == 3 * 5 * 7
    assert r.expected_total == r.total == 3 * 5 * sum(range(1, 8))
    assert r.per_thread == (5 * 7,) * 3
    assert r.lock_calls == 3 * 5 * (7 + 1 if design == "RLock" else 1)
    assert r.lock.acquisitions == 3 * 5
    assert r.max_count == (2 if design == "RLock" else 0)
    assert len(r.lock.events) == 15


@pytest.mark.parametrize("threads", [1, 4, 9])
def test_a_re_entered_lock_waits_for_itself_in_every_thread(threads):
    baseline = threading.active_count()
    r = run_ledger(threads=threads, design="Lock")  # bounded: each nested acquire gives up
    assert threading.active_count() == baseline
    assert r.stuck == names(threads)
    assert r.entries == 0 and r.total == 0 and not r.exact
    assert r.per_thread == (0,) * threads
    assert r.expected_entries == threads * 10 * 4
    # each thread held the lock once, for its first batch, and timed out asking for it again
    assert r.lock.failed == threads
    assert [t.failed for t in r.lock.threads] == [1] * threads
    assert r.lock.acquisitions == len(r.lock.events) == threads
    assert sorted(e.thread for e in r.lock.events) == sorted(names(threads))
    # held while waiting for itself (a timed acquire may end a hair early on another clock: 90 %)
    assert all(e.hold >= 0.9 * SELF_DEADLOCK_TIMEOUT for e in r.lock.events)
    assert r.lock.max_wait >= 0.9 * SELF_DEADLOCK_TIMEOUT
    spans = sorted((e.acquired, e.released) for e in r.lock.events)
    assert all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))
    assert r.lock_calls == threads and r.max_count == 0
    assert r.batches_done == 0 and r.calls_per_batch == 0.0


def test_the_lock_design_is_stuck_only_because_its_lock_is_not_reentrant(monkeypatch):
    """Give the "Lock" design an RLock: nobody waits for itself, so the checks above can fail."""

    def rlock(design: str) -> tuple[InstrumentedLock, object]:
        raw = threading.RLock()
        return InstrumentedLock(raw, name="ledger lock"), raw

    monkeypatch.setattr(reentrant, "_ledger_lock", rlock)
    r = run_ledger(design="Lock")
    assert r.stuck == () and r.exact and r.lock.failed == 0


@pytest.mark.statistical
def test_the_exactness_check_fails_if_the_lock_does_nothing(monkeypatch):
    """With a lock that lets everyone in, entries made at the same time overwrite each other's total.

    Statistical: 10 of 10 repeats had all 5 runs come out wrong (CPython 3.11 here, both cores busy with other work);
    the test needs 3 of 5."""
    made: list[InstrumentedLock] = []

    def null_lock(design: str) -> tuple[InstrumentedLock, NullLock]:
        raw = NullLock()
        made.append(InstrumentedLock(raw, name="ledger lock"))
        return made[-1], raw

    monkeypatch.setattr(reentrant, "_ledger_lock", null_lock)
    baseline = threading.active_count()
    results = [run_ledger(threads=4, design="helper") for _ in range(5)]
    assert threading.active_count() == baseline
    assert len(made) == 5  # every run used the lock that does nothing
    wrong = [r for r in results if not r.exact]
    assert len(wrong) >= 3, [r.total for r in results]
    assert all(r.total < r.expected_total for r in wrong)


def test_a_run_that_takes_too_long_times_out_and_stops_every_thread():
    # The run in test_interrupts.py's table: it must take well over the 0.3 s before its interrupt.
    baseline = threading.active_count()
    with pytest.raises(TimeoutError, match="run_ledger did not finish within 1 s"):
        run_ledger(threads=8, batches=1_000, batch_size=64, design="RLock", timeout=1.0)
    assert threading.active_count() == baseline


def test_results_are_frozen():
    r = run_ledger(threads=1, batches=1, batch_size=1)
    assert r.exact and r.python
    with pytest.raises(AttributeError):
        r.total = 5  # type: ignore[misc]


def test_designs_are_the_three_the_notebook_names():
    assert synclab.LEDGER_DESIGNS == ("Lock", "RLock", "helper")


# (kwargs, error, words the message must contain)
BAD = [
    ({"threads": 0}, ValueError, "threads must be between 1 and 64, got 0"),
    ({"threads": 65}, ValueError, "threads must be between 1 and 64, got 65"),
    ({"threads": "4"}, TypeError, "threads must be an integer"),
    ({"threads": 4.0}, TypeError, "threads must be an integer"),
    ({"batches": 0}, ValueError, "batches must be between 1 and 1,000, got 0"),
    ({"batches": 1_001}, ValueError, "batches must be between 1 and 1,000, got 1,001"),
    ({"batch_size": 0}, ValueError, "batch_size must be between 1 and 64, got 0"),
    ({"batch_size": 65}, ValueError, "batch_size must be between 1 and 64, got 65"),
    ({"design": "rlock"}, ValueError, "design must be one of 'Lock', 'RLock', 'helper', got 'rlock'"),
    ({"design": 3}, TypeError, "design must be one of 'Lock', 'RLock', 'helper'"),
    ({"timeout": -2}, ValueError, "timeout must be between 0.1 and 600 s, got -2"),
    ({"timeout": "1"}, TypeError, "timeout must be a number"),
]


@pytest.mark.parametrize(
    ("kwargs", "error", "words"), BAD, ids=["-".join(f"{k}={v!r}" for k, v in kw.items()) for kw, _, _ in BAD]
)
def test_bad_input_is_refused_before_any_thread_starts(kwargs, error, words, monkeypatch):
    started = started_threads(monkeypatch)
    with pytest.raises(error) as info:
        run_ledger(**kwargs)
    assert words in str(info.value)
    assert started == []
