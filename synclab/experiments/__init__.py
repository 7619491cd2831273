"""Experiments: each runs real threads and returns a frozen result."""

from __future__ import annotations

from synclab.experiments.bank import BANK_STYLES, BankAccount, BankResult, BankSweep, run_bank, sweep_bank
from synclab.experiments.counter import (
    RACE_WINDOWS,
    CounterResult,
    CounterSweep,
    run_counter,
    sweep_counter,
)
from synclab.experiments.reentrant import LockCosts, measure_lock_costs, rlock_depth

__all__ = [
    "BANK_STYLES",
    "BankAccount",
    "BankResult",
    "BankSweep",
    "LockCosts",
    "RACE_WINDOWS",
    "CounterResult",
    "CounterSweep",
    "measure_lock_costs",
    "rlock_depth",
    "run_bank",
    "run_counter",
    "sweep_bank",
    "sweep_counter",
]
