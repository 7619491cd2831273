"""Plots: labelled, titled with the finding, and leaving nothing behind."""

from __future__ import annotations

import gc

import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

import synclab
from synclab.plots._style import OKABE_ITO, thread_colour, thread_order


@pytest.fixture(scope="module")
def racy():
    return synclab.run_counter(threads=4, increments=200)


@pytest.fixture(scope="module")
def locked():
    return synclab.run_counter(threads=4, increments=200, use_lock=True)


def figures_alive() -> int:
    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())


def test_counter_plot_title_states_the_loss(racy, locked):
    ax = synclab.plot_counter(racy).axes[0]
    assert ax.get_title() == f"4 threads, no lock: {racy.lost:,} of 800 updates lost"
    assert "final counter value" in ax.get_ylabel()
    ax = synclab.plot_counter(locked).axes[0]
    assert ax.get_title() == "4 threads, with a lock: all 800 updates counted"


def test_sweep_plot_counts_losing_runs():
    sweep = synclab.sweep_counter(threads=(1, 2, 4), increments=200)
    ax = synclab.plot_counter(sweep).axes[0]
    assert ax.get_title().startswith("no lock: updates lost in 2 of 3 runs")
    assert ax.get_xlabel() == "threads"
    locked = synclab.sweep_counter(threads=(1, 2), increments=200, use_lock=True)
    assert synclab.plot_counter(locked).axes[0].get_title() == "with a lock: every update counted at every thread count"


def test_contention_plot_has_a_bar_per_thread_in_milliseconds(locked):
    ax = synclab.plot_contention(locked.lock).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["T1", "T2", "T3", "T4"]
    heights = [p.get_height() for p in ax.patches]
    waits = {t.thread: t.total_wait * 1e3 for t in locked.lock.threads}
    assert heights == pytest.approx([waits[n] for n in ("T1", "T2", "T3", "T4")])
    assert "(ms)" in ax.get_ylabel()


def test_hold_histogram_counts_every_kept_event(locked):
    ax = synclab.plot_hold_histogram(locked.lock).axes[0]
    assert sum(p.get_height() for p in ax.patches) == len(locked.lock.events) == 800
    assert ax.get_xscale() == "log" and "µs" in ax.get_xlabel()
    assert ax.get_title().startswith("Median hold")


def test_timeline_draws_one_row_per_thread(locked):
    ax = synclab.plot_lock_timeline(locked.lock).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["T1", "T2", "T3", "T4"]
    assert "(ms)" in ax.get_xlabel()


def test_plots_without_a_lock_say_so(racy):
    for plot in (synclab.plot_contention, synclab.plot_hold_histogram, synclab.plot_lock_timeline):
        texts = [t.get_text() for t in plot(None).axes[0].texts]
        assert any("no lock" in text for text in texts)


def test_drawing_into_given_axes_uses_them(racy):
    fig, axes = plt.subplots(1, 2)
    try:
        assert synclab.plot_counter(racy, ax=axes[1]) is fig
        assert axes[1].get_title().startswith("4 threads")
    finally:
        plt.close(fig)


def test_counter_run_panels_reuse_a_given_figure(locked):
    fig = synclab.plot_counter_run(locked)
    assert len(fig.axes) == 3
    assert synclab.plot_counter_run(locked, fig) is fig
    assert len(fig.axes) == 3


def test_plotting_100_times_leaves_no_figures_behind(racy, locked):
    before = figures_alive()
    for _ in range(100):
        synclab.plot_counter(racy)
        synclab.plot_counter_run(locked)
        synclab.plot_lock_timeline(locked.lock)
    assert plt.get_fignums() == []
    assert figures_alive() <= before


def test_thread_colours_are_fixed_and_colour_blind_safe():
    assert thread_colour("T1") == thread_colour(1) == OKABE_ITO[0]
    assert thread_colour("T9") == OKABE_ITO[0]
    assert thread_order(["T10", "T2", "T1"]) == ["T1", "T2", "T10"]
