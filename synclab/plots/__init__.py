"""Plots of synclab results; each returns a matplotlib figure."""

from __future__ import annotations

from synclab.plots.counter import counter_headline, plot_counter, plot_counter_run
from synclab.plots.locks import plot_contention, plot_hold_histogram, plot_lock_timeline
from synclab.plots.scheduler import plot_schedules

__all__ = [
    "counter_headline",
    "plot_contention",
    "plot_counter",
    "plot_counter_run",
    "plot_hold_histogram",
    "plot_lock_timeline",
    "plot_schedules",
]
