"""Plots of synclab results; each returns a matplotlib figure. Headlines stay in their topic module."""

from __future__ import annotations

from synclab.plots.bank import plot_balance, plot_bank, plot_bank_sweep, plot_throughput
from synclab.plots.conditions import plot_buffer_length, plot_buffer_run, plot_buffer_waits, plot_wait_timeline
from synclab.plots.counter import plot_counter, plot_counter_run
from synclab.plots.deadlock import (
    plot_deadlock_share,
    plot_resource_allocation_graph,
    plot_strategies,
    plot_transfer_runs,
    plot_transfer_throughput,
)
from synclab.plots.faq import plot_blocked_thread
from synclab.plots.locks import plot_contention, plot_hold_histogram, plot_lock_timeline
from synclab.plots.primitives import (
    overhead_table,
    plot_overhead,
    plot_phases,
    plot_pool,
    plot_start_gate,
    plot_stop_signal,
)
from synclab.plots.queues import (
    concurrency_headline,
    pipeline_headline,
    plot_concurrency,
    plot_pipeline,
    plot_pipeline_lengths,
    plot_pipeline_throughput,
    plot_queue_vs_condition,
)
from synclab.plots.reentrant import plot_ledger, plot_ledger_entries, plot_lock_costs
from synclab.plots.scheduler import plot_schedules
from synclab.plots.testing import plot_livelock, plot_starvation, plot_test_runs

__all__ = [
    "concurrency_headline",
    "overhead_table",
    "plot_balance",
    "plot_bank",
    "plot_bank_sweep",
    "plot_blocked_thread",
    "plot_buffer_length",
    "plot_buffer_run",
    "plot_buffer_waits",
    "plot_concurrency",
    "plot_contention",
    "plot_counter",
    "plot_counter_run",
    "plot_deadlock_share",
    "plot_hold_histogram",
    "plot_livelock",
    "plot_lock_costs",
    "plot_ledger",
    "plot_ledger_entries",
    "plot_lock_timeline",
    "plot_overhead",
    "plot_phases",
    "plot_pipeline",
    "plot_pipeline_lengths",
    "plot_pipeline_throughput",
    "plot_pool",
    "plot_queue_vs_condition",
    "plot_schedules",
    "plot_start_gate",
    "plot_starvation",
    "plot_stop_signal",
    "plot_strategies",
    "plot_test_runs",
    "plot_throughput",
    "plot_transfer_runs",
    "plot_transfer_throughput",
    "plot_resource_allocation_graph",
    "plot_wait_timeline",
    "pipeline_headline",
]
