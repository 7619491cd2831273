"""Plots of the notebook 11 experiments: a blocked thread's CPU time, torn reads."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synclab.experiments.faq import BlockedThreadResult, TornReadResult
from synclab.plots._style import GREY, OKABE_ITO, fmt_seconds, target_axes

__all__ = ["plot_blocked_thread", "plot_torn_reads", "torn_label"]


def plot_blocked_thread(result: BlockedThreadResult, ax: Axes | None = None) -> Figure:
    """Wall-clock time against CPU time, for a thread that blocks and one that spins.

    Args:
        result: A :func:`~synclab.measure_blocked_thread` result.
        ax: Axes to draw into; a new figure is made if omitted.

    Returns:
        The figure drawn into.

    Raises:
        TypeError: ``result`` is not a :class:`~synclab.BlockedThreadResult`.
    """
    if not isinstance(result, BlockedThreadResult):
        raise TypeError(f"result must be a BlockedThreadResult, got {type(result).__name__}")
    fig, ax = target_axes(ax, width=5.6, height=3.8)
    groups = ["blocked in acquire()", "spinning on\nacquire(blocking=False)"]
    wall = [result.blocked_wall * 1e3, result.spin_wall * 1e3]
    cpu = [result.blocked_cpu * 1e3, result.spin_cpu * 1e3]
    x = np.arange(2)
    bars = ax.bar(x - 0.2, wall, 0.4, color=GREY, edgecolor="black", linewidth=0.5, label="wall-clock time")
    ax.bar_label(bars, labels=[fmt_seconds(v / 1e3) for v in wall], padding=2, fontsize="small")
    bars = ax.bar(
        x + 0.2, cpu, 0.4, color=OKABE_ITO[4], edgecolor="black", linewidth=0.5, label="CPU time (time.thread_time)"
    )
    ax.bar_label(bars, labels=[fmt_seconds(v / 1e3) for v in cpu], padding=2, fontsize="small")
    ax.set_xticks(x, groups)
    ax.set_ylabel("time while waiting for the lock (ms)")
    ax.set_ylim(0, max(wall) * 1.45)
    ax.legend(fontsize="small", loc="upper center", ncol=2, frameon=False)
    ax.set_title(
        f"Blocked: {fmt_seconds(result.blocked_cpu)} of CPU in {fmt_seconds(result.blocked_wall)};\n"
        f"spinning: {fmt_seconds(result.spin_cpu)} ({result.spin_attempts:,} tries)",
        fontsize="medium",
    )
    return fig


def torn_label(result: TornReadResult) -> str:
    """``"no lock, sleep window"``: how a run was set up, for axes and tables."""
    lock = "lock" if result.use_lock else "no lock"
    window = "sleep window" if result.window == "sleep" else "no window"
    return f"{lock}, {window}"


def plot_torn_reads(results: Sequence[TornReadResult], ax: Axes | None = None) -> Figure:
    """Share of torn reads for several set-ups, side by side.

    Args:
        results: :func:`~synclab.run_torn_reads` results (1 to 8).
        ax: Axes to draw into; a new figure is made if omitted.

    Returns:
        The figure drawn into.

    Raises:
        TypeError: ``results`` is not a sequence of :class:`~synclab.TornReadResult`.
        ValueError: ``results`` is empty or longer than 8.
    """
    if isinstance(results, TornReadResult):
        results = [results]
    if not isinstance(results, Sequence) or not all(isinstance(r, TornReadResult) for r in results):
        raise TypeError("results must be a list of TornReadResult from run_torn_reads")
    if not 1 <= len(results) <= 8:
        raise ValueError(f"results must hold between 1 and 8 results, got {len(results)}")
    fig, ax = target_axes(ax, width=6.0, height=3.8)
    labels = [torn_label(r).replace(", ", ",\n") for r in results]
    shares = [r.torn_share * 100 for r in results]
    colours = [OKABE_ITO[4] if r.torn else OKABE_ITO[2] for r in results]
    bars = ax.bar(labels, shares, color=colours, edgecolor="black", linewidth=0.5)
    ax.bar_label(bars, labels=[f"{r.torn:,} of {r.reads:,}" for r in results], padding=2, fontsize="small")
    ax.set_ylim(0, 115)
    ax.set_ylabel("reads whose mean was not 10 (%)")
    build = "GIL build" if results[0].gil_enabled else "free-threaded build"
    torn = [r for r in results if r.torn]
    if not torn:
        ax.set_title(f"{build}: no torn read in any set-up", fontsize="medium")
    elif all(r.use_lock is False for r in torn):
        ax.set_title(f"{build}: torn reads only without the lock", fontsize="medium")
    else:
        ax.set_title(f"{build}: torn reads even with the lock", fontsize="medium")
    return fig
