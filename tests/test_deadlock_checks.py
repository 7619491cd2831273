"""The check of exercise 7.1 on answers beyond the stub and the solution."""

from __future__ import annotations

import threading

import synclab


def ordered(src, dst, amount):
    first, second = sorted((src, dst), key=lambda account: account.number)
    with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount


def naive(src, dst, amount):
    with src.lock, dst.lock:
        src.balance -= amount
        dst.balance += amount


def test_ordered_transfer_passes_and_naive_deadlocks_without_leaving_threads():
    baseline = threading.active_count()
    assert synclab.check_exercise("7.1", ordered).passed
    verdict = synclab.check_exercise("7.1", naive)
    assert not verdict.passed and "deadlocked" in verdict.message
    assert threading.active_count() == baseline


def test_transfer_check_catches_other_mistakes():
    def unlocked(src, dst, amount):
        src.balance -= amount
        dst.balance += amount

    def wrong_amount(src, dst, amount):
        first, second = sorted((src, dst), key=lambda account: account.number)
        with first.lock, second.lock:
            src.balance -= amount
            dst.balance += 2 * amount

    own_lock = threading.Lock()

    def one_big_lock(src, dst, amount):
        with own_lock:
            src.balance -= amount
            dst.balance += amount

    def raises(src, dst, amount):
        raise ValueError("nope")

    cases = {
        unlocked: "did not hold that account's lock",
        wrong_amount: "the balances ended at",
        one_big_lock: "did not hold that account's lock",
        raises: "your function raised ValueError: nope",
        "transfer": "transfer is not a function",
    }
    for answer, message in cases.items():
        verdict = synclab.check_exercise("7.1", answer)
        assert not verdict.passed and message in verdict.message, (answer, verdict)
        assert verdict.hint
