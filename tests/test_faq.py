"""The notebook 11 experiments: a blocked thread sleeps, and reads without a lock tear."""

from __future__ import annotations

import sys
import threading

import pytest

import synclab
from synclab import measure_blocked_thread, run_torn_reads


def test_a_blocked_thread_uses_far_less_cpu_than_a_spinning_one():
    baseline = threading.active_count()
    result = measure_blocked_thread(0.1)
    assert threading.active_count() == baseline
    # the locks really were held: the spinner had to ask more than once
    assert result.spin_attempts > 1
    assert result.blocked_wall > 0 and result.spin_wall > 0
    assert result.blocked_cpu < result.spin_cpu
    assert result.blocked_cpu_share < result.spin_cpu_share
    assert 0 <= result.blocked_cpu_share <= 1 and 0 <= result.spin_cpu_share <= 1.05


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"hold": 0}, ValueError, "hold must be between 0.01 and 2 s, got 0"),
        ({"hold": -1}, ValueError, "hold must be between 0.01 and 2 s"),
        ({"hold": 100}, ValueError, "hold must be between 0.01 and 2 s"),
        ({"hold": "1"}, TypeError, "hold must be a number"),
        ({"hold": None}, TypeError, "hold must be a number"),
        ({"hold": 1.0, "timeout": 0.5}, ValueError, r"timeout must be longer than hold \(1 s\), got 0.5 s"),
        ({"timeout": 0}, ValueError, "timeout must be between 0.1 and 600 s"),
    ],
)
def test_blocked_thread_bad_arguments(kwargs, error, match):
    baseline = threading.active_count()
    with pytest.raises(error, match=match):
        measure_blocked_thread(**kwargs)
    assert threading.active_count() == baseline


def test_reads_without_the_lock_tear_on_every_run_with_the_window():
    baseline = threading.active_count()
    for _ in range(5):
        result = run_torn_reads(100)
        assert result.torn > 0
        assert result.lowest_mean < 10
    assert threading.active_count() == baseline


def test_reads_with_the_lock_never_tear():
    """Would this pass if the lock did nothing? No: the test above is the same run without it."""
    for _ in range(5):
        result = run_torn_reads(100, use_lock=True)
        assert result.reads > 0
        assert result.torn == 0 and result.lowest_mean == 10


@pytest.mark.skipif(not synclab.gil_enabled(), reason="free-threaded builds can tear reads without a window")
def test_without_a_window_nothing_tears_with_the_gil():
    """What notebook 11 says about the GIL; if a CPython changes this, the notebook must change too."""
    result = run_torn_reads(20_000, window="none", switch_interval=1e-6)
    assert result.torn == 0
    assert result.gil_enabled


def test_torn_reads_restore_the_switch_interval_and_report_the_build():
    before = sys.getswitchinterval()
    result = run_torn_reads(10, switch_interval=2e-5)
    assert sys.getswitchinterval() == before
    assert result.gil_enabled == synclab.gil_enabled()
    assert result.torn_share == pytest.approx(result.torn / result.reads)
    with pytest.raises(AttributeError):
        result.torn = 0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"writes": 0}, ValueError, "writes must be between 1 and 100,000, got 0"),
        ({"writes": 2.5}, TypeError, "writes must be an integer"),
        ({"use_lock": 1}, TypeError, "use_lock must be True or False, got 1"),
        ({"window": "yield"}, ValueError, "window must be one of 'none', 'sleep'"),
        ({"switch_interval": 0}, ValueError, "switch_interval must be between 1e-06 and 0.1 s"),
        ({"timeout": "10"}, TypeError, "timeout must be a number"),
    ],
)
def test_torn_read_bad_arguments(kwargs, error, match):
    baseline = threading.active_count()
    with pytest.raises(error, match=match):
        run_torn_reads(**kwargs)
    assert threading.active_count() == baseline
