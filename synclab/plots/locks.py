"""Plots of what an :class:`~synclab.InstrumentedLock` measured: any ``LockStatistics`` (``None``: no lock)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

from synclab.instruments import LockStatistics
from synclab.plots._style import (
    EDGE,
    empty_message,
    few_ticks,
    fmt_seconds,
    target_axes,
    thread_colour,
    thread_order,
    timeline_rows,
    wait_hold_bars,
)

_NO_LOCK = "no lock in this run:\nnothing to wait for, nothing held"
#: The hold histogram uses a log axis only when the longest hold is at least this
#: many times the shortest; over a narrower range a linear axis reads better.
LOG_SPAN = 10.0


def thread_bars(ax: Axes, names: list[str], values: list[float], colours: list[str], **style: Any) -> None:
    """One bar per thread, labelled with its name (upright names while they fit)."""
    positions = range(len(names))
    ax.bar(positions, values, color=colours, **EDGE, **style)
    ax.set_xticks(positions, names, rotation=90 if len(names) > 8 else 0)


def plot_contention(stats: LockStatistics | None, ax: Axes | None = None) -> Figure:
    """Bar chart of the time each thread spent waiting for the lock."""
    fig, ax = target_axes(ax)
    if stats is None:
        empty_message(ax, "Contention per thread", _NO_LOCK)
        return fig
    by_name = {t.thread: t for t in stats.threads}
    names = thread_order(by_name)
    thread_bars(ax, names, [by_name[n].total_wait * 1e3 for n in names], [thread_colour(n) for n in names])
    few_ticks(ax.yaxis)
    ax.set(xlabel="thread", ylabel="waiting for the lock (ms)")
    if stats.total_wait == 0:
        ax.set_ylim(0, 1)  # all bars are 0: keep the axis from centring on 0
    if stats.contended == 0:
        ax.set_title("No thread ever had to wait")
    else:
        share = f"{stats.contention_rate * 100:.0f} % of {stats.acquisitions:,} acquisitions waited"
        ax.set_title(f"{share},\n{fmt_seconds(stats.total_wait)} in all")
    return fig


def plot_hold_histogram(stats: LockStatistics | None, ax: Axes | None = None) -> Figure:
    """Histogram of how long each acquisition held the lock (of the events the lock kept), on a log x axis
    when the holds span a factor of :data:`LOG_SPAN` or more."""
    fig, ax = target_axes(ax)
    holds_us = sorted(max(event.hold, 1e-9) * 1e6 for event in stats.events) if stats is not None else []
    if not holds_us:
        empty_message(ax, "Hold durations", _NO_LOCK if stats is None else "the lock was never acquired")
        return fig
    low, high = holds_us[0], holds_us[-1]
    log = high >= low * LOG_SPAN
    if not log and high <= low * 1.01:  # (nearly) all equal: give the bins some width
        high = low * 1.01 + 1e-3
    edges = np.geomspace(low, high, 31) if log else np.linspace(low, high, 31)  # ending exactly at the extremes
    ax.set_xscale("log" if log else "linear")
    histogram_bars(ax, holds_us, edges, thread_colour(4))
    if log:
        _plain_log_ticks(ax, low, high)
    else:
        few_ticks(ax.xaxis)  # few, plainly written ticks: the default ones crowd a narrow panel
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{x:,.6g}"))
    ax.set(xlabel=f"held per acquisition (µs{', log scale' if log else ''})", ylabel="acquisitions")
    few_ticks(ax.yaxis, integer=True)
    median = holds_us[len(holds_us) // 2] / 1e6
    sampled = "" if not stats.events_dropped else f" (last {len(holds_us):,} of {stats.acquisitions:,})"
    ax.set_title(f"Median hold {fmt_seconds(median)}, longest {fmt_seconds(stats.max_hold)}{sampled}")
    return fig


def histogram_bars(ax: Axes, values: list[float], edges: np.ndarray, colour: str) -> None:
    """The histogram of ``values`` as bars, like ``ax.hist`` but in one collection (a tenth of the time)."""
    counts, _ = np.histogram(values, bins=edges)
    corners = [[(a, 0), (b, 0), (b, n), (a, n)] for a, b, n in zip(edges[:-1], edges[1:], counts, strict=True)]
    bars = PolyCollection(corners, facecolors=colour, edgecolors="black", linewidths=0.4)
    bars.sticky_edges.y.append(0)  # the bars stand on the x axis, as ax.hist's do
    bars.set_gid("histogram")
    # The limits from the bars' corners, in data units: matplotlib before 3.11 takes a
    # collection's limits in display space on a log axis and would zoom to log10 of the data.
    ax.add_collection(bars, autolim=False)
    ax.update_datalim([(edges[0], 0), (edges[-1], max(int(counts.max()), 1))])
    ax.autoscale_view()


def _plain_log_ticks(ax: Axes, low: float, high: float) -> None:
    """Label a log x axis between ``low`` and ``high`` with a few plain numbers: powers of ten over two
    decades or more, else 1, 2 and 5 times them (matplotlib's own are slow mathtext, and vary by version)."""
    mantissas = (1,) if high >= 100 * low else (1, 2, 5)
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    ticks = [m * 10.0**k for k in range(first, last + 1) for m in mantissas if low <= m * 10.0**k <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    # Unlabelled minor ticks at 2 and 5 times each power of ten show the axis is logarithmic.
    ax.xaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
    ax.xaxis.set_minor_formatter(NullFormatter())


def plot_lock_timeline(
    stats: LockStatistics | None, ax: Axes | None = None, *, duration: float | None = None
) -> Figure:
    """Who holds the lock when: one row per thread, solid while holding, pale while waiting; ``duration``
    (seconds since the first request) shows only the start of the run."""
    fig, ax = target_axes(ax, width=10.0, height=3.2)
    if stats is None or not stats.events:
        empty_message(ax, "Who holds the lock", _NO_LOCK if stats is None else "the lock was never acquired")
        return fig
    origin = min(event.requested for event in stats.events)
    end = origin + duration if duration is not None else max(event.released for event in stats.events)
    row = timeline_rows(ax, thread_order(event.thread for event in stats.events))
    shown = [event for event in stats.events if event.requested <= end]
    wait_hold_bars(ax, shown, row, origin, {"edgecolors": "none"}, "holding", loc="upper right")
    ax.set(xlim=(0, (end - origin) * 1e3), xlabel="time since the first request (ms)")
    few_ticks(ax.xaxis)
    spans = sorted((event.acquired, event.released) for event in stats.events)
    overlaps = sum(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False))
    exclusive = "one holder at a time" if not overlaps else f"{overlaps:,} OVERLAPPING holds"
    ax.set_title(f"Who holds the lock: {exclusive}")
    return fig


def visible_holds(ax: Axes) -> None:
    """Outline the holds of a lock timeline in their colour, so that microsecond holds (narrower than a
    pixel on a millisecond axis) still show as hairlines."""
    for collection in ax.collections:
        alpha = collection.get_alpha()
        if alpha is None or alpha >= 1:  # the holds; waits are drawn pale
            collection.set_edgecolor(collection.get_facecolor())
            collection.set_linewidth(0.8)
