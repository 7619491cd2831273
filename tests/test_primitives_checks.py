"""The checks of exercises 7.1, 8.1 and 8.2 beyond their answer tables (``tests/answers/ex_7_1.py`` ...).

The tables prove each wrong answer fails and each accepted variant passes;
here are the things a table cannot say: what a check does with something that
is not an answer at all, and that the learner's own objects are left alone.
"""

from __future__ import annotations

import pytest
from conftest import define

import synclab

REFERENCE_POOL = """
class ConnectionPool:
    made = []

    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()
        ConnectionPool.made.append(self)

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            self.permits.release()
            self.free.append(conn)
"""


@pytest.mark.parametrize(
    ("number", "answer"), [("7.1", "transfer"), ("8.1", "ConnectionPool"), ("8.2", "phase_worker")]
)
def test_something_that_is_not_an_answer_gets_a_hint(number, answer):
    for wrong in (None, 42, f"{answer}"):
        result = synclab.check_exercise(number, wrong)
        assert not result.passed and answer in result.message and result.hint


def test_the_pool_check_swaps_primitives_only_in_the_pools_it_builds():
    pool_class = define(REFERENCE_POOL, "ConnectionPool")
    mine = pool_class(2)
    assert synclab.check_exercise("8.1", pool_class).passed
    built = [pool for pool in pool_class.made if pool is not mine]
    assert built, "the check builds its own pools"
    assert all(type(pool.permits).__name__ == "GuardedBoundedSemaphore" for pool in built)
    assert type(mine.permits).__module__ == "threading" and type(mine.lock).__module__ == "_thread"
