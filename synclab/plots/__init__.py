"""Plots of synclab results; each returns a matplotlib figure."""

from __future__ import annotations

from synclab.plots.bank import bank_headline, plot_balance, plot_bank, plot_bank_sweep, plot_throughput
from synclab.plots.conditions import (
    buffer_headline,
    plot_buffer_length,
    plot_buffer_run,
    plot_buffer_waits,
    plot_wait_timeline,
)
from synclab.plots.counter import counter_headline, plot_counter, plot_counter_run
from synclab.plots.deadlock import (
    plot_deadlock_share,
    plot_resource_allocation_graph,
    plot_strategies,
    plot_transfer_runs,
    plot_transfer_throughput,
    transfer_headline,
)
from synclab.plots.faq import plot_blocked_thread
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
from synclab.plots.queues import (
    concurrency_headline,
    pipeline_headline,
    plot_concurrency,
    plot_pipeline,
    plot_pipeline_lengths,
    plot_pipeline_throughput,
    plot_queue_vs_condition,
)
from synclab.plots.reentrant import ledger_headline, plot_ledger, plot_ledger_entries, plot_lock_costs
from synclab.plots.scheduler import plot_schedules
from synclab.plots.testing import (
    livelock_headline,
    plot_livelock,
    plot_starvation,
    plot_test_runs,
    repeat_headline,
    starvation_headline,
)

__all__ = [
    "Table",
    "bank_headline",
    "buffer_headline",
    "concurrency_headline",
    "counter_headline",
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
    "ledger_headline",
    "livelock_headline",
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
    "pool_headline",
    "repeat_headline",
    "starvation_headline",
    "transfer_headline",
]
