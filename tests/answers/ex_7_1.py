"""Wrong answers and accepted variants for exercise 7.1 (move money holding both accounts' locks, never deadlock)."""

EXERCISE = "7.1"
ANSWERS = ("transfer",)
WRONG = {
    "source-lock-first": """
def transfer(src, dst, amount):
    with src.lock, dst.lock:
        src.balance -= amount
        dst.balance += amount
""",
    "one-lock-at-a-time": """
def transfer(src, dst, amount):
    with src.lock:
        src.balance -= amount
    with dst.lock:
        dst.balance += amount
""",
    "only-one-of-the-two-locks": """
def transfer(src, dst, amount):
    with src.lock:
        src.balance -= amount
        dst.balance += amount
""",
    "gives-up-on-timeout": """
def transfer(src, dst, amount):
    with src.lock:
        if not dst.lock.acquire(timeout=0.05):
            return  # could not get both: skip this transfer
        try:
            src.balance -= amount
            dst.balance += amount
        finally:
            dst.lock.release()
""",
    "one-bank-lock-instead-of-the-account-locks": """
bank_lock = threading.Lock()

def transfer(src, dst, amount):
    with bank_lock:
        src.balance -= amount
        dst.balance += amount
""",
    "locks-touched-not-used": """
def transfer(src, dst, amount):
    first, second = sorted((src, dst), key=lambda account: account.number)
    with first.lock, second.lock:
        pass
    src.balance -= amount
    dst.balance += amount
""",
    "ignores-the-timeout": """
def transfer(src, dst, amount):
    with src.lock:
        dst.lock.acquire(timeout=0.05)
        src.balance -= amount
        dst.balance += amount
        dst.lock.release()
""",
    "retries-once-with-if": """
import random

def transfer(src, dst, amount):
    with src.lock:
        if dst.lock.acquire(timeout=0.05):
            try:
                src.balance -= amount
                dst.balance += amount
            finally:
                dst.lock.release()
            return
    time.sleep(random.uniform(0, 0.01))  # back off once, then just take them
    with src.lock, dst.lock:
        src.balance -= amount
        dst.balance += amount
""",
    "retries-without-letting-go": """
def transfer(src, dst, amount):
    with src.lock:
        while not dst.lock.acquire(timeout=0.05):
            pass  # keep trying
        try:
            src.balance -= amount
            dst.balance += amount
        finally:
            dst.lock.release()
""",
    "orders-by-balance": """
def transfer(src, dst, amount):
    first, second = (src, dst) if src.balance >= dst.balance else (dst, src)
    with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount
""",
    "orders-by-a-hard-coded-account": """
def transfer(src, dst, amount):
    first, second = (src, dst) if src.number == 0 else (dst, src)
    with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount
""",
    "hard-coded-amount": """
def transfer(src, dst, amount):
    first, second = sorted((src, dst), key=lambda account: account.number)
    with first.lock, second.lock:
        src.balance -= 1
        dst.balance += 1
""",
    "two-separate-holds": """
def transfer(src, dst, amount):
    first, second = sorted((src, dst), key=lambda account: account.number)
    with first.lock, second.lock:
        src.balance -= amount
    with first.lock, second.lock:
        dst.balance += amount
""",
    "reads-before-locking": """
def transfer(src, dst, amount):
    new_src, new_dst = src.balance - amount, dst.balance + amount
    first, second = sorted((src, dst), key=lambda account: account.number)
    with first.lock, second.lock:
        src.balance = new_src
        dst.balance = new_dst
""",
    "raises-system-exit": """
def transfer(src, dst, amount):
    with src.lock:
        if not dst.lock.acquire(timeout=0.05):
            raise SystemExit("could not get both locks")
        try:
            src.balance -= amount
            dst.balance += amount
        finally:
            dst.lock.release()
""",
}
RIGHT = {
    "reference": """
def transfer(src, dst, amount):
    first, second = (src, dst) if src.number < dst.number else (dst, src)
    with first.lock, second.lock:
        src.balance -= amount
        dst.balance += amount
""",
    "sorted-by-number": """
def transfer(src, dst, amount):
    first, second = sorted((src, dst), key=lambda account: account.number)
    with first.lock:
        with second.lock:
            src.balance -= amount
            dst.balance += amount
""",
    "retry-with-back-off": """
import random

def transfer(src, dst, amount):
    while True:
        with src.lock:
            if dst.lock.acquire(timeout=0.05):
                try:
                    src.balance -= amount
                    dst.balance += amount
                finally:
                    dst.lock.release()
                return
        time.sleep(random.uniform(0, 0.01))  # let go of src.lock, back off, retry
""",
    "coarse-bank-lock-around-the-account-locks": """
bank_lock = threading.Lock()

def transfer(src, dst, amount):
    with bank_lock:  # one transfer at a time: no two can wait for each other
        with src.lock, dst.lock:
            src.balance -= amount
            dst.balance += amount
""",
    "ordered-by-id": """
def transfer(src, dst, amount):
    first, second = (src, dst) if id(src) < id(dst) else (dst, src)
    first.lock.acquire()
    try:
        second.lock.acquire()
        try:
            src.balance -= amount
            dst.balance += amount
        finally:
            second.lock.release()
    finally:
        first.lock.release()
""",
    "non-blocking-retry": """
import random

def transfer(src, dst, amount):
    while True:
        with src.lock:
            if dst.lock.acquire(blocking=False):
                try:
                    src.balance -= amount
                    dst.balance += amount
                finally:
                    dst.lock.release()
                return
        time.sleep(random.uniform(0, 0.002))
""",
}
