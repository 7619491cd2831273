"""The checks of exercises 7.1, 8.1 and 8.2 beyond their answer tables (``tests/answers/ex_7_1.py`` ...).

The tables prove each wrong answer fails and each accepted variant passes;
here are the things a table cannot say: what a check does with something that
is not an answer at all, and that the learner's own objects are left alone.
"""

from __future__ import annotations

import pytest
from answers.ex_8_1 import RIGHT
from conftest import define

import synclab


@pytest.mark.parametrize(
    ("number", "answer"), [("7.1", "transfer"), ("8.1", "ConnectionPool"), ("8.2", "phase_worker")]
)
def test_something_that_is_not_an_answer_gets_a_hint(number, answer):
    for wrong in (None, 42, f"{answer}"):
        result = synclab.check_exercise(number, wrong)
        assert not result.passed and answer in result.message and result.hint


def test_the_pool_check_swaps_primitives_only_in_the_pools_it_builds():
    made = []

    class Recorded(define(RIGHT["reference"], "ConnectionPool")):
        def __init__(self, size):
            super().__init__(size)
            made.append(self)

    mine = Recorded(2)
    assert synclab.check_exercise("8.1", Recorded).passed
    built = [pool for pool in made if pool is not mine]
    assert built, "the check builds its own pools"
    assert all(type(pool.permits).__name__ == "GuardedBoundedSemaphore" for pool in built)
    assert type(mine.permits).__module__ == "threading" and type(mine.lock).__module__ == "_thread"
