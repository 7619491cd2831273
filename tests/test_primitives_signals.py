"""Event as a start gate and a stop signal, Barrier for phases: real threads, bounded waits."""

from __future__ import annotations

import threading

import pytest
from conftest import started_threads

from synclab import run_phases, run_start_gate, run_stop_signal

RUNS = 5


# -- start gate -------------------------------------------------------------------


def test_with_the_gate_every_worker_sees_setup_complete():
    baseline = threading.active_count()
    results = [run_start_gate() for _ in range(RUNS)]
    assert threading.active_count() == baseline
    for r in results:
        assert r.early == ()
        assert all(t.seen_steps == r.setup_steps == 10 for t in r.threads)
        assert all(t.began >= r.setup_done for t in r.threads)
        assert all(t.ready <= t.began <= t.ended for t in r.threads)
    assert [t.thread for t in results[0].threads] == ["T1", "T2", "T3", "T4"]


@pytest.mark.statistical
def test_without_the_gate_workers_begin_before_setup_is_done():
    """The same measurement sees half-done setup when nothing holds the workers back.

    Statistical: setup takes 10 ms; in 20 of 20 runs all 4 workers began before it was done (CPython 3.11 here, both
    cores busy with other work); a run with none early needs the OS to hold every worker back for those 10 ms."""
    baseline = threading.active_count()
    results = [run_start_gate(use_gate=False) for _ in range(RUNS)]
    assert threading.active_count() == baseline
    assert all(r.early for r in results), [r.early for r in results]
    for r in results:
        early = [t for t in r.threads if t.thread in r.early]
        assert all(t.began < r.setup_done and t.seen_steps < r.setup_steps for t in early)


def test_gate_with_instant_setup_still_orders_workers_after_it():
    result = run_start_gate(workers=6, setup_steps=1, step=0.0, work=0.0)
    assert result.early == ()
    assert len(result.threads) == 6


# -- stop signal -------------------------------------------------------------------


@pytest.mark.statistical
def test_every_worker_stops_after_the_signal_and_is_joined():
    """Statistical for ``jobs >= 1``: a worker must start within the 30 ms before the signal; in 20 of 20 runs each
    worker did at least 2 jobs (CPython 3.11 here, both cores busy with other work)."""
    baseline = threading.active_count()
    for wait in ("event", "sleep"):
        result = run_stop_signal(threads=3, wait=wait, period=0.02, run_for=0.03)
        assert threading.active_count() == baseline
        assert [w.thread for w in result.workers] == ["T1", "T2", "T3"]
        assert all(w.exited >= result.signalled for w in result.workers)
        assert all(w.jobs >= 1 for w in result.workers)
        assert len(result.latencies) == 3 and result.max_latency == max(result.latencies)


@pytest.mark.statistical
def test_a_sleeping_worker_finishes_its_nap_before_it_can_notice():
    """time.sleep(period) always sleeps the whole period, signal or not.

    Statistical for ``last_job <= signalled``: a worker must begin its nap within the 50 ms before the signal; in 10 of
    10 runs both began it 50 ms before (CPython 3.11 here, both cores busy with other work). The full nap is exact."""
    result = run_stop_signal(threads=2, wait="sleep", period=0.3, run_for=0.05)
    for worker in result.workers:
        assert worker.exited >= worker.last_job + 0.3 * 0.999
        assert worker.last_job <= result.signalled  # the signal came during the nap


@pytest.mark.statistical
def test_an_event_waiter_wakes_at_the_signal_not_at_the_end_of_its_period():
    """shutdown.wait(period) returns when the event is set (0.05 s in), long before 0.5 s.

    Statistical: a worker must begin its wait within the 50 ms before the signal (one job) and wake within 450 ms of it;
    in 10 of 10 runs each did one job and exited 50 ms after it began waiting (CPython 3.11 here, both cores busy with
    other work)."""
    result = run_stop_signal(threads=2, wait="event", period=0.5, run_for=0.05)
    for worker in result.workers:
        assert worker.jobs == 1
        assert worker.exited < worker.last_job + 0.5


def test_stop_with_no_delay_lets_each_worker_do_at_most_one_job():
    result = run_stop_signal(threads=4, wait="event", period=0.5, run_for=0.0)
    assert all(w.jobs <= 1 for w in result.workers)


# -- phases ------------------------------------------------------------------------


def test_with_a_barrier_no_phase_overlaps_the_next():
    baseline = threading.active_count()
    results = [run_phases() for _ in range(RUNS)]
    assert threading.active_count() == baseline
    for r in results:
        assert not r.overlapping
        assert r.completed == 3
        assert len(r.spans) == r.threads * 3 == 12
        assert len(r.released) == 3 and r.broken == ()
        for phase in (1, 2):
            last_finish = max(s.finished for s in r.spans if s.phase == phase)
            first_start = min(s.started for s in r.spans if s.phase == phase + 1)
            assert last_finish <= r.released[phase - 1] <= first_start


