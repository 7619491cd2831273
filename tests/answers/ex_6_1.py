"""Wrong answers and accepted variants for exercise 6.1 (a two-stage pipeline that stops cleanly and loses no item)."""

EXERCISE = "6.1"
ANSWERS = ("pipeline",)  # the names, in order, passed to synclab.check_exercise
WRONG = {
    # The stub: daemon workers that loop forever, and a return right after the last put.
    "returns-at-once-workers-loop-forever": """
def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            item = inbox.get()
            middle.put(first(item))

    def stage_two():
        while True:
            second(middle.get())

    for _ in range(workers):
        threading.Thread(target=stage_one, daemon=True).start()
        threading.Thread(target=stage_two, daemon=True).start()
    for item in items:
        inbox.put(item)
""",
    # A stop flag set right after the last put: what is still queued is dropped.
    "loses-items-at-shutdown-stop-flag": """
def pipeline(items, inbox, middle, first, second, workers):
    stop = threading.Event()

    def stage_one():
        while not stop.is_set():
            try:
                item = inbox.get(timeout=0.05)
            except queue.Empty:
                continue
            middle.put(first(item))

    def stage_two():
        while not stop.is_set():
            try:
                result = middle.get(timeout=0.05)
            except queue.Empty:
                continue
            second(result)

    threads = [threading.Thread(target=stage_one) for _ in range(workers)]
    threads += [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in items:
        inbox.put(item)
    stop.set()
    for thread in threads:
        thread.join()
""",
    # One sentinel for the whole stage, passed on once: with several workers the others wait forever.
    "one-sentinel-per-stage": """
DONE = object()


def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            item = inbox.get()
            if item is DONE:
                middle.put(DONE)
                return
            middle.put(first(item))

    def stage_two():
        while True:
            result = middle.get()
            if result is DONE:
                return
            second(result)

    threads = [threading.Thread(target=stage_one) for _ in range(workers)]
    threads += [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in items:
        inbox.put(item)
    inbox.put(DONE)
    for thread in threads:
        thread.join()
""",
    # Stage 2 is never told to stop: middle.join() makes the count right, its threads stay blocked in get().
    "stage-two-left-blocked": """
DONE = object()


def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            item = inbox.get()
            if item is DONE:
                return
            middle.put(first(item))

    def stage_two():
        while True:
            result = middle.get()
            second(result)
            middle.task_done()

    ones = [threading.Thread(target=stage_one) for _ in range(workers)]
    twos = [threading.Thread(target=stage_two, daemon=True) for _ in range(workers)]
    for thread in ones + twos:
        thread.start()
    for item in items:
        inbox.put(item)
    for _ in ones:
        inbox.put(DONE)
    for thread in ones:
        thread.join()
    middle.join()
""",
    # Workers that stop when get() times out: a slow stage before them and they are gone.
    "gives-up-when-idle": """
def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            try:
                item = inbox.get(timeout=0.2)
            except queue.Empty:
                return
            middle.put(first(item))

    def stage_two():
        while True:
            try:
                result = middle.get(timeout=0.2)
            except queue.Empty:
                return
            second(result)

    threads = [threading.Thread(target=stage_one) for _ in range(workers)]
    threads += [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in items:
        inbox.put(item)
    for thread in threads:
        thread.join()
""",
    # Stage 2 starts only after stage 1 is joined: stage 1 blocks on the full middle queue.
    "stage-two-started-after-stage-one": """
DONE = object()


def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            item = inbox.get()
            if item is DONE:
                return
            middle.put(first(item))

    def stage_two():
        while True:
            result = middle.get()
            if result is DONE:
                return
            second(result)

    ones = [threading.Thread(target=stage_one) for _ in range(workers)]
    for thread in ones:
        thread.start()
    for item in items:
        inbox.put(item)
    for _ in ones:
        inbox.put(DONE)
    for thread in ones:
        thread.join()
    twos = [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in twos:
        thread.start()
    for _ in twos:
        middle.put(DONE)
    for thread in twos:
        thread.join()
""",
    # The sentinel goes through the work before the worker looks at it.
    "sentinel-goes-through-first": """
def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            item = inbox.get()
            middle.put(first(item))
            if item is None:
                return

    def stage_two():
        while True:
            result = middle.get()
            if result is None:
                return
            second(result)

    threads = [threading.Thread(target=stage_one) for _ in range(workers)]
    threads += [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in items:
        inbox.put(item)
    for _ in range(workers):
        inbox.put(None)
    for thread in threads:
        thread.join()
""",
    # Sentinels right, but nobody waits: pipeline() returns while the work goes on.
    "returns-without-joining": """
DONE = object()


def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            item = inbox.get()
            if item is DONE:
                middle.put(DONE)
                return
            middle.put(first(item))

    def stage_two():
        while True:
            result = middle.get()
            if result is DONE:
                return
            second(result)

    for _ in range(workers):
        threading.Thread(target=stage_one).start()
        threading.Thread(target=stage_two).start()
    for item in items:
        inbox.put(item)
    for _ in range(workers):
        inbox.put(DONE)
""",
    # No threads, no queues: the work done in the caller (a result that looks right).
    "everything-in-the-caller": """
def pipeline(items, inbox, middle, first, second, workers):
    for item in items:
        second(first(item))
""",
    # inbox.join() and middle.join() without task_done(): join() waits forever.
    "join-without-task-done": """
def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            middle.put(first(inbox.get()))

    def stage_two():
        while True:
            second(middle.get())

    for _ in range(workers):
        threading.Thread(target=stage_one, daemon=True).start()
        threading.Thread(target=stage_two, daemon=True).start()
    for item in items:
        inbox.put(item)
    inbox.join()
    middle.join()
""",
    # Workers that poll with get_nowait() and never stop: they spin, and join() never returns.
    "busy-polling-forever": """
def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            try:
                item = inbox.get_nowait()
            except queue.Empty:
                continue
            middle.put(first(item))

    def stage_two():
        while True:
            try:
                result = middle.get_nowait()
            except queue.Empty:
                continue
            second(result)

    threads = [threading.Thread(target=stage_one) for _ in range(workers)]
    threads += [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in items:
        inbox.put(item)
    for thread in threads:
        thread.join()
""",
    # A correct pipeline that ends with SystemExit ("the program is finished").
    "raises-system-exit": """
DONE = object()


def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            item = inbox.get()
            if item is DONE:
                return
            middle.put(first(item))

    def stage_two():
        while True:
            result = middle.get()
            if result is DONE:
                return
            second(result)

    ones = [threading.Thread(target=stage_one) for _ in range(workers)]
    twos = [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in ones + twos:
        thread.start()
    for item in items:
        inbox.put(item)
    for _ in ones:
        inbox.put(DONE)
    for thread in ones:
        thread.join()
    for _ in twos:
        middle.put(DONE)
    for thread in twos:
        thread.join()
    raise SystemExit("pipeline finished")
""",
}
RIGHT = {
    "reference": """
DONE = object()  # the sentinel: compared with `is`


def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while True:
            item = inbox.get()
            if item is DONE:
                return
            middle.put(first(item))

    def stage_two():
        while True:
            result = middle.get()
            if result is DONE:
                return
            second(result)

    ones = [threading.Thread(target=stage_one) for _ in range(workers)]
    twos = [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in ones + twos:
        thread.start()
    for item in items:
        inbox.put(item)
    for _ in ones:
        inbox.put(DONE)  # one per stage-1 worker, after the last item
    for thread in ones:
        thread.join()  # stage 1 is done: every result is in middle
    for _ in twos:
        middle.put(DONE)  # one per stage-2 worker, after the last result
    for thread in twos:
        thread.join()
""",
    # Each stage-1 worker passes its own sentinel on (right because both stages have as many workers).
    "each-worker-passes-its-sentinel-on": """
def pipeline(items, inbox, middle, first, second, workers):
    stop = "stop"

    def stage_one():
        while (item := inbox.get()) != stop:
            middle.put(first(item))
        middle.put(stop)

    def stage_two():
        while (result := middle.get()) != stop:
            second(result)

    threads = [threading.Thread(target=work) for work in (stage_one, stage_two) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in [*items, *[stop] * workers]:
        inbox.put(item)
    for thread in threads:
        thread.join()
""",
    # task_done() and join() tell when every item is through; the sentinels come after.
    "task-done-and-join": """
def pipeline(items, inbox, middle, first, second, workers):
    def stage_one():
        while (item := inbox.get()) is not None:
            middle.put(first(item))
            inbox.task_done()

    def stage_two():
        while (result := middle.get()) is not None:
            second(result)
            middle.task_done()

    threads = [threading.Thread(target=stage_one) for _ in range(workers)]
    threads += [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for item in items:
        inbox.put(item)
    inbox.join()  # every item has been through first() and is in middle
    middle.join()  # every result has been through second()
    for _ in range(workers):
        inbox.put(None)
        middle.put(None)
    for thread in threads:
        thread.join(timeout=10)
""",
    # A thread pool runs the stage loops; leaving the with block waits for its threads.
    "thread-pool-executor": """
from concurrent.futures import ThreadPoolExecutor


def pipeline(items, inbox, middle, first, second, workers):
    end = object()

    def stage(take, do, give):
        while (thing := take.get()) is not end:
            done = do(thing)
            if give is not None:
                give.put(done)

    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        ones = [pool.submit(stage, inbox, first, middle) for _ in range(workers)]
        twos = [pool.submit(stage, middle, second, None) for _ in range(workers)]
        for item in items:
            inbox.put(item)
        for _ in ones:
            inbox.put(end)
        for future in ones:
            future.result()
        for _ in twos:
            middle.put(end)
        for future in twos:
            future.result()
""",
    # Queue.shutdown() where the Python has it (3.13+), sentinels otherwise.
    "shutdown-where-available": """
def pipeline(items, inbox, middle, first, second, workers):
    ShutDown = getattr(queue, "ShutDown", None)
    SENTINEL = object()

    def take(source):
        try:
            return source.get()
        except Exception as error:
            if ShutDown is not None and isinstance(error, ShutDown):
                return SENTINEL
            raise

    def close(target, readers):
        if hasattr(target, "shutdown"):
            target.shutdown()
        else:
            for _ in range(readers):
                target.put(SENTINEL)

    def stage_one():
        while (item := take(inbox)) is not SENTINEL:
            middle.put(first(item))

    def stage_two():
        while (result := take(middle)) is not SENTINEL:
            second(result)

    ones = [threading.Thread(target=stage_one) for _ in range(workers)]
    twos = [threading.Thread(target=stage_two) for _ in range(workers)]
    for thread in ones + twos:
        thread.start()
    for item in items:
        inbox.put(item)
    close(inbox, workers)
    for thread in ones:
        thread.join()
    close(middle, workers)
    for thread in twos:
        thread.join()
""",
}
