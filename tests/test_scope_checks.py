"""What the checks of exercises 3.1 and 4.1 tell the learner: what the answer did, never what it did not do.

Whether each answer passes or fails is the answer tables' job (tests/answers,
judged by test_exercise_answers.py and ``make answers``); here the feedback of
some of them is read.
"""

from __future__ import annotations

import pytest
from answers import ex_3_1, ex_4_1, judge


@pytest.mark.parametrize(
    ("answer", "says", "never_says"),
    [
        ("check-outside-the-lock", "read account.balance without holding account.lock", "let go of"),
        ("check-and-subtract-in-two-with-blocks", "let go of account.lock before it had taken the money", "without"),
        ("subtracts-from-a-balance-read-earlier", "(a lost update)", "went to"),
        ("returns-without-releasing", "returned False while still holding account.lock", "already holding"),
        ("takes-the-lock-twice", "asked for account.lock while already holding it", "returned"),
        ("verify-after-taking-the-money", "after it had taken the money", "holding"),
        ("verify-inside-the-lock", "called account.verify while holding account.lock", "after"),
        ("refuses-when-the-lock-is-busy", "gave up on the lock and refused", "changed"),
        ("timeout-result-ignored", "after an attempt to take it gave up", "refused"),
        ("no-lock", "without ever taking account.lock", "while not holding"),
        ("lock-touched-not-used", "while not holding account.lock.", "gave up"),
        ("raises-system-exit", "raised SystemExit", "deadlock"),
    ],
)
def test_3_1_feedback_names_what_the_answer_did(answer, says, never_says):
    result = judge(ex_3_1, "wrong", answer)
    assert says in result.message and never_says not in result.message, result


def test_3_1_a_right_answer_is_told_what_was_forced():
    result = judge(ex_3_1, "right", "reference")
    assert result.passed and "at the worst moment" in result.message and "verified first" in result.message


@pytest.mark.parametrize(
    ("answer", "says", "never_says"),
    [
        ("pay-calls-the-locking-withdraw", "pay() asked for self.lock while already holding it", "returned"),
        ("own-rlock-instead-of-the-lock-given", "did not keep the lock it was given", "holding"),
        ("pay-checks-then-lets-go-before-withdrawing", "it took 7 and returned True", "went to"),
        ("pay-releases-the-lock-around-withdraw", "let go of self.lock before it returned", "already holding"),
        ("pay-as-two-withdrawals", "pay(80, 10) returned False and left the balance at 5", "lock"),
        ("returns-without-releasing", "pay(80, 10) returned False while still holding self.lock", "already"),
        ("refuses-when-the-lock-is-busy", "gave up on the lock and returned False", "changed"),
        ("withdraw-without-the-lock", "changed self.balance while not holding self.lock", "gave up"),
        ("raises-system-exit", "pay(7, 3) raised SystemExit", "deadlock"),
    ],
)
def test_4_1_feedback_names_what_the_answer_did(answer, says, never_says):
    result = judge(ex_4_1, "wrong", answer)
    assert says in result.message and never_says not in result.message, result
