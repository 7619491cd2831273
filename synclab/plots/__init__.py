"""Plots of synclab results; each returns a matplotlib figure."""

from __future__ import annotations

from synclab.plots.bank import bank_headline, plot_balance, plot_bank, plot_bank_sweep, plot_throughput
from synclab.plots.buffer import (
    buffer_headline,
    plot_buffer_length,
    plot_buffer_run,
    plot_buffer_waits,
    plot_wait_timeline,
)
from synclab.plots.counter import counter_headline, plot_counter, plot_counter_run
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
from synclab.plots.reentrant import plot_lock_costs
from synclab.plots.scheduler import plot_schedules

__all__ = [
    "bank_headline",
    "counter_headline",
    "plot_balance",
    "plot_bank",
    "plot_bank_sweep",
    "buffer_headline",
    "plot_buffer_length",
    "plot_buffer_run",
    "plot_buffer_waits",
    "plot_contention",
    "plot_counter",
    "plot_counter_run",
    "plot_hold_histogram",
    "plot_lock_costs",
    "plot_lock_timeline",
    "plot_throughput",
    "plot_wait_timeline",
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
