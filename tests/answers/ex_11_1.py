"""Wrong answers and accepted variants for exercise 11.1 (read both fields in one hold of stats.lock)."""

EXERCISE = "11.1"
ANSWERS = ("read_mean",)
WRONG = {
    "no-lock": """
def read_mean(stats):
    return stats.total / stats.count
""",
    "lock-touched-not-used": """
def read_mean(stats):
    with stats.lock:
        pass
    return stats.total / stats.count
""",
    "only-total-under-the-lock": """
def read_mean(stats):
    with stats.lock:
        total = stats.total
    return total / stats.count
""",
    "each-field-in-its-own-with-block": """
def read_mean(stats):
    with stats.lock:
        total = stats.total
    with stats.lock:
        count = stats.count
    return total / count
""",
    "hard-coded-ten": """
def read_mean(stats):
    return 10.0
""",
    "a-lock-of-its-own": """
reader_lock = threading.Lock()

def read_mean(stats):
    with reader_lock:
        return stats.total / stats.count
""",
    "non-blocking-acquire-ignored": """
def read_mean(stats):
    got_it = stats.lock.acquire(blocking=False)
    try:
        return stats.total / stats.count
    finally:
        if got_it:
            stats.lock.release()
""",
    "timeout-result-ignored": """
def read_mean(stats):
    got_it = stats.lock.acquire(timeout=0.05)
    try:
        return stats.total / stats.count
    finally:
        if got_it:
            stats.lock.release()
""",
    "waits-until-unlocked-then-reads-without-it": """
def read_mean(stats):
    while stats.lock.locked():
        pass
    return stats.total / stats.count
""",
    "count-over-total": """
def read_mean(stats):
    with stats.lock:
        return stats.count / stats.total
""",
    "never-releases": """
def read_mean(stats):
    stats.lock.acquire()
    return stats.total / stats.count
""",
    "takes-the-lock-twice": """
def read_mean(stats):
    with stats.lock:
        total = stats.total
        with stats.lock:
            return total / stats.count
""",
    "raises-system-exit": """
def read_mean(stats):
    raise SystemExit
""",
    "reads-both-returns-ten": """
def read_mean(stats):
    with stats.lock:
        stats.total, stats.count  # read, but the result is written by hand
    return 10
""",
    "returns-the-first-mean-it-read": """
_means = []

def read_mean(stats):
    with stats.lock:
        _means.append(stats.total / stats.count)
    return _means[0]
""",
    "floor-division": """
def read_mean(stats):
    with stats.lock:
        return stats.total // stats.count
""",
    "rounds-the-mean": """
def read_mean(stats):
    with stats.lock:
        return round(stats.total / stats.count)
""",
}
RIGHT = {
    "reference": """
def read_mean(stats):
    with stats.lock:
        return stats.total / stats.count
""",
    "copies-under-the-lock-divides-outside": """
def read_mean(stats):
    with stats.lock:
        count, total = stats.count, stats.total
    return total / count
""",
    "acquire-try-finally": """
def read_mean(stats):
    stats.lock.acquire()
    try:
        total = stats.total
        count = stats.count
    finally:
        stats.lock.release()
    return total / count
""",
    "retries-a-timed-acquire": """
def read_mean(stats):
    while not stats.lock.acquire(timeout=0.05):
        pass
    try:
        return stats.total / stats.count
    finally:
        stats.lock.release()
""",
}
