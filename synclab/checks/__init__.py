"""Exercise checks: ``check_exercise("2.1", protected_increment)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synclab.checks._base import CheckResult, run_check
from synclab.checks.bank import check_withdraw_in_one_critical_section
from synclab.checks.conditions import check_consume, check_put
from synclab.checks.counter import check_protected_increment, check_racy_increment
from synclab.checks.deadlock import check_ordered_transfer
from synclab.checks.faq import check_consistent_mean
from synclab.checks.hello import check_start_and_join
from synclab.checks.primitives import check_connection_pool, check_phase_worker
from synclab.checks.queues import check_pipeline, check_run_all
from synclab.checks.reentrant import check_pay_without_reentry
from synclab.checks.scheduler import check_lock_order, check_locked_increment, check_while_consumer
from synclab.checks.testing import check_race_test

__all__ = ["CHECKS", "CheckResult", "check_exercise"]

#: Exercise number -> the check for it, in the course's order (the error for an unknown number lists them so).
CHECKS: dict[str, Callable[..., CheckResult]] = {
    "0.1": check_start_and_join,
    "1.1": check_racy_increment,
    "2.1": check_protected_increment,
    "3.1": check_withdraw_in_one_critical_section,
    "4.1": check_pay_without_reentry,
    "5.1": check_put,
    "5.2": check_consume,
    "6.1": check_pipeline,
    "6.2": check_run_all,
    "7.1": check_ordered_transfer,
    "8.1": check_connection_pool,
    "8.2": check_phase_worker,
    "9.1": check_locked_increment,
    "9.2": check_lock_order,
    "9.3": check_while_consumer,
    "10.1": check_race_test,
    "11.1": check_consistent_mean,
}


def check_exercise(exercise: str, *answers: Any) -> CheckResult:
    """Check your answer to an exercise with real threads, several times."""
    if not isinstance(exercise, str):
        raise TypeError(f"exercise must be a string like '2.1', got {exercise!r} of type {type(exercise).__name__}")
    if exercise not in CHECKS:
        raise ValueError(f"exercise must be one of {', '.join(CHECKS)}, got {exercise!r}")
    return run_check(exercise, CHECKS[exercise], answers)
