"""Wrong answers and accepted variants for exercise 5.2 (consumers that take every item and stop when closed)."""

EXERCISE = "5.2"
ANSWERS = ("consume",)
WRONG = {
    "never-returns": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            while not buffer:
                cond.wait()
            out.append(buffer.popleft())
""",
    "if-instead-of-while-returns-when-woken-to-nothing": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            if not buffer and not closed.is_set():
                cond.wait()
            if not buffer:
                return
            item = buffer.popleft()
        out.append(item)
""",
    "if-instead-of-while-pops-an-empty-buffer": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            if not buffer:
                if closed.is_set():
                    return
                cond.wait()
            out.append(buffer.popleft())
""",
    "gives-up-after-half-a-second-idle": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            if not cond.wait_for(lambda: buffer or closed.is_set(), timeout=0.5):
                return
            if not buffer:
                return
            item = buffer.popleft()
        out.append(item)
""",
    "stops-at-close-leaving-items": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
            if closed.is_set():
                return
            out.append(buffer.popleft())
""",
    "waits-only-for-items": """
def consume(buffer, cond, closed, out):
    while not closed.is_set():
        with cond:
            cond.wait_for(lambda: buffer)
            out.append(buffer.popleft())
""",
    "returns-when-the-buffer-is-empty": """
def consume(buffer, cond, closed, out):
    with cond:
        while buffer:
            out.append(buffer.popleft())
""",
    "spins-without-waiting": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            if buffer:
                out.append(buffer.popleft())
            elif closed.is_set():
                return
""",
    "waits-on-the-closed-event-instead": """
def consume(buffer, cond, closed, out):
    while True:
        closed.wait(timeout=0.01)
        with cond:
            if buffer:
                out.append(buffer.popleft())
            elif closed.is_set():
                return
""",
    "takes-without-the-lock": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
            if not buffer:
                return
        out.append(buffer.popleft())
""",
    "raises-system-exit": """
def consume(buffer, cond, closed, out):
    raise SystemExit
""",
    "gives-up-when-idle-after-its-first-item": """
def consume(buffer, cond, closed, out):
    timeout = None
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set(), timeout=timeout)
            if not buffer:
                return
            item = buffer.popleft()
        out.append(item)
        timeout = 0.5
""",
    "returns-on-a-timeout-once-out-has-items": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            if not cond.wait_for(lambda: buffer or closed.is_set(), timeout=1 if out else None):
                return
            if not buffer:
                return
            out.append(buffer.popleft())
""",
    "first-wait-untimed-then-one-timed-wait": """
def consume(buffer, cond, closed, out):
    with cond:
        cond.wait_for(lambda: buffer or closed.is_set())
    while True:
        with cond:
            if not buffer and not closed.is_set():
                cond.wait(timeout=0.2)
            if not buffer:
                return
            out.append(buffer.popleft())
""",
    "returns-once-empty-after-its-first-wait": """
def consume(buffer, cond, closed, out):
    with cond:
        cond.wait_for(lambda: buffer or closed.is_set())
    while True:
        with cond:
            if not buffer:
                return
            out.append(buffer.popleft())
""",
    "checks-and-takes-in-two-holds": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
            if not buffer:
                return
        with cond:
            out.append(buffer.popleft())
""",
    "two-holds-returns-when-the-item-is-gone": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
        with cond:
            if not buffer:
                return
            out.append(buffer.popleft())
""",
}
RIGHT = {
    "reference": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
            if not buffer:
                return
            item = buffer.popleft()
        out.append(item)
""",
    "while-loop-around-wait": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            while not buffer and not closed.is_set():
                cond.wait()
            if buffer:
                out.append(buffer.popleft())
            else:
                return
""",
    "timed-waits-in-a-loop": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            while not buffer:
                if closed.is_set():
                    return
                cond.wait(timeout=0.05)
            item = buffer.popleft()
        out.append(item)
""",
    "drains-everything-it-finds": """
def consume(buffer, cond, closed, out):
    done = False
    while not done:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
            taken = list(buffer)
            buffer.clear()
            done = not taken
        out.extend(taken)
""",
    "timed-wait-for-rechecked-in-a-loop": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set(), timeout=0.1)
            if buffer:
                out.append(buffer.popleft())
            elif closed.is_set():
                return
""",
    "long-timeouts-in-a-loop": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            while not buffer:
                if closed.is_set():
                    return
                cond.wait(timeout=2)
            item = buffer.popleft()
        out.append(item)
""",
    "rechecks-in-a-second-hold": """
def consume(buffer, cond, closed, out):
    while True:
        with cond:
            cond.wait_for(lambda: buffer or closed.is_set())
            if not buffer:
                return
        with cond:
            if buffer:
                out.append(buffer.popleft())
""",
}