@pytest.mark.statistical
def test_without_a_barrier_fast_threads_run_ahead():
    """The overlap check can fail: without the barrier it reports an overlap every run.

    Statistical: T1 starts its later phases while T4 is still in its 8 ms first one; 20 of 20 runs overlapped
    (CPython 3.11 here, both cores busy with other work); avoiding it needs an OS delay of several ms to T1 alone."""
    results = [run_phases(use_barrier=False) for _ in range(RUNS)]
    assert all(r.overlapping for r in results)
    assert all(r.released == () and r.completed == 3 for r in results)


def test_a_thread_that_leaves_breaks_the_barrier_instead_of_hanging_the_rest():
    baseline = threading.active_count()
    result = run_phases(threads=4, phases=3, quitter=True, barrier_timeout=0.05)
    assert threading.active_count() == baseline
    assert sorted(name for name, _, _ in result.broken) == ["T1", "T2", "T3"]
    assert all(phase == 1 for _, phase, _ in result.broken)
    assert result.completed == 1 and result.released == ()
    assert all(s.phase == 1 for s in result.spans)
    # the first to time out waited the whole barrier timeout (one clock read of slack)
    assert max(waited for _, _, waited in result.broken) >= 0.05 * 0.99


def test_one_thread_passes_every_barrier_alone():
    result = run_phases(threads=1, phases=4, work=0.0)
    assert result.completed == 4 and len(result.released) == 4


def test_a_run_that_times_out_stops_every_thread():
    baseline = threading.active_count()
    with pytest.raises(TimeoutError, match="run_phases did not finish"):
        run_phases(threads=4, phases=100, work=0.01, timeout=0.2)
    assert threading.active_count() == baseline


# -- bad input ---------------------------------------------------------------------

CASES = [
    (run_start_gate, {"workers": 0}, ValueError, "workers must be between 1 and 32, got 0"),
    (run_start_gate, {"workers": 33}, ValueError, "workers must be between 1 and 32, got 33"),
    (run_start_gate, {"workers": "4"}, TypeError, "workers must be an integer"),
    (run_start_gate, {"use_gate": 0}, TypeError, "use_gate must be True or False"),
    (run_start_gate, {"setup_steps": 0}, ValueError, "setup_steps must be between 1 and 1,000"),
    (run_start_gate, {"step": -0.5}, ValueError, "step must be between 0 and 0.1 s"),
    (run_start_gate, {"work": 2}, ValueError, "work must be between 0 and 1 s"),
    (run_start_gate, {"timeout": 0}, ValueError, "timeout must be between 0.1 and 600 s"),
    (run_stop_signal, {"threads": 0}, ValueError, "threads must be between 1 and 32, got 0"),
    (run_stop_signal, {"threads": 1.5}, TypeError, "threads must be an integer"),
    (run_stop_signal, {"wait": "poll"}, ValueError, "wait must be one of 'event', 'sleep'"),
    (run_stop_signal, {"wait": 3}, TypeError, "wait must be one of"),
    (run_stop_signal, {"period": 0}, ValueError, "period must be between 0.001 and 1 s"),
    (run_stop_signal, {"period": "1"}, TypeError, "period must be a number"),
    (run_stop_signal, {"run_for": -0.5}, ValueError, "run_for must be between 0 and 5 s"),
    (run_stop_signal, {"run_for": 10**9}, ValueError, "run_for must be between 0 and 5 s"),
    (run_phases, {"threads": 0}, ValueError, "threads must be between 1 and 32, got 0"),
    (run_phases, {"threads": -4}, ValueError, "threads must be between 1 and 32"),
    (run_phases, {"phases": 0}, ValueError, "phases must be between 1 and 100, got 0"),
    (run_phases, {"phases": 3.0}, TypeError, "phases must be an integer"),
    (run_phases, {"work": 1}, ValueError, "work must be between 0 and 0.1 s"),
    (run_phases, {"use_barrier": "no"}, TypeError, "use_barrier must be True or False"),
    (run_phases, {"quitter": 0}, TypeError, "quitter must be True or False"),
    (run_phases, {"barrier_timeout": 0}, ValueError, "barrier_timeout must be between 0.01 and 10 s"),
    (run_phases, {"barrier_timeout": float("inf")}, ValueError, "barrier_timeout must be between"),
    (run_phases, {"quitter": True, "use_barrier": False}, ValueError, "quitter=True needs use_barrier=True"),
    (run_phases, {"quitter": True, "threads": 1}, ValueError, "at least 2 threads, got threads=1"),
]


@pytest.mark.parametrize(
    ("function", "kwargs", "error", "words"),
    CASES,
    ids=[f"{f.__name__}-{kw!r}" for f, kw, _, _ in CASES],
)
def test_bad_input_is_refused_before_any_thread_starts(function, kwargs, error, words, monkeypatch):
    started = started_threads(monkeypatch)
    with pytest.raises(error) as info:
        function(**kwargs)
    assert words in str(info.value)
    assert started == []
