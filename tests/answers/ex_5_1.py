"""Wrong answers and accepted variants for exercise 5.1 (put on a bounded buffer: wait while full, wake consumers)."""

EXERCISE = "5.1"
ANSWERS = ("put",)
WRONG = {
    "never-waits": """
def put(buffer, cond, item, capacity):
    with cond:
        buffer.append(item)
        cond.notify_all()
""",
    "if-instead-of-while": """
def put(buffer, cond, item, capacity):
    with cond:
        if len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
        cond.notify_all()
""",
    "notify-one": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
        cond.notify()
""",
    "notify-two": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
        cond.notify(2)
""",
    "never-notifies": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
""",
    "wait-timeout-result-ignored": """
def put(buffer, cond, item, capacity):
    with cond:
        if len(buffer) >= capacity:
            cond.wait(timeout=0.1)
        buffer.append(item)
        cond.notify_all()
""",
    "wait-for-timeout-result-ignored": """
def put(buffer, cond, item, capacity):
    with cond:
        cond.wait_for(lambda: len(buffer) < capacity, timeout=0.2)
        buffer.append(item)
        cond.notify_all()
""",
    "spins-holding-the-lock": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            pass
        buffer.append(item)
        cond.notify_all()
""",
    "polls-with-sleep": """
def put(buffer, cond, item, capacity):
    while len(buffer) >= capacity:
        time.sleep(0.001)
    with cond:
        buffer.append(item)
        cond.notify_all()
""",
    "appends-after-letting-go-of-the-lock": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
    buffer.append(item)
    with cond:
        cond.notify_all()
""",
    "off-by-one-capacity": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) > capacity:
            cond.wait()
        buffer.append(item)
        cond.notify_all()
""",
    "forgets-the-item": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        cond.notify_all()
""",
    "raises-system-exit": """
def put(buffer, cond, item, capacity):
    raise SystemExit("buffer full")
""",
    "appends-at-the-front": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.appendleft(item)
        cond.notify_all()
""",
    "inserts-at-the-front": """
def put(buffer, cond, item, capacity):
    with cond:
        cond.wait_for(lambda: len(buffer) < capacity)
        buffer.insert(0, item)
        cond.notify_all()
""",
    "waits-while-not-empty": """
def put(buffer, cond, item, capacity):
    with cond:
        while buffer:
            cond.wait()
        buffer.append(item)
        cond.notify_all()
""",
    "drops-the-oldest-when-full": """
def put(buffer, cond, item, capacity):
    with cond:
        buffer.append(item)
        if len(buffer) > capacity:
            buffer.popleft()
        cond.notify_all()
""",
    "checks-and-appends-in-two-holds": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
    with cond:
        buffer.append(item)
        cond.notify_all()
""",
    "takes-the-lock-twice": """
def put(buffer, cond, item, capacity):
    with cond:
        with cond:  # the check's cond wraps a plain Lock (as BoundedBuffer's do): this thread waits for itself
            while len(buffer) >= capacity:
                cond.wait()
            buffer.append(item)
            cond.notify_all()
""",
}
RIGHT = {
    "reference": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
        cond.notify_all()
""",
    "wait-for": """
def put(buffer, cond, item, capacity):
    with cond:
        cond.wait_for(lambda: len(buffer) < capacity)
        buffer.append(item)
        cond.notify_all()
""",
    "timed-waits-in-a-loop": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait(timeout=0.05)
        buffer.append(item)
        cond.notify_all()
""",
    "notify-all-before-the-append": """
def put(buffer, cond, item, capacity):
    cond.acquire()
    try:
        while True:
            if len(buffer) < capacity:
                break
            cond.wait()
        cond.notify_all()
        buffer.append(item)
    finally:
        cond.release()
""",
    "rechecks-a-timed-wait-for": """
def put(buffer, cond, item, capacity):
    with cond:
        while not cond.wait_for(lambda: len(buffer) < capacity, timeout=0.1):
            pass
        buffer.insert(len(buffer), item)
        cond.notify_all()
""",
    "returns-from-inside-the-loop": """
def put(buffer, cond, item, capacity):
    with cond:
        while True:
            if len(buffer) < capacity:
                buffer.extend([item])
                cond.notify_all()
                return
            cond.wait()
""",
    "long-timeouts-in-a-loop": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait(timeout=1)
        buffer.append(item)
        cond.notify_all()
""",
    "notifies-only-when-it-was-empty": """
def put(buffer, cond, item, capacity):
    with cond:
        while len(buffer) >= capacity:
            cond.wait()
        buffer.append(item)
        if len(buffer) == 1:
            cond.notify_all()
""",
    "rechecks-in-a-second-hold": """
def put(buffer, cond, item, capacity):
    while True:
        with cond:
            while len(buffer) >= capacity:
                cond.wait()
        with cond:
            if len(buffer) < capacity:
                buffer.append(item)
                cond.notify_all()
                return
""",
}
