"""What the checks of exercises 3.1, 4.1, 5.1, 5.2 and 11.1 tell the learner.

Whether each answer passes or fails is the answer tables' job (tests/answers,
judged by test_exercise_answers.py and ``make answers``). Here the feedback on
some wrong answers is read: it says what the answer did (naming the forced
moment it met), and not what it did not do, such as calling a lock kept after
a return a re-entry.
"""

from __future__ import annotations

import pytest
from answers import ex_3_1, ex_4_1, ex_5_1, ex_5_2, ex_11_1, judge

FEEDBACK = [
    (ex_3_1, "check-outside-the-lock", "read account.balance without holding account.lock", "let go of"),
    (ex_3_1, "check-and-subtract-in-two-with-blocks", "let go of account.lock before it had taken", "without"),
    (ex_3_1, "subtracts-from-a-balance-read-earlier", "(a lost update)", "went to"),
    (ex_3_1, "returns-without-releasing", "returned False while still holding account.lock", "already holding"),
    (ex_3_1, "takes-the-lock-twice", "asked for account.lock while already holding it", "returned"),
    (ex_3_1, "verify-after-taking-the-money", "after it had taken the money", "holding"),
    (ex_3_1, "verify-inside-the-lock", "called account.verify while holding account.lock", "after"),
    (ex_3_1, "refuses-when-the-lock-is-busy", "gave up on the lock and refused", "changed"),
    (ex_3_1, "timeout-result-ignored", "after an attempt to take it gave up", "refused"),
    (ex_3_1, "no-lock", "without ever taking account.lock", "while not holding"),
    (ex_3_1, "lock-touched-not-used", "while not holding account.lock.", "gave up"),
    (ex_3_1, "raises-system-exit", "raised SystemExit", "deadlock"),
    (ex_4_1, "pay-calls-the-locking-withdraw", "pay() asked for self.lock while already holding it", "returned"),
    (ex_4_1, "own-rlock-instead-of-the-lock-given", "did not keep the lock it was given", "holding"),
    (ex_4_1, "pay-checks-then-lets-go-before-withdrawing", "it took 7 and returned True", "went to"),
    (ex_4_1, "pay-releases-the-lock-around-withdraw", "let go of self.lock before it returned", "already"),
    (ex_4_1, "pay-as-two-withdrawals", "pay(80, 10) returned False and left the balance at 5", "lock"),
    (ex_4_1, "returns-without-releasing", "pay(80, 10) returned False while still holding self.lock", "already"),
    (ex_4_1, "refuses-when-the-lock-is-busy", "gave up on the lock and returned False", "changed"),
    (ex_4_1, "withdraw-without-the-lock", "changed self.balance while not holding self.lock", "gave up"),
    (ex_4_1, "raises-system-exit", "pay(7, 3) raised SystemExit", "deadlock"),
    (ex_5_1, "takes-the-lock-twice", "P1 asked for the buffer's lock while already holding it", "synclab."),
    (ex_5_1, "never-waits", "on a full buffer, P1 added its item: the buffer held 2 items with capacity 1.", "woke"),
    (ex_5_1, "if-instead-of-while", "P2 took it before P1 had the lock back", "timeout"),
    (ex_5_1, "notify-one", "P1 woke P2: producers", "nobody"),
    (ex_5_1, "notify-two", "P1 woke P2, P3: producers", "nobody"),
    (ex_5_1, "never-notifies", "put() did not wake it", "full"),
    (ex_5_1, "wait-timeout-result-ignored", "added its item when its wait(timeout) ran out", "P2"),
    (ex_5_1, "wait-for-timeout-result-ignored", "added its item when its wait(timeout) ran out", "P2"),
    (ex_5_1, "spins-holding-the-lock", "neither waited on cond nor returned", "deadlock"),
    (ex_5_1, "appends-after-letting-go-of-the-lock", "changed the buffer without holding cond's lock", "full"),
    (ex_5_2, "never-returns", "C1 and C2 still waited", "returned"),
    (ex_5_2, "if-instead-of-while-returns-when-woken-to-nothing", "C2 took it before C1 had the lock back", "raised"),
    (ex_5_2, "if-instead-of-while-pops-an-empty-buffer", "raised IndexError", "returned"),
    (ex_5_2, "gives-up-after-half-a-second-idle", "its wait with a timeout ran out", "C2"),
    (ex_5_2, "stops-at-close-leaving-items", "closed with 5 items still in it", "waited"),
    (ex_5_2, "spins-without-waiting", "neither waited on cond nor returned", "deadlock"),
    (ex_5_2, "takes-without-the-lock", "without holding cond's lock", "waited"),
    (ex_11_1, "no-lock", "read stats.total and stats.count while not holding stats.lock:", "gave up"),
    (ex_11_1, "only-total-under-the-lock", "read stats.count while not holding stats.lock", "stats.total"),
    (ex_11_1, "each-field-in-its-own-with-block", "in two different holds", "not holding"),
    (ex_11_1, "hard-coded-ten", "returned without reading stats.total and stats.count", "holding"),
    (ex_11_1, "non-blocking-acquire-ignored", "after an attempt to take it gave up", "holds"),
    (ex_11_1, "timeout-result-ignored", "after an attempt to take it gave up", "holds"),
    (ex_11_1, "never-releases", "read_mean(stats) returned while still holding stats.lock", "already"),
    (ex_11_1, "takes-the-lock-twice", "asked for stats.lock while already holding it", "returned"),
]


@pytest.mark.parametrize(
    ("table", "answer", "says", "never_says"),
    FEEDBACK,
    ids=[f"{table.EXERCISE}-{answer}" for table, answer, _, _ in FEEDBACK],
)
def test_feedback_says_what_the_answer_did(table, answer, says, never_says):
    result = judge(table, "wrong", answer)
    assert says in result.message and never_says not in result.message, result


def test_a_right_answer_is_told_what_was_forced():
    result = judge(ex_3_1, "right", "reference")
    assert result.passed and "at the worst moment" in result.message and "verified first" in result.message
