"""Wrong answers and accepted variants for exercise 3.1 (withdraw: verify first, check and subtract in one hold)."""

EXERCISE = "3.1"
ANSWERS = ("withdraw",)
WRONG = {
    "check-outside-the-lock": """
def withdraw(account, amount):
    if account.balance >= amount:
        account.verify(amount)
        with account.lock:
            account.balance -= amount
        return True
    return False
""",
    "verify-first-then-check-outside-the-lock": """
def withdraw(account, amount):
    account.verify(amount)
    if account.balance >= amount:
        with account.lock:
            account.balance -= amount
        return True
    return False
""",
    "check-and-subtract-in-two-with-blocks": """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        enough = account.balance >= amount
    if not enough:
        return False
    with account.lock:
        account.balance -= amount
    return True
""",
    "subtracts-from-a-balance-read-earlier": """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        balance = account.balance
    if balance < amount:
        return False
    with account.lock:
        account.balance = balance - amount
    return True
""",
    "verify-after-taking-the-money": """
def withdraw(account, amount):
    with account.lock:
        if account.balance < amount:
            return False
        account.balance -= amount
    account.verify(amount)
    return True
""",
    "verify-inside-the-lock": """
def withdraw(account, amount):
    with account.lock:
        account.verify(amount)
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
""",
    "never-calls-verify": """
def withdraw(account, amount):
    with account.lock:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
""",
    "refuses-when-the-lock-is-busy": """
def withdraw(account, amount):
    account.verify(amount)
    if not account.lock.acquire(blocking=False):
        return False
    try:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
    finally:
        account.lock.release()
""",
    "timeout-result-ignored": """
def withdraw(account, amount):
    account.verify(amount)
    got_it = account.lock.acquire(timeout=0.05)
    try:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
    finally:
        if got_it:
            account.lock.release()
""",
    "no-lock": """
def withdraw(account, amount):
    account.verify(amount)
    if account.balance >= amount:
        account.balance -= amount
        return True
    return False
""",
    "lock-touched-not-used": """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        pass
    if account.balance >= amount:
        account.balance -= amount
        return True
    return False
""",
    "a-lock-of-its-own": """
bank_lock = threading.Lock()

def withdraw(account, amount):
    account.verify(amount)
    with bank_lock:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
""",
    "returns-without-releasing": """
def withdraw(account, amount):
    account.verify(amount)
    account.lock.acquire()
    if account.balance < amount:
        return False
    account.balance -= amount
    account.lock.release()
    return True
""",
    "takes-the-lock-twice": """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        if account.balance >= amount:
            with account.lock:
                account.balance -= amount
            return True
        return False
""",
    "hard-coded-true": """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        account.balance -= amount
    return True
""",
    "greater-than-instead-of-at-least": """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        if account.balance > amount:
            account.balance -= amount
            return True
        return False
""",
    "returns-none-when-refused": """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        if account.balance >= amount:
            account.balance -= amount
            return True
""",
    "waits-for-the-money-instead-of-refusing": """
def withdraw(account, amount):
    account.verify(amount)
    while True:
        with account.lock:
            if account.balance >= amount:
                account.balance -= amount
                return True
""",
    "raises-system-exit": """
import sys

def withdraw(account, amount):
    sys.exit("no money today")
""",
    "verifies-zero": """
def withdraw(account, amount):
    account.verify(0)
    with account.lock:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
""",
    "verifies-the-balance": """
def withdraw(account, amount):
    account.verify(account.balance)  # the fraud check is asked about the balance, not the withdrawal
    with account.lock:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
""",
}
RIGHT = {
    "reference": """
def withdraw(account, amount):
    account.verify(amount)
    with account.lock:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
""",
    "quick-refusal-then-check-again-under-the-lock": """
def withdraw(account, amount):
    if account.balance < amount:
        return False
    account.verify(amount)
    with account.lock:
        if account.balance < amount:
            return False
        account.balance -= amount
        return True
""",
    "check-verify-check-again": """
def withdraw(account, amount):
    with account.lock:
        if account.balance < amount:
            return False
    account.verify(amount)
    with account.lock:
        if account.balance < amount:
            return False
        account.balance = account.balance - amount
    return True
""",
    "acquire-try-finally": """
def withdraw(account, amount):
    account.verify(amount)
    account.lock.acquire()
    try:
        ok = account.balance >= amount
        if ok:
            account.balance -= amount
    finally:
        account.lock.release()
    return ok
""",
    "retries-a-timed-acquire": """
def withdraw(account, amount):
    account.verify(amount)
    while not account.lock.acquire(timeout=0.05):
        pass
    try:
        if account.balance >= amount:
            account.balance -= amount
            return True
        return False
    finally:
        account.lock.release()
""",
}
