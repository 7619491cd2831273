"""Plots of notebooks 07 and 11: the resource-allocation graph, transfer runs, strategies, FAQ figures."""

from __future__ import annotations

import pytest
from conftest import numbers_in, seconds_in
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Annotation

import synclab
from synclab.experiments.deadlock import ResourceAllocationGraph, TransferRuns, TransferSweep, repeat_transfers
from synclab.plots._style import OKABE_ITO

CYCLE = ResourceAllocationGraph(
    locks=("lock A", "lock B"),
    holds=(("T1", "lock A"), ("T2", "lock B")),
    waits=(("T1", "lock B"), ("T2", "lock A")),
    cycle=("T1", "lock B", "T2", "lock A"),
)
NO_CYCLE = ResourceAllocationGraph(locks=("L",), holds=(("T1", "L"),), waits=(("T2", "L"),), cycle=())


def arrows(ax):
    return [t for t in ax.texts if isinstance(t, Annotation)]


def test_resource_allocation_graph_draws_every_edge_and_highlights_the_cycle():
    ax = synclab.plots.plot_resource_allocation_graph(CYCLE).axes[0]
    drawn = arrows(ax)
    assert len(drawn) == 4  # two holds, two waits
    red = [a for a in drawn if to_hex(a.arrow_patch.get_edgecolor()) == OKABE_ITO[4].lower()]
    assert len(red) == 4  # all of them are on the cycle
    labels = {t.get_text() for t in ax.texts if not isinstance(t, Annotation)}
    assert {"T1", "T2", "lock A", "lock B"} <= labels
    assert numbers_in(ax.get_title()) == [2] and "deadlock" in ax.get_title()  # 2 threads wait for each other


def test_resource_allocation_graph_without_a_cycle_has_no_red_edge():
    ax = synclab.plots.plot_resource_allocation_graph(NO_CYCLE).axes[0]
    drawn = arrows(ax)
    assert len(drawn) == 2
    assert all(to_hex(a.arrow_patch.get_edgecolor()) != OKABE_ITO[4].lower() for a in drawn)
    assert numbers_in(ax.get_title()) == [] and "no cycle" in ax.get_title()


def test_resource_allocation_graph_edge_cases():
    assert "no cycle was seen" in synclab.plots.plot_resource_allocation_graph(None).axes[0].texts[0].get_text()
    empty = ResourceAllocationGraph(locks=("L",), holds=(), waits=(), cycle=())
    assert "no thread held" in synclab.plots.plot_resource_allocation_graph(empty).axes[0].texts[0].get_text()
    with pytest.raises(TypeError, match="graph must be a ResourceAllocationGraph"):
        synclab.plots.plot_resource_allocation_graph("T1 -> A")
    fig = Figure()
    ax = fig.add_subplot()
    assert synclab.plots.plot_resource_allocation_graph(CYCLE, ax=ax) is fig


@pytest.fixture(scope="module")
def naive_runs() -> TransferRuns:
    return repeat_transfers(10)


@pytest.fixture(scope="module")
def ordered_runs() -> TransferRuns:
    return repeat_transfers(5, strategy="ordered")


@pytest.mark.statistical
def test_transfer_runs_plot_states_deadlocks_and_money(naive_runs, ordered_runs):
    """Statistical for the first deadlock's graph: in 10 of 10 repeats all 10 naive runs deadlocked (CPython 3.11 here,
    both cores busy with other work); one is needed."""
    fig = synclab.plots.plot_transfer_runs(naive_runs)
    outcomes, money, graph = fig.axes
    assert numbers_in(outcomes.get_title()) == [naive_runs.deadlocked_runs, 10]
    assert "naive" in outcomes.get_title() and "deadlocked" in outcomes.get_title()
    assert numbers_in(money.get_title()) == [10] and "NOT" not in money.get_title()
    assert "(units)" in money.get_ylabel()
    first = next(r for r in naive_runs.results if r.graph is not None)
    assert str(first.graph) in graph.get_title()
    red = [a for a in arrows(graph) if to_hex(a.arrow_patch.get_edgecolor()) == OKABE_ITO[4].lower()]
    assert len(red) == len(first.graph.cycle)
    fig = synclab.plots.plot_transfer_runs(ordered_runs)
    assert numbers_in(fig.axes[0].get_title()) == [5] and "no deadlock" in fig.axes[0].get_title()
    assert "no cycle was seen" in fig.axes[2].texts[0].get_text()
    with pytest.raises(TypeError, match="runs must be a TransferRuns"):
        synclab.plots.plot_transfer_runs(naive_runs.results[0])


