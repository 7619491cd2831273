"""Wrong answers and accepted variants for exercise 1.1 (add 1 n times; lose updates with 4 threads, every run)."""

EXERCISE = "1.1"
ANSWERS = ("racy_increment",)
WRONG = {
    "plain-plus-equals": """
def racy_increment(counter, n):
    for _ in range(n):
        counter.value += 1
""",
    "hard-coded-total": """
def racy_increment(counter, n):
    counter.value = n
""",
    "one-window-for-the-whole-total": """
def racy_increment(counter, n):
    value = counter.value
    time.sleep(1e-6)
    counter.value = value + n
""",
    "reads-again-after-the-sleep": """
def racy_increment(counter, n):
    for _ in range(n):
        value = counter.value
        time.sleep(1e-6)
        counter.value = counter.value + 1
""",
    "sleeps-after-the-write": """
def racy_increment(counter, n):
    for _ in range(n):
        counter.value += 1
        time.sleep(1e-6)
""",
    "adds-a-lock": """
lock = threading.Lock()

def racy_increment(counter, n):
    for _ in range(n):
        with lock:
            value = counter.value
            time.sleep(1e-6)
            counter.value = value + 1
""",
    "counts-by-two": """
def racy_increment(counter, n):
    for _ in range(n // 2):
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 2
""",
    "one-increment-short": """
def racy_increment(counter, n):
    for _ in range(n - 1):
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
    "raises-system-exit": """
def racy_increment(counter, n):
    raise SystemExit
""",
    "waits-for-other-threads-forever": """
def racy_increment(counter, n):
    while counter.value == 0:
        pass  # wait until another thread has started counting
    for _ in range(n):
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
}
RIGHT = {
    "reference": """
def racy_increment(counter, n):
    for _ in range(n):
        value = counter.value
        time.sleep(1e-6)
        counter.value = value + 1
""",
    "longer-window": """
def racy_increment(counter, n):
    for _ in range(n):
        seen = counter.value
        time.sleep(0.0001)
        counter.value = seen + 1
""",
    "sleep-inside-the-expression": """
def racy_increment(counter, n):
    for _ in range(n):
        counter.value = counter.value + (time.sleep(1e-6) or 1)
""",
    "event-wait-as-the-window": """
def racy_increment(counter, n):
    pause = threading.Event()
    for _ in range(n):
        value = counter.value
        pause.wait(1e-6)
        counter.value = value + 1
""",
}
