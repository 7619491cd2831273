"""Wrong answers and accepted variants for exercise 6.2 (run tasks in threads; their exception reaches the caller)."""

EXERCISE = "6.2"
ANSWERS = ("run_all",)  # the names, in order, passed to synclab.check_exercise
WRONG = {
    # The stub: plain threads; a task's exception dies in its thread, run_all returns as if all went well.
    "plain-threads-exception-dies": """
def run_all(tasks):
    results = [None] * len(tasks)

    def run(i):
        results[i] = tasks[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
""",
    # The exception is caught in the worker and turned into None.
    "swallows-the-exception": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    def safely(task):
        try:
            return task()
        except Exception:
            return None

    with ThreadPoolExecutor() as pool:
        return list(pool.map(safely, tasks))
""",
    # result() never called: the futures themselves are returned.
    "returns-the-futures": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    with ThreadPoolExecutor() as pool:
        futures = [pool.submit(task) for task in tasks]
    return futures
""",
    # The exception is looked at and printed, never raised.
    "prints-the-exception": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    with ThreadPoolExecutor() as pool:
        futures = [pool.submit(task) for task in tasks]
    results = []
    for future in futures:
        if future.exception() is not None:
            print("a task failed")
            results.append(None)
        else:
            results.append(future.result())
    return results
""",
    # A new exception instead of the task's, with nothing to find the task's one by.
    "raises-a-different-exception": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    with ThreadPoolExecutor() as pool:
        futures = [pool.submit(task) for task in tasks]
    if any(future.exception() for future in futures):
        raise RuntimeError("a task failed")
    return [future.result() for future in futures]
""",
    # Plain threads keep the error, but run_all raises it at once, before the other tasks finish.
    "raises-before-the-others-finish": """
def run_all(tasks):
    results = [None] * len(tasks)
    errors = []
    failed = threading.Event()

    def run(i):
        try:
            results[i] = tasks[i]()
        except Exception as error:
            errors.append(error)
            failed.set()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        if failed.wait(0.005):
            raise errors[0]
    return results
""",
    # No threads at all: exceptions reach the caller, but nothing runs at the same time.
    "runs-them-in-the-caller": """
def run_all(tasks):
    return [task() for task in tasks]
""",
    # Results in the order the tasks finished, not the order they were given.
    "results-in-completion-order": """
from concurrent.futures import ThreadPoolExecutor, as_completed


def run_all(tasks):
    with ThreadPoolExecutor() as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in as_completed(futures)]
""",
    # Only the first task's result is checked; the others' exceptions are never looked at.
    "checks-only-the-first-future": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    with ThreadPoolExecutor() as pool:
        futures = [pool.submit(task) for task in tasks]
        first = futures[0].result()
    return [first] + [None if f.exception() else f.result() for f in futures[1:]]
""",
    # Busy-waits for every result: when a task raises, its result never comes, and it spins forever.
    "busy-waits-for-results-forever": """
def run_all(tasks):
    results = {}

    def run(i):
        results[i] = tasks[i]()

    for i in range(len(tasks)):
        threading.Thread(target=run, args=(i,), daemon=True).start()
    while len(results) < len(tasks):
        pass
    return [results[i] for i in range(len(tasks))]
""",
    # Ends the program when a task fails.
    "exits-on-failure": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    with ThreadPoolExecutor() as pool:
        futures = [pool.submit(task) for task in tasks]
    if any(future.exception() for future in futures):
        raise SystemExit("a task failed")
    return [future.result() for future in futures]
""",
    # One worker thread for all tasks: they run one after another.
    "one-worker-for-all-tasks": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    with ThreadPoolExecutor(max_workers=1) as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]
""",
}
RIGHT = {
    "reference": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result() for future in futures]  # result() re-raises a task's exception
""",
    # map() gives results in order and re-raises too.
    "executor-map": """
from concurrent.futures import ThreadPoolExecutor


def run_all(tasks):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(lambda task: task(), tasks))
""",
    # Plain threads: keep each outcome, join all, then raise the first error.
    "plain-threads-keep-the-error": """
def run_all(tasks):
    outcomes = [None] * len(tasks)

    def run(i):
        try:
            outcomes[i] = ("value", tasks[i]())
        except BaseException as error:
            outcomes[i] = ("error", error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tasks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for kind, value in outcomes:
        if kind == "error":
            raise value
    return [value for _, value in outcomes]
""",
    # A wrapping exception, chained to the task's with "from".
    "wraps-with-from": """
import concurrent.futures


def run_all(tasks):
    with concurrent.futures.ThreadPoolExecutor() as pool:
        futures = [pool.submit(task) for task in tasks]
        concurrent.futures.wait(futures)
    for number, future in enumerate(futures):
        error = future.exception()
        if error is not None:
            raise RuntimeError(f"task {number} failed") from error
    return [future.result() for future in futures]
""",
}
