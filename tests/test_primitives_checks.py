"""The checks of exercises 7.1 and 7.2 tell right from each typical wrong answer, without hanging."""

from __future__ import annotations

import threading

from conftest import define

import synclab

POOL = """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            self.permits.release()
            self.free.append(conn)
"""

# The reference solution as it was first written: the connection is appended
# before release() raises, so a refused put() still adds it.
APPEND_FIRST = POOL.replace(
    "            self.permits.release()\n            self.free.append(conn)\n",
    "            self.free.append(conn)\n        self.permits.release()\n",
)

WORKER = """
def phase_worker(barrier, step_one, step_two):
    step_one()
    barrier.wait(timeout=1)
    step_two()
"""


def test_a_correct_pool_passes():
    result = synclab.check_exercise("8.1", define(POOL, "ConnectionPool"))
    assert result.passed, result


def test_appending_before_the_release_keeps_a_phantom_connection():
    assert APPEND_FIRST != POOL
    result = synclab.check_exercise("8.1", define(APPEND_FIRST, "ConnectionPool"))
    assert not result.passed
    assert "kept the connection anyway: self.free holds it, 4 connections for 3" in result.message
    assert "release the permit first" in result.hint


def test_a_phantom_connection_in_a_hidden_list_is_handed_out():
    # The free list sits one level down, out of the attribute scan: get() must find the phantom.
    code = (
        APPEND_FIRST.replace("self.free = [", "self.box = {'free': [")
        .replace("for i in range(size)]", "for i in range(size)]}")
        .replace("self.free.", "self.box['free'].")
    )
    result = synclab.check_exercise("8.1", define(code, "ConnectionPool"))
    assert not result.passed
    assert "get() handed it out afterwards" in result.message


def test_a_plain_semaphore_is_caught_by_the_extra_put():
    result = synclab.check_exercise("8.1", define(POOL.replace("BoundedSemaphore", "Semaphore"), "ConnectionPool"))
    assert not result.passed
    assert "accepted silently" in result.message and "BoundedSemaphore" in result.hint


def test_a_lock_instead_of_a_semaphore_is_caught():
    code = POOL.replace("threading.BoundedSemaphore(size)", "threading.Lock()")
    result = synclab.check_exercise("8.1", define(code, "ConnectionPool"))
    assert not result.passed and "one at a time" in result.message


def test_a_pool_without_a_limit_is_caught():
    code = POOL.replace("self.permits.acquire()", "pass").replace("self.permits.release()", "pass")
    code = code.replace("for i in range(size)]", "for i in range(100)]")
    result = synclab.check_exercise("8.1", define(code, "ConnectionPool"))
    assert not result.passed and "more than 3 threads" in result.message


def test_a_correct_phase_worker_passes():
    baseline = threading.active_count()
    result = synclab.check_exercise("8.2", define(WORKER, "phase_worker"))
    assert result.passed, result
    assert threading.active_count() == baseline


def test_a_wait_without_timeout_is_freed_and_reported():
    baseline = threading.active_count()
    result = synclab.check_exercise("8.2", define(WORKER.replace("timeout=1", ""), "phase_worker"))
    assert not result.passed and "still waiting" in result.message
    assert "timeout" in result.hint
    assert threading.active_count() == baseline  # the check broke its barrier: nothing left hanging


def test_swallowing_the_broken_barrier_is_caught():
    code = WORKER.replace(
        "    barrier.wait(timeout=1)\n",
        "    try:\n        barrier.wait(timeout=1)\n    except threading.BrokenBarrierError:\n        pass\n",
    )
    result = synclab.check_exercise("8.2", define(code, "phase_worker"))
    assert not result.passed and "step_two() still ran" in result.message


def test_skipping_the_barrier_is_caught():
    code = WORKER.replace("    barrier.wait(timeout=1)\n", "")
    result = synclab.check_exercise("8.2", define(code, "phase_worker"))
    assert not result.passed and "before every thread had finished step_one" in result.message


def test_not_a_function_gets_a_hint():
    for number in ("8.1", "8.2"):
        result = synclab.check_exercise(number, None)
        assert not result.passed and result.hint
