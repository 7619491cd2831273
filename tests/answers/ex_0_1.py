"""Wrong answers and accepted variants for exercise 0.1 (run task(i) for i in range(n), all at once, and wait)."""

EXERCISE = "0.1"
ANSWERS = ("start_and_join",)
WRONG = {
    "does-nothing": """
def start_and_join(task, n):
    pass
""",
    "starts-and-joins-one-at-a-time": """
def start_and_join(task, n):
    for i in range(n):
        thread = threading.Thread(target=task, args=(i,))
        thread.start()
        thread.join(timeout=10)
""",
    "joins-only-the-last-thread": """
def start_and_join(task, n):
    for i in range(n):
        thread = threading.Thread(target=task, args=(i,))
        thread.start()
    thread.join(timeout=10)
""",
    "joins-only-the-first-thread": """
def start_and_join(task, n):
    threads = [threading.Thread(target=task, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    threads[0].join(timeout=10)
""",
    "sleeps-instead-of-joining": """
def start_and_join(task, n):
    for i in range(n):
        threading.Thread(target=task, args=(i,)).start()
    time.sleep(0.5)
""",
    "never-joins": """
def start_and_join(task, n):
    for i in range(n):
        threading.Thread(target=task, args=(i,), daemon=True).start()
""",
    "late-binding-lambda": """
def start_and_join(task, n):
    threads = []
    for i in range(n):
        thread = threading.Thread(target=lambda: task(i))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(timeout=10)
""",
    "late-binding-lambda-in-a-list": """
def start_and_join(task, n):
    threads = [threading.Thread(target=lambda: task(i)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
""",
    "calls-task-itself": """
def start_and_join(task, n):
    for i in range(n):
        task(i)
""",
    "target-is-the-call": """
def start_and_join(task, n):
    threads = [threading.Thread(target=task(i)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
""",
    "run-instead-of-start": """
def start_and_join(task, n):
    threads = [threading.Thread(target=task, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.run()
""",
    "one-thread-short": """
def start_and_join(task, n):
    threads = [threading.Thread(target=task, args=(i,)) for i in range(1, n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
""",
    "pool-with-one-worker": """
from concurrent.futures import ThreadPoolExecutor

def start_and_join(task, n):
    with ThreadPoolExecutor(max_workers=1) as pool:
        for i in range(n):
            pool.submit(task, i)
""",
    "pool-shut-down-without-waiting": """
from concurrent.futures import ThreadPoolExecutor

def start_and_join(task, n):
    pool = ThreadPoolExecutor(max_workers=n)
    for i in range(n):
        pool.submit(task, i)
    pool.shutdown(wait=False)
""",
    "joins-before-starting": """
def start_and_join(task, n):
    threads = [threading.Thread(target=task, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.join(timeout=10)
        thread.start()
""",
    "raises-system-exit": """
import sys

def start_and_join(task, n):
    sys.exit("done")
""",
    "waits-for-an-event-nobody-sets": """
def start_and_join(task, n):
    threads = [threading.Thread(target=task, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    threading.Event().wait()
""",
    "spins-forever": """
def start_and_join(task, n):
    threads = [threading.Thread(target=task, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    while True:
        pass
""",
}
RIGHT = {
    "reference": """
def start_and_join(task, n):
    threads = [threading.Thread(target=task, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
""",
    "thread-pool-executor": """
from concurrent.futures import ThreadPoolExecutor

def start_and_join(task, n):
    with ThreadPoolExecutor(max_workers=n) as pool:
        for i in range(n):
            pool.submit(task, i)
""",
    "thread-pool-map-results": """
from concurrent.futures import ThreadPoolExecutor

def start_and_join(task, n):
    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(task, range(n)))
""",
    "lambda-with-default-argument": """
def start_and_join(task, n):
    threads = []
    for i in range(n):
        thread = threading.Thread(target=lambda i=i: task(i), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in reversed(threads):
        thread.join(timeout=10)
""",
    "partial-and-is-alive-loop": """
import functools

def start_and_join(task, n):
    threads = [threading.Thread(target=functools.partial(task, i)) for i in range(n)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(timeout=0.5)
""",
}
