"""Plots of the schedule explorer (notebook 09): how schedules end, and how fast bad ones multiply."""

from __future__ import annotations

import math
import textwrap

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from synclab.plots._style import GREY, OKABE_ITO, new_figure, plural, target_axes
from synclab.scheduler.explore import Exploration
from synclab.scheduler.sweep import SWEEP_MAX_STATES, ScheduleSweep

__all__ = ["fmt_share", "plot_schedules"]

_GOOD, _BAD = OKABE_ITO[2], OKABE_ITO[4]


def fmt_share(part: int, whole: int) -> str:
    """A percentage with just enough digits to tell it from 100 % (rounded down): ``"99.9935 %"``."""
    if whole <= 0:
        raise ValueError(f"whole must be positive, got {whole}")
    if part >= whole or part <= 0:
        return "100 %" if part > 0 else "0 %"
    percent = 100 * part / whole
    rest = 100 - percent
    digits = max(0, -math.floor(math.log10(rest)) + 1) if rest < 10 else 0
    shown = f"{math.floor(percent * 10**digits) / 10**digits:.{digits}f}"
    return f"{shown.rstrip('0').rstrip('.') if '.' in shown else shown} %"


def plot_schedules(result: Exploration | ScheduleSweep, ax: Axes | None = None) -> Figure:
    """How schedules end (an exploration: one bar per ending, vermillion if bad), or how the share that end badly grows.

    A sweep draws one line per increments count against the threads and beside it (not given ``ax``) how many
    schedules there are and how many keep every update; scenarios over the sweep's cap are named, not drawn.
    """
    if isinstance(result, Exploration):
        return _plot_endings(result, ax)
    if isinstance(result, ScheduleSweep):
        return _plot_sweep(result, ax)
    raise TypeError(f"result must be an Exploration or a ScheduleSweep, got {type(result).__name__}")


def _plot_endings(result: Exploration, ax: Axes | None) -> Figure:
    endings = list(reversed(result.endings))  # barh draws bottom-up; keep good endings on top
    fig, ax = target_axes(ax, width=7.0, height=1.4 + 0.55 * len(endings))
    labels = ["\n".join(textwrap.wrap(e.description, 44)) for e in endings]
    counts = [e.schedules for e in endings]
    bars = ax.barh(range(len(endings)), counts, color=[_BAD if e.bad else _GOOD for e in endings])
    ax.bar_label(bars, labels=[f"{c:,}" for c in counts], padding=3)
    ax.set_yticks(range(len(endings)), labels)
    ax.set_xlim(0, max(counts) * 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("schedules (orders in which the threads' steps can run)")
    title = f"{result.scenario.title}:\n" if result.scenario.title else ""
    if result.bad:
        ax.set_title(f"{title}{result.bad:,} of {result.schedules:,} schedules end badly")
    else:
        ax.set_title(f"{title}all {result.schedules:,} schedules end well")
    return fig


def _plot_sweep(sweep: ScheduleSweep, ax: Axes | None) -> Figure:
    if ax is None:
        fig, (share_ax, count_ax) = new_figure(2, width=5.4, height=4.2)
    else:
        fig, share_ax = target_axes(ax)
        count_ax = None
    explored = [p for p in sweep.points if p.explored]
    for index, k in enumerate(sweep.increment_counts):
        colour = OKABE_ITO[(index + 3) % len(OKABE_ITO)]
        mine = [p for p in explored if p.increments == k]
        label = f"{plural(k, 'increment')} per thread"
        threads = [p.threads for p in mine]
        share_ax.plot(threads, [100 * (p.bad_share or 0) for p in mine], "-o", color=colour, label=label)
        if count_ax is not None:
            count_ax.plot(threads, [p.schedules for p in mine], "-o", color=colour, label=label)
            count_ax.plot(threads, [p.schedules - (p.bad or 0) for p in mine], "--s", color=colour, alpha=0.7)
    lock = "with a lock" if sweep.use_lock else "no lock"
    share_ax.set_xlabel("threads")
    share_ax.set_xticks(list(sweep.thread_counts))
    share_ax.set_ylabel("schedules that lose an update (%)")
    share_ax.set_ylim(-4, 104)
    share_ax.legend(loc="lower right", fontsize="small")
    racy = [p for p in explored if p.threads > 1]
    if not racy:
        share_ax.set_title(f"{lock}: one thread has one schedule, nothing to lose")
    elif all(p.bad == 0 for p in racy):
        share_ax.set_title(f"{lock}: no schedule loses an update")
    else:
        low = min(racy, key=lambda p: (p.bad_share, p.threads))
        high = max(racy, key=lambda p: (p.bad_share or 0, -p.threads))
        share_ax.set_title(
            f"{lock}: {fmt_share(low.bad or 0, low.schedules)} of schedules lose an update\n"
            f"at {low.threads} threads x {low.increments}, {fmt_share(high.bad or 0, high.schedules)} "
            f"at {high.threads} x {high.increments}"
        )
    if sweep.skipped:
        listed = ", ".join(f"{p.threads} x {p.increments}" for p in sweep.skipped)
        note = "\n".join(textwrap.wrap(f"not explored (over the cap of {SWEEP_MAX_STATES:,} states): {listed}", 40))
        share_ax.text(
            0.97, 0.45, note, transform=share_ax.transAxes, fontsize="small", color="#555555", ha="right", va="center"
        )
    if count_ax is not None:
        count_ax.set_yscale("log")
        count_ax.set_xlabel("threads")
        count_ax.set_xticks(list(sweep.thread_counts))
        count_ax.set_ylabel("schedules (log scale)")
        count_ax.plot([], [], "-", color=GREY, label="all schedules")
        count_ax.plot([], [], "--", color=GREY, label="no update lost")
        count_ax.legend(fontsize="small")
        biggest = max(explored, key=lambda p: p.schedules, default=None)
        if biggest is not None:
            count_ax.set_title(
                f"Schedules explode: {biggest.schedules:,} at {biggest.threads} threads x {biggest.increments};\n"
                f"only {biggest.schedules - (biggest.bad or 0):,} of them keep every update"
            )
    return fig
