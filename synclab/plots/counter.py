"""Plots of the shared-counter experiment (notebooks 01 and 02)."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from synclab.experiments.counter import CounterResult, CounterSweep
from synclab.plots._style import GREEN, GREY, RED, few_ticks, lab_axes, plural, target_axes
from synclab.plots.locks import plot_contention, plot_hold_histogram

#: The lab figure's margins, fixed so that a redraw need not lay it out again.
_GRID = {"left": 0.06, "right": 0.99, "top": 0.85, "bottom": 0.15, "wspace": 0.3}


def counter_headline(result: CounterResult) -> str:
    """One line stating what a run found: ``4 threads, no lock: 1,493 of 2,000 updates lost``."""
    head = f"{plural(result.threads, 'thread')}, {'with a lock' if result.use_lock else 'no lock'}"
    if result.lost == 0:
        return f"{head}: all {result.expected:,} updates counted"
    return f"{head}: {result.lost:,} of {result.expected:,} updates lost"


def plot_counter(result: CounterResult | CounterSweep, ax: Axes | None = None) -> Figure:
    """Observed against expected counter values: two bars for one run, two lines against threads for a sweep."""
    if isinstance(result, CounterSweep):
        return _plot_sweep(result, ax)
    if not isinstance(result, CounterResult):
        raise TypeError(f"result must be a CounterResult or CounterSweep, got {type(result).__name__}")
    fig, ax = target_axes(ax)
    bars = ax.bar([0, 1], [result.expected, result.observed], color=[GREY, GREEN if result.lost == 0 else RED])
    ax.set_xticks([0, 1], ["expected", "observed"])
    ax.bar_label(bars, labels=[f"{result.expected:,}", f"{result.observed:,}"], padding=2)
    ax.set(ylim=(0, result.expected * 1.15), ylabel="final counter value (increments)", title=counter_headline(result))
    few_ticks(ax.yaxis)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{y:,.0f}"))
    return fig


def _plot_sweep(sweep: CounterSweep, ax: Axes | None) -> Figure:
    fig, ax = target_axes(ax)
    threads = list(sweep.thread_counts)
    ax.plot(threads, [r.expected for r in sweep.results], "--o", color=GREY, label="expected")
    ax.plot(threads, [r.observed for r in sweep.results], "-s", color=RED, label="observed")
    ax.set(xlabel="threads", xticks=threads, ylabel="final counter value (increments)", ylim=(0, None))
    ax.legend()
    losing = [r for r in sweep.results if r.lost]
    lock = "with a lock" if all(r.use_lock for r in sweep.results) else "no lock"
    if not losing:
        ax.set_title(f"{lock}: every update counted at every thread count")
    else:
        worst = max(r.lost_share for r in losing)
        ax.set_title(f"{lock}: updates lost in {len(losing)} of {len(threads)} runs (up to {worst:.0%})")
    return fig


def plot_counter_run(result: CounterResult, fig: Figure | None = None) -> Figure:
    """The counter, the contention per thread and the hold histogram, side by side (``fig``: redraw it)."""
    fig, axes = lab_axes(fig, "counter", lambda fig: fig.subplots(1, 3, gridspec_kw=_GRID), size=(13.8, 3.6))
    plot_counter(result, axes[0])
    plot_contention(result.lock, axes[1])
    plot_hold_histogram(result.lock, axes[2])
    return fig