def test_money_panel_says_when_money_was_not_conserved(naive_runs):
    import dataclasses

    bad = dataclasses.replace(naive_runs.results[0], total_after=0)
    runs = TransferRuns((bad, *naive_runs.results[1:]))
    title = synclab.plots.plot_transfer_runs(runs).axes[1].get_title()
    assert numbers_in(title) == [1, 10] and "NOT conserved" in title


@pytest.mark.statistical
def test_deadlock_share_and_strategy_plots(naive_runs, ordered_runs):
    """Statistical for "ordered never deadlocked", which needs the naive order to deadlock: in 10 of 10 repeats all 10
    naive runs did (CPython 3.11 here, both cores busy with other work)."""
    sweep = TransferSweep((naive_runs, ordered_runs))
    ax = synclab.plots.plot_deadlock_share(sweep).axes[0]
    assert ax.get_ylabel() == "runs that deadlocked (%)"
    assert numbers_in(ax.get_title()) == [10] and "ordered never deadlocked" in ax.get_title()
    naive_line, ordered_line = ax.get_lines()
    share = naive_runs.deadlocked_runs / naive_runs.runs * 100
    assert list(naive_line.get_ydata()) == [share]
    assert list(ordered_line.get_ydata()) == [0]
    fig = synclab.plots.plot_strategies(sweep)
    shares, times = fig.axes
    assert [p.get_height() for p in shares.patches] == [share, 0]
    assert "no deadlock" in shares.get_title()
    assert "ordered" in times.get_title()  # the fastest fix that finished
    assert times.get_ylabel() == "median time per run (ms)"
    with pytest.raises(TypeError, match="sweep must be a TransferSweep"):
        synclab.plots.plot_deadlock_share(naive_runs)
    with pytest.raises(TypeError, match="sweep must be a TransferSweep"):
        synclab.plots.plot_strategies([naive_runs])


def test_throughput_plot_compares_against_the_global_lock():
    sweep = synclab.sweep_transfers(
        ("global", "ordered"), accounts=8, threads=(1, 2), runs=1, transfers=5, window="none"
    )
    ax = synclab.plots.plot_transfer_throughput(sweep).axes[0]
    assert ax.get_xlabel() == "threads (log scale)"
    assert ax.get_ylabel() == "completed transfers per second"
    ordered, one_lock = (sweep.by_strategy(s)[-1].median_throughput for s in ("ordered", "global"))
    assert numbers_in(ax.get_title()) == [2, pytest.approx(ordered / one_lock, abs=0.05)]  # at 2 threads, 1.8x
    assert "no I/O" in ax.get_title()
    with pytest.raises(TypeError):
        synclab.plots.plot_transfer_throughput(None)


def test_blocked_thread_plot():
    result = synclab.measure_blocked_thread(0.02)
    ax = synclab.plots.plot_blocked_thread(result).axes[0]
    assert len(ax.patches) == 4
    cpu_and_wall = [result.blocked_cpu, result.blocked_wall, result.spin_cpu]
    assert seconds_in(ax.get_title()) == pytest.approx(cpu_and_wall, rel=0.05, abs=1e-6)
    assert numbers_in(ax.get_title())[-1] == result.spin_attempts
    assert "(ms)" in ax.get_ylabel()
    with pytest.raises(TypeError, match="BlockedThreadResult"):
        synclab.plots.plot_blocked_thread(None)
