"""Wrong answers and accepted variants for exercise 2.1 (make the racy increment exact with the lock passed in)."""

EXERCISE = "2.1"
ANSWERS = ("protected_increment",)
WRONG = {
    "no-lock": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
    "hard-coded-total-under-the-lock": """
def protected_increment(counter, lock, n):
    with lock:
        counter.value = 4 * n
""",
    "adds-n-at-once": """
def protected_increment(counter, lock, n):
    with lock:
        counter.value = counter.value + n
""",
    "own-lock-inside-the-function": """
def protected_increment(counter, lock, n):
    lock = threading.Lock()
    for _ in range(n):
        with lock:
            value = counter.value
            time.sleep(1e-6)
            counter.value = value + 1
""",
    "global-lock-instead-of-the-argument": """
counter_lock = threading.Lock()

def protected_increment(counter, lock, n):
    for _ in range(n):
        with counter_lock:
            value = counter.value
            time.sleep(1e-6)
            counter.value = value + 1
""",
    "lock-released-before-the-write": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        with lock:
            value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
    "lock-only-around-the-write": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        value = counter.value
        time.sleep(1e-6)
        with lock:
            counter.value = value + 1
""",
    "read-and-write-in-two-with-blocks": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        with lock:
            value = counter.value
        with lock:
            counter.value = value + 1
""",
    "lock-touched-not-used": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        with lock:
            pass
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
    "acquire-never-released": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        lock.acquire()
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
    "kept-the-lock-on-return": """
def protected_increment(counter, lock, n):
    lock.acquire()
    for _ in range(n):
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
    "non-blocking-acquire-ignored": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        got = lock.acquire(blocking=False)
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
        if got:
            lock.release()
""",
    "waits-while-locked-then-skips-the-lock": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        while lock.locked():
            pass
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
    "spins-on-its-own-lock": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        while lock.locked():
            pass
        lock.acquire()
        counter.value += 1
""",
    "raises-system-exit": """
def protected_increment(counter, lock, n):
    raise SystemExit
""",
}
RIGHT = {
    "reference": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        with lock:
            value = counter.value
            time.sleep(1e-6)
            counter.value = value + 1
""",
    "lock-around-the-whole-loop": """
def protected_increment(counter, lock, n):
    with lock:
        for _ in range(n):
            value = counter.value
            time.sleep(1e-6)
            counter.value = value + 1
""",
    "acquire-try-finally": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        lock.acquire()
        try:
            value = counter.value
            time.sleep(1e-6)
            counter.value = value + 1
        finally:
            lock.release()
""",
    "plus-equals-without-the-sleep": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        with lock:
            counter.value += 1
""",
    "acquire-with-timeout-and-retry": """
def protected_increment(counter, lock, n):
    done = 0
    while done < n:
        if not lock.acquire(timeout=0.5):
            continue
        try:
            value = counter.value
            time.sleep(1e-6)
            counter.value = value + 1
            done += 1
        finally:
            lock.release()
""",
    "non-blocking-retry-loop": """
def protected_increment(counter, lock, n):
    for _ in range(n):
        while not lock.acquire(blocking=False):
            time.sleep(0)
        try:
            value = counter.value
            time.sleep(1e-6)
            counter.value = value + 1
        finally:
            lock.release()
""",
}
