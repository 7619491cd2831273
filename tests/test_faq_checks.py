"""What the check of exercise 11.1 tells the learner (pass or fail is the answer table's job)."""

from __future__ import annotations

import pytest
from answers import ex_11_1, judge


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("no-lock", "read stats.total and stats.count while not holding stats.lock:"),
        ("only-total-under-the-lock", "read stats.count while not holding stats.lock"),
        ("each-field-in-its-own-with-block", "in two different holds"),
        ("hard-coded-ten", "returned without reading stats.total and stats.count"),
        ("non-blocking-acquire-ignored", "after an attempt to take it gave up"),
        ("timeout-result-ignored", "after an attempt to take it gave up"),
        ("never-releases", "returned while still holding stats.lock"),
        ("takes-the-lock-twice", "asked for stats.lock while already holding it"),
    ],
)
def test_11_1_feedback_names_what_the_answer_did(answer, says):
    result = judge(ex_11_1, "wrong", answer)
    assert says in result.message, result
