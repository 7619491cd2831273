"""Plots of synclab results; each returns a matplotlib figure."""

from __future__ import annotations

from synclab.plots.counter import counter_headline, plot_counter, plot_counter_run
from synclab.plots.deadlock import (
    plot_deadlock_share,
    plot_strategies,
    plot_throughput,
    plot_transfer_runs,
    plot_wait_for_graph,
    transfer_headline,
)
from synclab.plots.faq import plot_blocked_thread, plot_torn_reads
from synclab.plots.locks import plot_contention, plot_hold_histogram, plot_lock_timeline
from synclab.plots.primitives import (
    Table,
    overhead_table,
    plot_overhead,
    plot_phases,
    plot_pool,
    plot_start_gate,
    plot_stop_signal,
    pool_headline,
)
from synclab.plots.scheduler import plot_schedules

__all__ = [
    "counter_headline",
    "plot_contention",
    "plot_counter",
    "plot_counter_run",
    "plot_hold_histogram",
    "plot_lock_timeline",
    "plot_blocked_thread",
    "plot_deadlock_share",
    "plot_strategies",
    "plot_throughput",
    "plot_torn_reads",
    "plot_transfer_runs",
    "plot_wait_for_graph",
    "transfer_headline",
    "Table",
    "overhead_table",
    "plot_overhead",
    "plot_phases",
    "plot_pool",
    "plot_start_gate",
    "plot_stop_signal",
    "pool_headline",
    "plot_schedules",
]
