"""The public API is short and deliberate: changing it should be a conscious act."""

from __future__ import annotations

import synclab


def test_public_names_are_pinned():
    assert sorted(synclab.__all__) == sorted(
        [
            "RACE_WINDOWS",
            "BankAccount",
            "BankResult",
            "BankSweep",
            "CheckResult",
            "CounterResult",
            "CounterSweep",
            "InstrumentedLock",
            "LockCosts",
            "LockEvent",
            "LockStatistics",
            "ThreadLockStatistics",
            "bank_lab",
            "check_environment",
            "check_exercise",
            "counter_lab",
            "gil_enabled",
            "measure_lock_costs",
            "plot_balance",
            "plot_bank",
            "plot_bank_sweep",
            "plot_contention",
            "plot_counter",
            "plot_counter_run",
            "plot_hold_histogram",
            "plot_lock_costs",
            "plot_lock_timeline",
            "plot_throughput",
            "rlock_depth",
            "run_bank",
            "run_counter",
            "sweep_bank",
            "sweep_counter",
            "widgets_check",
            "BlockedThreadResult",
            "DeadlockError",
            "DeadlockReport",
            "ThreadStack",
            "TornReadResult",
            "TransferRun",
            "TransferRuns",
            "TransferSweep",
            "WaitForGraph",
            "measure_blocked_thread",
            "plot_blocked_thread",
            "plot_deadlock_share",
            "plot_strategies",
            "plot_transfer_throughput",
            "plot_torn_reads",
            "plot_transfer_runs",
            "plot_wait_for_graph",
            "repeat_transfers",
            "run_torn_reads",
            "run_transfers",
            "self_check_quiz",
            "sweep_transfers",
            "thread_stacks",
            "transfer_lab",
            "wait_for_graph",
            "watch_for_deadlock",
            "GateResult",
            "OverheadResult",
            "PhaseResult",
            "PoolResult",
            "StopResult",
            "measure_overhead",
            "overhead_table",
            "plot_overhead",
            "plot_phases",
            "plot_pool",
            "plot_start_gate",
            "plot_stop_signal",
            "pool_lab",
            "run_phases",
            "run_pool",
            "run_start_gate",
            "run_stop_signal",
            "Exploration",
            "Scenario",
            "ScheduleSweep",
            "explore",
            "plot_schedules",
            "scenario",
            "scheduler_lab",
            "sweep_schedules",
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
