"""The figures the labs redraw on every run.

A lab hands its figure back to the plot function, which keeps the axes and
only replaces what was drawn on them. Nothing of the previous run may show
through: a reused figure must draw exactly (pixel for pixel) what a new figure
draws, whatever ran before it (another thread count, a log or a linear axis, an
empty panel without a lock, a stuck design).
"""

from __future__ import annotations

import io

import pytest
from conftest import figures_alive
from matplotlib.figure import Figure

import synclab
from synclab.plots._style import LAB_DPI


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
        synclab.experiments.repeat_transfers(3, threads=2, transfers=5),
        synclab.experiments.repeat_transfers(4, accounts=2, threads=4, transfers=10),
        synclab.experiments.repeat_transfers(2, strategy="ordered", transfers=5),
    ]


def _bank_runs():
    return [
        synclab.run_bank(withdrawals=3),
        synclab.run_bank(threads=9, withdrawals=2, style="short", work=0.0),
        synclab.run_bank(threads=2, withdrawals=3, work=0.002),
    ]


LAB_FIGURES = {
    "counter": (synclab.plot_counter_run, _counter_runs),
    "bank": (synclab.plot_bank, _bank_runs),
    "ledger": (synclab.plots.plot_ledger, _ledger_runs),
    "buffer": (synclab.plot_buffer_run, _buffer_runs),
    "pool": (synclab.plot_pool, _pool_runs),
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
    fig = synclab.plot_counter_run(_counter_runs()[0])
    assert fig.dpi == Figure().dpi  # notebooks show these: their size is part of the stored output


def test_redrawing_100_times_keeps_one_figure_and_bounded_artists():
    runs = _counter_runs()
    fig = synclab.plot_counter_run(runs[0])
    before = figures_alive()
    for i in range(100):
        synclab.plot_counter_run(runs[i % len(runs)], fig)
    assert figures_alive() <= before
    artists = sum(len(ax.get_children()) for ax in fig.axes)
    synclab.plot_counter_run(runs[0], fig)
    assert sum(len(ax.get_children()) for ax in fig.axes) <= artists + 5
