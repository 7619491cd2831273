"""Plots of the bank experiment: the panels, their labels, and titles that state the finding."""

from __future__ import annotations

import io

import pytest
from conftest import histogram_counts, numbers_in, seconds_in
from matplotlib.figure import Figure

import synclab


@pytest.fixture(scope="module")
def inside():
    return synclab.run_bank(style="long", withdrawals=5)


@pytest.fixture(scope="module")
def outside():
    return synclab.run_bank(style="short", withdrawals=5)


@pytest.fixture(scope="module")
def overdrawn():
    return synclab.run_bank(style="check_outside", balance=100)


def test_plot_bank_has_four_labelled_panels(inside):
    fig = synclab.plots.plot_bank(inside)
    throughput, contention, hold, timeline = fig.axes
    assert numbers_in(fig.get_suptitle()) == pytest.approx([4, inside.throughput], abs=0.5)
    assert "inside" in fig.get_suptitle()
    assert "withdrawals per second" in throughput.get_ylabel()
    assert [t.get_text() for t in contention.get_xticklabels()] == ["T1", "T2", "T3", "T4"]
    assert sum(histogram_counts(hold)) == len(inside.lock.events) == 20
    assert [t.get_text() for t in timeline.get_yticklabels()] == ["T1", "T2", "T3", "T4"]
    assert "(ms)" in timeline.get_xlabel() and "(ms)" in contention.get_ylabel()


def test_throughput_panel_draws_the_two_limits_of_the_slow_work(inside):
    ax = synclab.plots.plot_throughput(inside).axes[0]
    assert [p.get_height() for p in ax.patches] == [pytest.approx(inside.throughput)]
    limits = sorted(line.get_ydata()[0] for line in ax.lines)
    assert limits == [pytest.approx(1_000), pytest.approx(4_000)]
    assert numbers_in(ax.get_title()) == [pytest.approx(inside.throughput * inside.work, abs=0.05)]
    alone = synclab.run_bank(threads=1, withdrawals=2, work=0)
    ax = synclab.plots.plot_throughput(alone).axes[0]
    assert len(ax.lines) == 0 and numbers_in(ax.get_title()) == [pytest.approx(alone.throughput, abs=0.5)]
    assert "no slow work" in ax.get_title()


def test_hold_ticks_are_plain_numbers_and_short_holds_stay_visible(outside):
    fig = synclab.plots.plot_bank(outside)
    fig.canvas.draw()
    hold, timeline = fig.axes[2], fig.axes[3]
    labels = [t.get_text() for t in (*hold.get_xticklabels(), *hold.get_xticklabels(minor=True)) if t.get_text()]
    assert labels and not any("$" in label for label in labels)
    solid = [c for c in timeline.collections if c.get_alpha() is None]
    assert solid and all(lw > 0 for c in solid for lw in c.get_linewidths())


def test_reusing_the_figure_keeps_its_axes(inside, outside):
    fig = synclab.plots.plot_bank(inside)
    axes = list(fig.axes)
    assert synclab.plots.plot_bank(outside, fig) is fig
    assert fig.axes == axes
    assert numbers_in(fig.get_suptitle()) == pytest.approx([4, outside.throughput], abs=0.5)
    assert "outside" in fig.get_suptitle()
    other = Figure()
    other.add_subplot(1, 1, 1)
    assert len(synclab.plots.plot_bank(inside, other).axes) == 4


@pytest.mark.statistical
def test_balance_plot_states_the_overdraft(overdrawn):
    """Statistical for the overdraft (the run checking inside the lock is exact): 20 of 20 runs checking outside
    overdrew to -30 (CPython 3.11 here, both cores busy with other work)."""
    ax = synclab.plots.plot_balance(overdrawn).axes[0]
    assert numbers_in(ax.get_title()) == [overdrawn.closing, overdrawn.approved, 10]
    assert overdrawn.closing < 0 and "overdrawn" in ax.get_title()
    assert "€" in ax.get_ylabel() and "(ms)" in ax.get_xlabel()
    assert ax.collections, "the overdrawn area is shaded"
    safe = synclab.run_bank(style="short", balance=100)
    ax = synclab.plots.plot_balance(safe).axes[0]
    assert numbers_in(ax.get_title()) == [0, 0, 10, 10]  # ends at 0, never below 0; 10 approved, 10 affordable
    assert "overdrawn" not in ax.get_title()
    assert min(ax.lines[0].get_ydata()) == 0


def test_sweep_plot_against_threads_states_the_gain():
    sweep = synclab.sweep_bank(threads=(1, 3), withdrawals=3)
    axes = synclab.plots.plot_bank_sweep(sweep).axes
    assert len(axes) == 3 and all(ax.get_xlabel() == "threads" for ax in axes)
    assert all(len(ax.lines) == 2 for ax in axes)
    short, long = sweep.of_style("short"), sweep.of_style("long")
    gain_out = short[1].throughput / short[0].throughput
    gain_in = long[1].throughput / long[0].throughput
    assert numbers_in(axes[0].get_title()) == pytest.approx([3, 1, gain_out, gain_in], abs=0.05)
    waits = [short[1].lock.mean_wait, long[1].lock.mean_wait]
    assert numbers_in(axes[1].get_title())[0] == 3
    assert seconds_in(axes[1].get_title()) == pytest.approx(waits, rel=0.05, abs=1e-6)


def test_sweep_plot_against_work_states_the_ratio():
    sweep = synclab.sweep_bank(threads=2, work=(0.0005, 0.001), withdrawals=3)
    axes = synclab.plots.plot_bank_sweep(sweep).axes
    assert axes[0].get_xlabel() == "slow work per withdrawal (ms)"
    short, long = sweep.of_style("short"), sweep.of_style("long")
    ratios = [s.throughput / i.throughput for s, i in zip(short, long, strict=True)]
    assert numbers_in(axes[0].get_title()) == pytest.approx([2, ratios[0], 0.5, ratios[1], 1], abs=0.05)
    holds = [short[1].lock.mean_hold, long[1].lock.mean_hold]
    assert seconds_in(axes[2].get_title()) == pytest.approx([0.001, *holds], rel=0.05, abs=1e-6)  # at 1 ms of work


def test_a_reused_figure_draws_exactly_what_a_new_one_draws(inside, outside):
    """Redrawing keeps the axes (for speed); nothing of the previous run may show through."""

    def png(fig) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=60)
        return buffer.getvalue()

    six = synclab.run_bank(style="short", threads=6, withdrawals=3)
    slow = synclab.run_bank(style="long", threads=2, withdrawals=3, work=0.003)
    reused = synclab.plots.plot_bank(inside)
    for result in (six, slow, outside, inside):
        assert png(synclab.plots.plot_bank(result, reused)) == png(synclab.plots.plot_bank(result))
