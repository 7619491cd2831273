"""Wrong answers and accepted variants for exercise 8.2 (wait at the barrier between two steps, give up within 1 s)."""

EXERCISE = "8.2"
ANSWERS = ("phase_worker",)
WRONG = {
    "no-wait-between-the-steps": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    step_two()
""",
    "waits-before-step-one": """
def phase_worker(barrier, step_one, step_two):
    barrier.wait(timeout=1)
    step_one()
    step_two()
""",
    "sleeps-instead-of-waiting": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    time.sleep(0.2)  # long enough for the others, surely
    step_two()
""",
    "no-timeout": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    barrier.wait()
    step_two()
""",
    "timeout-of-two-seconds": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    barrier.wait(timeout=2)
    step_two()
""",
    "swallows-the-broken-barrier": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    try:
        barrier.wait(timeout=1)
    except threading.BrokenBarrierError:
        return
    step_two()
""",
    "carries-on-after-the-broken-barrier": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    try:
        barrier.wait(timeout=1)
    except threading.BrokenBarrierError:
        pass  # someone is missing: go on anyway
    step_two()
""",
    "turns-it-into-another-error": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    try:
        barrier.wait(timeout=1)
    except threading.BrokenBarrierError:
        raise RuntimeError("a thread did not come")
    step_two()
""",
    "a-barrier-of-its-own": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    threading.Barrier(4).wait(timeout=1)
    step_two()
""",
    "only-one-thread-runs-step-two": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    if barrier.wait(timeout=1) == 0:
        step_two()
""",
    "spins-on-a-shared-count": """
arrived = [0]

def phase_worker(barrier, step_one, step_two):
    step_one()
    arrived[0] += 1
    while arrived[0] % 4:
        pass
    step_two()
""",
    "raises-system-exit": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    try:
        barrier.wait(timeout=1)
    except threading.BrokenBarrierError:
        raise SystemExit("barrier broken")
    step_two()
""",
}
RIGHT = {
    "reference": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    barrier.wait(timeout=1)
    step_two()
""",
    "half-a-second-positional": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    barrier.wait(0.5)
    step_two()
""",
    "aborts-then-re-raises": """
def phase_worker(barrier, step_one, step_two):
    step_one()
    try:
        barrier.wait(timeout=1)
    except threading.BrokenBarrierError:
        barrier.abort()  # tell everyone at once
        raise
    step_two()
""",
    "waits-twice": """
def phase_worker(barrier, step_one, step_two):
    barrier.wait(timeout=1)  # start together too
    step_one()
    barrier.wait(timeout=1)
    step_two()
""",
}
