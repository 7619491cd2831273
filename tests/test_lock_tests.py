"""InstrumentedLock against CPython's own lock tests: is it really a drop-in for threading.Lock?

The interpreter's test package ships ``test.lock_tests``, the suite CPython runs
on ``threading.Lock``, ``RLock`` and ``Condition``. Here it runs with an
:class:`~synclab.InstrumentedLock` as the lock: ``LockTests`` on a plain one,
``RLockTests`` on one wrapping an ``RLock``, and ``ConditionTests`` on a
``Condition`` built on one. The two repr tests are kept as well (they pass: the
repr follows threading's ``<unlocked ... object ... at 0x...>``), though a drop-in
could print itself differently.

Some Linux distributions ship the test package separately (Debian:
``libpython3.X-testsuite``); without it these tests are skipped, and the skip
says so.
"""

from __future__ import annotations

import threading
import unittest

import pytest

from synclab import InstrumentedLock

lock_tests = pytest.importorskip(
    "test.lock_tests",
    reason="this Python has no test package (test.lock_tests), so CPython's lock tests cannot run "
    "(Debian: apt-get install libpython3.X-testsuite)",
)


def _instrumented_rlock() -> InstrumentedLock:
    return InstrumentedLock(threading.RLock())


def _condition_on_instrumented(lock: object = None) -> threading.Condition:
    return threading.Condition(InstrumentedLock(threading.RLock() if lock is None else lock))


class TestInstrumentedLockAsLock(lock_tests.LockTests):
    locktype = staticmethod(InstrumentedLock)


class TestInstrumentedLockAsRLock(lock_tests.RLockTests):
    locktype = staticmethod(_instrumented_rlock)


class TestConditionOnInstrumentedLock(lock_tests.ConditionTests):
    condtype = staticmethod(_condition_on_instrumented)


@pytest.mark.parametrize("name", ["test_try_acquire_contended", "test_state_after_timeout"])
def test_the_suite_would_catch_a_lock_that_excludes_nothing(name):
    """The suite can fail: a wrapper around a lock that never blocks fails its contended tests."""

    class NoLock:
        def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
            return True

        def release(self) -> None:
            pass

    class Broken(lock_tests.LockTests):
        locktype = staticmethod(lambda: InstrumentedLock(NoLock()))

    result = unittest.TestResult()
    Broken(name).run(result)
    assert len(result.failures) == 1 and result.testsRun == 1
