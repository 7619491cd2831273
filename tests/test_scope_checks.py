"""The checks of exercises 3.1 and 4.1 against right and wrong answers (test_exercises covers stub and solution)."""

from __future__ import annotations

import threading

from conftest import define

import synclab

CHECK_OUTSIDE = """
def withdraw(account, amount):
    if account.balance >= amount:
        account.verify(amount)
        with account.lock:
            account.balance -= amount
        return True
    return False
"""

RIGHT = """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
"""

DOUBLE_CHECKED = """
def withdraw(account, amount):
    with account.lock:
        if account.balance < amount:
            return False
    account.verify(amount)
    with account.lock:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
"""

WORK_INSIDE = """
def withdraw(account, amount):
    with account.lock:
        account.verify(amount)
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
"""

NO_LOCK = """
def withdraw(account, amount):
    account.verify(amount)
    if account.balance >= amount:
        balance = account.balance
        time.sleep(1e-6)
        account.balance = balance - amount
        return True
    return False
"""

NESTED = """
def withdraw(account, amount):
    with account.lock:
        with account.lock:
            account.balance -= amount
    return True
"""

NO_VERIFY = RIGHT.replace("    account.verify(amount)\n", "")
RETURNS_NONE = RIGHT.replace("return True", "return None").replace("return False", "return None")
RAISES = "def withdraw(account, amount):\n    raise KeyError('balance')\n"


def check(code: str):
    return synclab.check_exercise("3.1", define(code, "withdraw"))


def test_3_1_passes_right_answers():
    assert check(RIGHT).passed
    assert check(DOUBLE_CHECKED).passed


def test_3_1_catches_the_overdraft_of_a_check_outside_the_lock():
    result = check(CHECK_OUTSIDE)
    assert not result.passed and "below zero" in result.message and "inside one with account.lock" in result.hint


def test_3_1_refuses_slow_work_inside_the_lock():
    result = check(WORK_INSIDE)
    assert not result.passed and "held during verify" in result.message


def test_3_1_refuses_a_missing_lock_a_missing_verify_and_bad_returns():
    assert "never acquired" in check(NO_LOCK).message
    assert "not verified" in check(NO_VERIFY).message
    assert "must return True" in check(RETURNS_NONE).message
    raised = check(RAISES)
    assert not raised.passed and "KeyError" in raised.message


def test_3_1_turns_a_self_deadlock_into_feedback_without_hanging():
    baseline = threading.active_count()
    result = check(NESTED)
    assert not result.passed and "already holding it" in result.message
    assert threading.active_count() == baseline


def test_3_1_refuses_what_is_not_a_function():
    assert "not a function" in synclab.check_exercise("3.1", 42).message


WALLET_STUB = """
class Wallet:
    def __init__(self, balance, lock):
        self.balance = balance
        self.lock = lock

    def withdraw(self, amount):
        with self.lock:
            if self.balance < amount:
                return False
            balance = self.balance
            time.sleep(1e-6)
            self.balance = balance - amount
            return True

    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self.withdraw(amount)
            self.withdraw(fee)
            return True
"""

WALLET_HELPER = """
class Wallet:
    def __init__(self, balance, lock):
        self.balance = balance
        self.lock = lock

    def _withdraw_unlocked(self, amount):
        if self.balance < amount:
            return False
        balance = self.balance
        time.sleep(1e-6)
        self.balance = balance - amount
        return True

    def withdraw(self, amount):
        with self.lock:
            return self._withdraw_unlocked(amount)

    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self._withdraw_unlocked(amount)
            self._withdraw_unlocked(fee)
            return True
"""

WALLET_OWN_RLOCK = WALLET_STUB.replace("self.lock = lock", "self.lock = threading.RLock()")
WALLET_UNLOCKED_HELPERS = WALLET_HELPER.replace("with self.lock:", "if True:")
WALLET_WRONG_PAY = WALLET_HELPER.replace("self._withdraw_unlocked(fee)", "pass")
WALLET_BAD_INIT = "class Wallet:\n    def __init__(self):\n        pass\n"


def check_wallet(code: str):
    return synclab.check_exercise("4.1", define(code, "Wallet"))


def test_4_1_passes_the_helper_design():
    assert check_wallet(WALLET_HELPER).passed


def test_4_1_catches_the_reentry_without_hanging():
    baseline = threading.active_count()
    result = check_wallet(WALLET_STUB)
    assert not result.passed and "already holding it" in result.message and "_withdraw_unlocked" in result.hint
    assert threading.active_count() == baseline


def test_4_1_refuses_swapping_in_an_rlock():
    result = check_wallet(WALLET_OWN_RLOCK)
    assert not result.passed and "keep the lock it is given" in result.message


def test_4_1_refuses_dropping_the_lock_and_wrong_arithmetic():
    assert "never acquired" in check_wallet(WALLET_UNLOCKED_HELPERS).message
    wrong = check_wallet(WALLET_WRONG_PAY)
    assert not wrong.passed and "expected [True, 90, True, False, 85]" in wrong.message
    assert "failed" in check_wallet(WALLET_BAD_INIT).message
    assert "not a class" in synclab.check_exercise("4.1", None).message
