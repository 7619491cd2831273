"""The public API is deliberate: changing it should be a conscious act."""

from __future__ import annotations

import synclab


def test_public_names_are_pinned():
    assert sorted(synclab.__all__) == sorted(
        [
            "DictIterationResult",
            "LEDGER_DESIGNS",
            "RACE_WINDOWS",
            "BankAccount",
            "BankResult",
            "BankSweep",
            "BlockedThreadResult",
            "BufferResult",
            "ConcurrencyResult",
            "CheckResult",
            "CounterResult",
            "CounterSweep",
            "DeadlockError",
            "DeadlockReport",
            "Exploration",
            "FifoLock",
            "GateResult",
            "InstrumentedLock",
            "LedgerResult",
            "LivelockResult",
            "LockCosts",
            "LockEvent",
            "LockStatistics",
            "OverheadResult",
            "PhaseResult",
            "PipelineResult",
            "PoolResult",
            "RepeatResult",
            "Scenario",
            "ScheduleSweep",
            "StarvationResult",
            "StopResult",
            "ThreadLockStatistics",
            "ThreadStack",
            "TornReadResult",
            "TransferRun",
            "TransferRuns",
            "TransferSweep",
            "ResourceAllocationGraph",
            "bank_lab",
            "buffer_lab",
            "catch_rate_lab",
            "check_environment",
            "check_exercise",
            "counter_lab",
            "explore",
            "gil_enabled",
            "measure_blocked_thread",
            "measure_concurrency",
            "measure_lock_costs",
            "measure_overhead",
            "overhead_table",
            "pipeline_lab",
            "plot_balance",
            "plot_bank",
            "plot_bank_sweep",
            "plot_blocked_thread",
            "plot_buffer_run",
            "plot_concurrency",
            "plot_contention",
            "plot_counter",
            "plot_counter_run",
            "plot_deadlock_share",
            "plot_hold_histogram",
            "plot_ledger",
            "plot_livelock",
            "plot_lock_costs",
            "plot_lock_timeline",
            "plot_overhead",
            "plot_phases",
            "plot_pipeline",
            "plot_pool",
            "plot_queue_vs_condition",
            "plot_schedules",
            "plot_start_gate",
            "plot_starvation",
            "plot_stop_signal",
            "plot_strategies",
            "plot_test_runs",
            "plot_throughput",
            "plot_torn_reads",
            "plot_transfer_runs",
            "plot_transfer_throughput",
            "plot_resource_allocation_graph",
            "pool_lab",
            "reentrant_lab",
            "repeat_test",
            "repeat_transfers",
            "rlock_depth",
            "run_bank",
            "run_buffer",
            "run_counter",
            "run_dict_iteration",
            "run_ledger",
            "run_livelock",
            "run_notify",
            "run_phases",
            "run_pipeline",
            "run_pool",
            "run_queue_buffer",
            "run_start_gate",
            "run_starvation",
            "run_stolen_wakeup",
            "run_stop_signal",
            "run_torn_reads",
            "run_transfers",
            "scenario",
            "scheduler_lab",
            "self_check_quiz",
            "sweep_bank",
            "sweep_counter",
            "sweep_schedules",
            "sweep_transfers",
            "thread_stacks",
            "transfer_lab",
            "resource_allocation_graph",
            "watch_for_deadlock",
            "widgets_check",
        ]
    )


def test_every_public_name_exists_and_is_documented():
    for name in synclab.__all__:
        obj = getattr(synclab, name)
        if callable(obj):
            assert obj.__doc__, f"synclab.{name} has no docstring"


def test_only_the_widgets_package_imports_ipywidgets():
    import pathlib

    root = pathlib.Path(synclab.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import ipywidgets" in path.read_text() and path.parts[-2] != "widgets"
    ]
    assert offenders == []
