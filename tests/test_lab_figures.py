"""The figures the labs redraw on every run, and figures that never pile up.

A lab hands its figure back to the plot function, which keeps the axes and
only replaces what was drawn on them. Nothing of the previous run may show
through: a reused figure must draw exactly (pixel for pixel) what a new figure
draws, whatever ran before it (another thread count, a log or a linear axis, an
empty panel without a lock, a stuck design).

Nothing piles up either: every plot function that draws a result, called again
and again (into a new figure or into one it is given), leaves no figure behind,
and every lab, re-run again and again, keeps its one figure. These two
parametrized tests are the only leak tests: a leak of one figure per call shows
at any count, so a dozen calls are enough.
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pytest
from conftest import figures_alive
from matplotlib.figure import Figure
from test_testing import LockedCache, RacyCache

import synclab
from synclab.experiments.deadlock import ResourceAllocationGraph, TransferSweep, repeat_transfers
from synclab.experiments.queues import ConcurrencyResult
from synclab.experiments.testing import RepeatResult
from synclab.plots._style import LAB_DPI
from synclab.scheduler import counter_scenario, explore


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


def _counter_runs():
    return [
        synclab.run_counter(threads=2, increments=40),
        synclab.run_counter(threads=3, increments=40, use_lock=True),
        synclab.run_counter(threads=10, increments=20, use_lock=True),
        synclab.run_counter(threads=4, increments=40, race_window="none", use_lock=True),
    ]


def _ledger_runs():
    return [
        synclab.run_ledger(threads=2, batches=2, design="RLock"),
        synclab.run_ledger(threads=9, batches=1, design="Lock"),
        synclab.run_ledger(threads=3, batches=2, batch_size=6, design="helper"),
    ]


def _buffer_runs():
    return [
        synclab.run_buffer(items=6),
        synclab.run_buffer(producers=1, consumers=9, items=12, produce_rate=2000.0, consume_rate=100.0),
        synclab.run_buffer(producers=3, consumers=1, capacity=1, items=3),
    ]


def _pool_runs():
    return [
        synclab.run_pool(threads=3, limit=2, uses=1, hold=0.001),
        synclab.run_pool(threads=14, limit=3, uses=1, hold=0.001, guard="none"),
        synclab.run_pool(threads=5, limit=2, uses=1, hold=0.001, extra_release=True),
    ]


def _transfer_runs():
    return [
        repeat_transfers(3, threads=2, transfers=5),
        repeat_transfers(4, accounts=2, threads=4, transfers=10),
        repeat_transfers(2, strategy="ordered", transfers=5),
    ]


def _bank_runs():
    return [
        synclab.run_bank(withdrawals=3),
        synclab.run_bank(threads=9, withdrawals=2, style="short", work=0.0),
        synclab.run_bank(threads=2, withdrawals=3, work=0.002),
    ]


LAB_FIGURES = {
    "counter": (synclab.plots.plot_counter_run, _counter_runs),
    "bank": (synclab.plots.plot_bank, _bank_runs),
    "ledger": (synclab.plots.plot_ledger, _ledger_runs),
    "buffer": (synclab.plots.plot_buffer_run, _buffer_runs),
    "pool": (synclab.plots.plot_pool, _pool_runs),
    "transfers": (synclab.plots.plot_transfer_runs, _transfer_runs),
}


@pytest.mark.parametrize("name", list(LAB_FIGURES))
def test_a_reused_figure_draws_exactly_what_a_new_one_draws(name):
    plot, make_runs = LAB_FIGURES[name]
    runs = make_runs()
    reused = plot(runs[0])
    axes = list(reused.axes)
    for result in [*runs[1:], runs[0], runs[-1]]:
        assert plot(result, reused) is reused
        assert png(reused) == png(plot(result)), f"{name}: the previous run shows through"
    if name != "pool":  # the pool's layout follows the thread count
        assert reused.axes == axes  # the same axes, redrawn


LABS = {
    "counter": lambda: synclab.counter_lab(increments=50),
    "bank": lambda: synclab.bank_lab(withdrawals=2),
    "ledger": synclab.reentrant_lab,
    "buffer": synclab.buffer_lab,
    "pool": synclab.pool_lab,
    "transfers": lambda: synclab.transfer_lab(transfers=5),
}


@pytest.mark.parametrize("name", list(LABS))
def test_labs_render_at_a_modest_size(name):
    lab = LABS[name]()
    assert lab.figure.dpi == LAB_DPI
    width, height = lab.figure.get_size_inches() * lab.figure.dpi
    assert width <= 1120 and height <= 520
    lab.rerun()
    assert lab.figure.dpi == LAB_DPI  # kept


def test_figures_outside_a_lab_keep_matplotlibs_resolution():
    fig = synclab.plots.plot_counter_run(_counter_runs()[0])
    assert fig.dpi == Figure().dpi  # notebooks show these: their size is part of the stored output


def test_redrawing_keeps_the_artists_bounded():
    runs = _counter_runs()
    fig = synclab.plots.plot_counter_run(runs[0])
    for i in range(REDRAWS):
        synclab.plots.plot_counter_run(runs[i % len(runs)], fig)
    artists = sum(len(ax.get_children()) for ax in fig.axes)
    synclab.plots.plot_counter_run(runs[0], fig)
    assert sum(len(ax.get_children()) for ax in fig.axes) <= artists + 5


# -- nothing piles up --------------------------------------------------------------------------------------

#: Calls per leak test, into new figures and again into one reused figure.
REDRAWS = 10


def _concurrency() -> ConcurrencyResult:
    """A made-up measurement (the real one starts processes): the numbers do not matter here."""
    return ConcurrencyResult(
        tasks=4,
        io_seconds=0.05,
        cpu_seconds=0.03,
        processes=2,
        cores=2,
        process_start=0.5,
        io_times=(0.2, 0.05, 0.1, 0.05),
        cpu_times=(0.12, 0.12, 0.06, 0.12),
        thread_cpu_use=1.0,
        gil=True,
        python="3.x",
    )


def _repeats(test: str, outcomes: tuple[str, ...]) -> RepeatResult:
    return RepeatResult(test, "Cache", outcomes, "", 0, (0.001,) * len(outcomes))


def _transfer_sweep() -> TransferSweep:
    naive, ordered = _transfer_runs()[0], _transfer_runs()[-1]
    return TransferSweep((naive, ordered))


def _locked_counter():
    return synclab.run_counter(threads=2, increments=40, use_lock=True)


#: Every plot function that draws a result: how to make a few cheap inputs
#: (each a tuple of arguments), and whether it redraws a whole figure
#: (``fig``) or draws on one axes (``ax``).
PLOTS = {
    "plot_counter": (synclab.plots.plot_counter, lambda: [(r,) for r in _counter_runs()[:2]], "ax"),
    "plot_counter_run": (synclab.plots.plot_counter_run, lambda: [(r,) for r in _counter_runs()], "fig"),
    "plot_contention": (synclab.plots.plot_contention, lambda: [(_locked_counter().lock,)], "ax"),
    "plot_hold_histogram": (synclab.plots.plot_hold_histogram, lambda: [(_locked_counter().lock,)], "ax"),
    "plot_lock_timeline": (synclab.plots.plot_lock_timeline, lambda: [(_locked_counter().lock,)], "ax"),
    "plot_bank": (synclab.plots.plot_bank, lambda: [(r,) for r in _bank_runs()], "fig"),
    "plot_throughput": (synclab.plots.plot_throughput, lambda: [(synclab.run_bank(withdrawals=3),)], "ax"),
    "plot_balance": (
        synclab.plots.plot_balance,
        lambda: [(synclab.run_bank(style="check_outside", balance=100),)],
        "ax",
    ),
    "plot_bank_sweep": (
        synclab.plots.plot_bank_sweep,
        lambda: [(synclab.sweep_bank(threads=(1, 2), withdrawals=2),)],
        "fig",
    ),
    "plot_ledger": (synclab.plots.plot_ledger, lambda: [(r,) for r in _ledger_runs()], "fig"),
    "plot_lock_costs": (
        synclab.plots.plot_lock_costs,
        lambda: [(synclab.measure_lock_costs(depths=(1, 3), calls=100, repeat=1),)],
        "ax",
    ),
    "plot_buffer_run": (synclab.plots.plot_buffer_run, lambda: [(r,) for r in _buffer_runs()], "fig"),
    "plot_queue_vs_condition": (
        synclab.plots.plot_queue_vs_condition,
        lambda: [(synclab.run_buffer(items=6), synclab.run_queue_buffer(items=6))],
        "fig",
    ),
    "plot_pipeline": (
        synclab.plots.plot_pipeline,
        lambda: [(synclab.run_pipeline(items=6, work=0.0),), (synclab.run_pipeline(items=6, channel="list"),)],
        "fig",
    ),
    "plot_concurrency": (synclab.plots.plot_concurrency, lambda: [(_concurrency(),)], "fig"),
    "plot_pool": (synclab.plots.plot_pool, lambda: [(r,) for r in _pool_runs()], "fig"),
    "plot_start_gate": (
        synclab.plots.plot_start_gate,
        lambda: [(synclab.run_start_gate(workers=2, setup_steps=1, step=0.0, work=0.0),)],
        "ax",
    ),
    "plot_phases": (synclab.plots.plot_phases, lambda: [(synclab.run_phases(threads=2, phases=1, work=0.0),)], "ax"),
    "plot_stop_signal": (
        synclab.plots.plot_stop_signal,
        lambda: [([synclab.run_stop_signal(threads=2, period=0.02, run_for=0.01)],)],
        "ax",
    ),
    "plot_overhead": (synclab.plots.plot_overhead, lambda: [(synclab.measure_overhead(number=200, repeats=2),)], "ax"),
    "plot_test_runs": (
        synclab.plots.plot_test_runs,
        lambda: [
            (_repeats("test_naive", ("passed",) * 9 + ("failed",)),),
            ([_repeats("test_naive", ("passed",) * 10), _repeats("test_forced", ("failed",) * 8 + ("error", "hung"))],),
        ],
        "ax",
    ),
    "plot_livelock": (
        synclab.plots.plot_livelock,
        lambda: [([synclab.run_livelock(s, rounds=20) for s in ("polite", "ordered")],)],
        "ax",
    ),
    "plot_starvation": (
        synclab.plots.plot_starvation,
        lambda: [([synclab.run_starvation(kind, duration=0.02) for kind in ("Lock", "FIFO")],)],
        "ax",
    ),
    "plot_schedules": (synclab.plots.plot_schedules, lambda: [(explore(counter_scenario(2, 1)),)], "ax"),
    "plot_resource_allocation_graph": (
        synclab.plots.plot_resource_allocation_graph,
        lambda: [
            (
                ResourceAllocationGraph(
                    locks=("lock A", "lock B"),
                    holds=(("T1", "lock A"), ("T2", "lock B")),
                    waits=(("T1", "lock B"), ("T2", "lock A")),
                    cycle=("T1", "lock B", "T2", "lock A"),
                ),
            ),
            (None,),
        ],
        "ax",
    ),
    "plot_transfer_runs": (synclab.plots.plot_transfer_runs, lambda: [(r,) for r in _transfer_runs()], "fig"),
    "plot_deadlock_share": (synclab.plots.plot_deadlock_share, lambda: [(_transfer_sweep(),)], "ax"),
    "plot_strategies": (synclab.plots.plot_strategies, lambda: [(_transfer_sweep(),)], "fig"),
    "plot_transfer_throughput": (
        synclab.plots.plot_transfer_throughput,
        lambda: [
            (
                synclab.sweep_transfers(
                    ("global", "ordered"), accounts=8, threads=(1, 2), runs=1, transfers=5, window="none"
                ),
            )
        ],
        "ax",
    ),
    "plot_blocked_thread": (synclab.plots.plot_blocked_thread, lambda: [(synclab.measure_blocked_thread(0.01),)], "ax"),
}


def test_every_plot_function_is_checked_for_leaks():
    """Every plot a notebook can call is here; the rest of PLOTS are the plots the labs draw with.

    (synclab.plots also has panel helpers, such as plot_buffer_waits, that only those plots call.)"""
    public = {name for name in synclab.__all__ if name.startswith("plot_")}
    assert public <= set(PLOTS)
    assert all(getattr(synclab.plots, name) is PLOTS[name][0] for name in PLOTS)


@pytest.mark.parametrize("name", list(PLOTS))
def test_plotting_again_and_again_leaves_no_figures_behind(name):
    plot, make_inputs, target = PLOTS[name]
    inputs = make_inputs()
    fig = plot(*inputs[0])
    panels = len(fig.axes)
    before = figures_alive()
    for i in range(REDRAWS):
        plot(*inputs[i % len(inputs)])  # a new figure each time, dropped at once
    for i in range(REDRAWS):  # and again into the one figure
        args = inputs[i % len(inputs)]
        if target == "fig":
            assert plot(*args, fig) is fig
            assert len(fig.axes) == panels
        else:
            assert plot(*args, ax=fig.axes[0]) is fig
    assert plt.get_fignums() == []  # never registered with pyplot, so nothing holds on to them
    assert figures_alive() <= before


#: Every lab that draws a figure, with cheap settings.
LEAK_LABS = {
    "counter_lab": lambda: synclab.counter_lab(increments=100),
    "bank_lab": lambda: synclab.bank_lab(withdrawals=3, work_ms=0.25),
    "reentrant_lab": lambda: synclab.reentrant_lab(threads=2),
    "buffer_lab": lambda: synclab.buffer_lab(produce_rate=2_000, consume_rate=2_000),
    "pool_lab": lambda: synclab.pool_lab(threads=2),
    "pipeline_lab": lambda: synclab.pipeline_lab(workers=1),
    "transfer_lab": lambda: synclab.transfer_lab(transfers=10),
    "catch_rate_lab": lambda: synclab.catch_rate_lab(RacyCache, LockedCache),
}


@pytest.mark.parametrize("name", list(LEAK_LABS))
def test_reruns_reuse_one_figure_and_do_not_pile_up(name):
    lab = LEAK_LABS[name]()
    figure = lab.figure
    axes = list(figure.axes)
    runs = lab.runs
    before = figures_alive()
    for _ in range(REDRAWS):
        lab.rerun()
    assert lab.runs == runs + REDRAWS
    assert lab.figure is figure
    assert figure.axes == axes
    assert len(lab.output.outputs) == 1
    assert figures_alive() <= before
