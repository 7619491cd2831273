"""Wrong answers and accepted variants for exercise 4.1 (Wallet.pay with a plain Lock: one hold, no re-entry)."""

EXERCISE = "4.1"
ANSWERS = ("Wallet",)

_INIT = """
class Wallet:
    def __init__(self, balance, lock):
        self.balance = balance
        self.lock = lock
"""
_HELPER = """
    def _withdraw_unlocked(self, amount):
        if self.balance < amount:
            return False
        balance = self.balance
        time.sleep(1e-6)
        self.balance = balance - amount
        return True
"""
_WITHDRAW = """
    def withdraw(self, amount):
        with self.lock:
            return self._withdraw_unlocked(amount)
"""
_PAY = """
    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self._withdraw_unlocked(amount)
            self._withdraw_unlocked(fee)
            return True
"""

WRONG = {
    "pay-calls-the-locking-withdraw": _INIT
    + """
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
""",
    "own-rlock-instead-of-the-lock-given": """
class Wallet:
    def __init__(self, balance, lock):
        self.balance = balance
        self.lock = threading.RLock()

    def withdraw(self, amount):
        with self.lock:
            if self.balance < amount:
                return False
            self.balance -= amount
            return True

    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self.withdraw(amount)
            self.withdraw(fee)
            return True
""",
    "rlock-kept-beside-the-lock-given": """
class Wallet:
    def __init__(self, balance, lock):
        self.balance = balance
        self.lock = lock
        self._rlock = threading.RLock()

    def withdraw(self, amount):
        with self._rlock:
            if self.balance < amount:
                return False
            self.balance -= amount
            return True

    def pay(self, amount, fee):
        with self._rlock:
            if self.balance < amount + fee:
                return False
            self.withdraw(amount)
            self.withdraw(fee)
            return True
""",
    "helper-still-takes-the-lock": _INIT
    + """
    def _withdraw_unlocked(self, amount):
        with self.lock:
            if self.balance < amount:
                return False
            self.balance -= amount
            return True

    def withdraw(self, amount):
        return self._withdraw_unlocked(amount)

    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self._withdraw_unlocked(amount)
            self._withdraw_unlocked(fee)
            return True
""",
    "pay-checks-then-lets-go-before-withdrawing": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
        self.withdraw(amount)
        self.withdraw(fee)
        return True
""",
    "pay-as-two-withdrawals": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        return self.withdraw(amount) and self.withdraw(fee)
""",
    "pay-releases-the-lock-around-withdraw": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self.lock.release()
            try:
                self.withdraw(amount)
                self.withdraw(fee)
            finally:
                self.lock.acquire()
            return True
""",
    "pay-without-the-lock": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        if self.balance < amount + fee:
            return False
        self._withdraw_unlocked(amount)
        self._withdraw_unlocked(fee)
        return True
""",
    "withdraw-without-the-lock": _INIT
    + _HELPER
    + """
    def withdraw(self, amount):
        return self._withdraw_unlocked(amount)
"""
    + _PAY,
    "lock-touched-not-used": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        with self.lock:
            pass
        if self.balance < amount + fee:
            return False
        self._withdraw_unlocked(amount)
        self._withdraw_unlocked(fee)
        return True
""",
    "pay-forgets-the-fee": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self._withdraw_unlocked(amount)
            return True
""",
    "refuses-when-the-lock-is-busy": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        if not self.lock.acquire(blocking=False):
            return False
        try:
            if self.balance < amount + fee:
                return False
            self._withdraw_unlocked(amount)
            self._withdraw_unlocked(fee)
            return True
        finally:
            self.lock.release()
""",
    "timeout-result-ignored": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        got_it = self.lock.acquire(timeout=0.05)
        try:
            if self.balance < amount + fee:
                return False
            self._withdraw_unlocked(amount)
            self._withdraw_unlocked(fee)
            return True
        finally:
            if got_it:
                self.lock.release()
""",
    "returns-without-releasing": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        self.lock.acquire()
        if self.balance < amount + fee:
            return False
        self._withdraw_unlocked(amount)
        self._withdraw_unlocked(fee)
        self.lock.release()
        return True
""",
    "withdraw-spins-until-the-lock-is-free": _INIT
    + """
    def withdraw(self, amount):
        while self.lock.locked():
            pass
        with self.lock:
            if self.balance < amount:
                return False
            self.balance -= amount
            return True

    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self.withdraw(amount)
            self.withdraw(fee)
            return True
""",
    "raises-system-exit": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        raise SystemExit
""",
}
RIGHT = {
    "reference": _INIT + _HELPER + _WITHDRAW + _PAY,
    "pay-subtracts-itself": """
class Wallet:
    def __init__(self, balance, lock):
        self.balance = balance
        self.lock = lock

    def withdraw(self, amount):
        with self.lock:
            if self.balance < amount:
                return False
            self.balance -= amount
            return True

    def pay(self, amount, fee):
        with self.lock:
            total = amount + fee
            if self.balance < total:
                return False
            self.balance -= total
            return True
""",
    "one-helper-for-the-total": _INIT
    + """
    def _take(self, amount):
        if self.balance < amount:
            return False
        self.balance -= amount
        return True

    def withdraw(self, amount):
        with self.lock:
            return self._take(amount)

    def pay(self, amount, fee):
        with self.lock:
            return self._take(amount + fee)
""",
    "acquire-try-finally": _INIT
    + _HELPER
    + _WITHDRAW
    + """
    def pay(self, amount, fee):
        self.lock.acquire()
        try:
            if self.balance < amount + fee:
                return False
            self._withdraw_unlocked(amount)
            self._withdraw_unlocked(fee)
            return True
        finally:
            self.lock.release()
""",
    "withdraw-with-a-held-flag": _INIT
    + """
    def withdraw(self, amount, lock_held=False):
        if not lock_held:
            with self.lock:
                return self.withdraw(amount, lock_held=True)
        if self.balance < amount:
            return False
        self.balance -= amount
        return True

    def pay(self, amount, fee):
        with self.lock:
            if self.balance < amount + fee:
                return False
            self.withdraw(amount, lock_held=True)
            self.withdraw(fee, lock_held=True)
            return True
""",
}
