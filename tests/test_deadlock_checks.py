"""The check of exercise 11.1 on answers beyond the stub and the solution (7.1 has its answer table)."""

from __future__ import annotations

import synclab


def test_consistent_mean_check():
    def locked(stats):
        with stats.lock:
            return stats.total / stats.count

    def torn(stats):
        return stats.total / stats.count

    assert synclab.check_exercise("11.1", locked).passed
    verdict = synclab.check_exercise("11.1", torn)
    assert not verdict.passed and "torn read" in verdict.message
    assert "not a number" in synclab.check_exercise("11.1", lambda stats: None).message
    assert "raised ZeroDivisionError" in synclab.check_exercise("11.1", lambda stats: 1 / 0).message
    assert "not a function" in synclab.check_exercise("11.1", 10).message
