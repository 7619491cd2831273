"""Plots of the notebook 11 experiments: a blocked thread's CPU time."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synclab.experiments.faq import BlockedThreadResult
from synclab.plots._style import EDGE, GREY, RED, fmt_seconds, require, target_axes


def plot_blocked_thread(result: BlockedThreadResult, ax: Axes | None = None) -> Figure:
    """Wall-clock time against CPU time, for a thread that blocks and one that spins."""
    require(result, BlockedThreadResult, "result")
    fig, ax = target_axes(ax, width=5.6, height=3.8)
    wall = [result.blocked_wall * 1e3, result.spin_wall * 1e3]
    cpu = [result.blocked_cpu * 1e3, result.spin_cpu * 1e3]
    x = np.arange(2)
    for offset, values, colour, label in (
        (-0.2, wall, GREY, "wall-clock time"),
        (0.2, cpu, RED, "CPU time (time.thread_time)"),
    ):
        bars = ax.bar(x + offset, values, 0.4, color=colour, label=label, **EDGE)
        ax.bar_label(bars, labels=[fmt_seconds(v / 1e3) for v in values], padding=2, fontsize="small")
    ax.set_xticks(x, ["blocked in acquire()", "spinning on\nacquire(blocking=False)"])
    ax.set(ylabel="time while waiting for the lock (ms)", ylim=(0, max(wall) * 1.45))
    ax.legend(fontsize="small", loc="upper center", ncol=2, frameon=False)
    blocked = f"Blocked: {fmt_seconds(result.blocked_cpu)} of CPU in {fmt_seconds(result.blocked_wall)}"
    spinning = f"spinning: {fmt_seconds(result.spin_cpu)} ({result.spin_attempts:,} tries)"
    ax.set_title(f"{blocked};\n{spinning}", fontsize="medium")
    return fig
