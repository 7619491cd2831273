"""The notebook 11 experiments: a blocked thread sleeps, a dict changes under a loop."""

from __future__ import annotations

import sys
import threading

import pytest

from synclab import measure_blocked_thread, run_dict_iteration
from synclab.experiments.faq import _a_real_moment


@pytest.mark.statistical
def test_a_blocked_thread_uses_far_less_cpu_than_a_spinning_one():
    """Statistical for the CPU comparison: over 10 runs the spinner used 460-10,000x the CPU time of the blocked thread
    (CPython 3.11 here, both cores busy with other work); it fails only if the OS kept the spinner off the CPU for
    nearly all of its 100 ms."""
    baseline = threading.active_count()
    result = measure_blocked_thread(0.1)
    assert threading.active_count() == baseline
    # the locks really were held: the spinner had to ask more than once
    assert result.spin_attempts > 1
    assert result.blocked_wall > 0 and result.spin_wall > 0
    assert result.blocked_cpu < result.spin_cpu
    blocked_share, spin_share = result.blocked_cpu / result.blocked_wall, result.spin_cpu / result.spin_wall
    assert blocked_share < spin_share
    assert 0 <= blocked_share <= 1 and 0 <= spin_share <= 1.05


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"hold": 0}, ValueError, "hold must be between 0.01 and 2 s, got 0"),
        ({"hold": 100}, ValueError, "hold must be between 0.01 and 2 s"),
        ({"hold": "1"}, TypeError, "hold must be a number"),
        ({"hold": 1.0, "timeout": 0.5}, ValueError, r"timeout must be longer than hold \(1 s\), got 0.5 s"),
        ({"timeout": 0}, ValueError, "timeout must be between 0.1 and 600 s"),
    ],
)
def test_blocked_thread_bad_arguments(kwargs, error, match):
    baseline = threading.active_count()
    with pytest.raises(error, match=match):
        measure_blocked_thread(**kwargs)
    assert threading.active_count() == baseline


@pytest.mark.statistical
def test_looping_over_a_dict_another_thread_changes_raises_at_default_settings():
    """Margin: at the defaults (2,000 loops over 1,000 keys, the default 5 ms switch interval) the
    fewest loops that raised in 400 runs on CPython 3.10-3.13, on a loaded 2-core machine, was 6;
    each thread switch in the middle of a loop raises about half the time."""
    before = sys.getswitchinterval()
    for _ in range(3):
        result = run_dict_iteration()
        assert result.raised > 0
        assert result.changes > 0 and result.tries == 2_000
        assert set(result.messages) <= {
            "dictionary changed size during iteration",
            "dictionary keys changed during iteration",
        }
        assert result.wrong == result.raised + result.mixed
    assert sys.getswitchinterval() == before  # nothing forced


def test_with_one_lock_every_loop_sees_one_moment_of_the_dict():
    """Would this pass if the lock did nothing? No: the test above is the same run without it."""
    for _ in range(3):
        result = run_dict_iteration(500, use_lock=True)
        assert result.raised == result.mixed == result.wrong == 0
        assert result.messages == ()


def test_a_real_moment_is_a_run_of_consecutive_keys():
    keys = 10
    for start in (0, 7, 1_000):
        for count in (keys, keys + 1, keys + 2):
            assert _a_real_moment(count, sum(range(start, start + count)), keys)
    assert not _a_real_moment(keys - 1, sum(range(keys - 1)), keys)  # a key skipped
    assert not _a_real_moment(keys + 3, sum(range(keys + 3)), keys)  # too many
    mixed = [*range(5, 10), *range(41, 46)]  # half old keys, half new ones
    assert not _a_real_moment(len(mixed), sum(mixed), keys)
    # The documented undercount: a mix whose sum matches a real moment (here 20..29) passes.
    lucky = [*range(5, 10), *range(40, 45)]
    assert _a_real_moment(len(lucky), sum(lucky), keys)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"tries": 0}, ValueError, "tries must be between 1 and 100,000, got 0"),
        ({"tries": 1.5}, TypeError, "tries must be an integer"),
        ({"keys": 9}, ValueError, "keys must be between 10 and 100,000, got 9"),
        ({"keys": "10"}, TypeError, "keys must be an integer"),
        ({"use_lock": 0}, TypeError, "use_lock must be True or False"),
        ({"timeout": 0}, ValueError, "timeout must be between 0.1 and 600 s"),
    ],
)
def test_dict_iteration_bad_arguments(kwargs, error, match):
    baseline = threading.active_count()
    with pytest.raises(error, match=match):
        run_dict_iteration(**kwargs)
    assert threading.active_count() == baseline
