"""Wrong answers and accepted variants for exercise 8.1 (a pool of `size` connections; an extra put() is refused)."""

EXERCISE = "8.1"
ANSWERS = ("ConnectionPool",)
WRONG = {
    "no-limit-at-all": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]

    def get(self):
        return self.free.pop()

    def put(self, conn):
        self.free.append(conn)
""",
    "releases-before-appending-outside-the-lock": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        self.permits.release()  # ValueError first, so nothing is appended on a bad put
        with self.lock:
            self.free.append(conn)
""",
    "membership-check-instead-of-counting": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.Semaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            if conn in self.free:
                raise ValueError(f"{conn} is already back")
            self.free.append(conn)
        self.permits.release()
""",
    "plain-semaphore-with-its-own-unknown-connection-error": """
class ConnectionPool:
    def __init__(self, size):
        self.names = [f"conn-{i}" for i in range(size)]
        self.free = list(self.names)
        self.permits = threading.Semaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        if conn not in self.names:
            raise ValueError(f"unknown connection {conn!r}")
        with self.lock:
            self.free.append(conn)
        self.permits.release()
""",
    "appends-before-the-release-that-raises": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            self.free.append(conn)
        self.permits.release()
""",
    "swallows-the-value-error": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            try:
                self.permits.release()
            except ValueError:
                return  # already full: ignore it
            self.free.append(conn)
""",
    "a-lock-instead-of-a-semaphore": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.Lock()

    def get(self):
        self.permits.acquire()
        return self.free.pop()

    def put(self, conn):
        self.free.append(conn)
        self.permits.release()
""",
    "permit-given-back-at-once": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        with self.permits:
            with self.lock:
                return self.free.pop()

    def put(self, conn):
        with self.lock:
            self.free.append(conn)
""",
    "ignores-the-acquire-timeout": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire(timeout=0.1)  # don't wait for ever
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            self.permits.release()
            self.free.append(conn)
""",
    "if-instead-of-while": """
class ConnectionPool:
    def __init__(self, size):
        self.size = size
        self.free = [f"conn-{i}" for i in range(size)]
        self.lock = threading.Lock()

    def get(self):
        if not self.free:
            time.sleep(0.01)  # wait for a connection to come back
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            if len(self.free) == self.size:
                raise ValueError("every connection is already back")
            self.free.append(conn)
""",
    "hands-out-without-taking": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)

    def get(self):
        self.permits.acquire()
        return self.free[-1]

    def put(self, conn):
        self.permits.release()
""",
    "forgets-to-release": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            self.free.append(conn)
""",
    "raises-system-exit": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)

    def get(self):
        if not self.permits.acquire(timeout=0.1):
            raise SystemExit("no connection free")
        return self.free.pop()

    def put(self, conn):
        self.permits.release()
        self.free.append(conn)
""",
}
RIGHT = {
    "reference": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            self.permits.release()
            self.free.append(conn)
""",
    "counts-under-the-lock-then-releases": """
class ConnectionPool:
    def __init__(self, size):
        self.size = size
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop(0)

    def put(self, conn):
        with self.lock:
            if len(self.free) >= self.size:
                raise ValueError("every connection is already back")
            self.free.append(conn)
        self.permits.release()
""",
    "a-condition-instead-of-a-semaphore": """
class ConnectionPool:
    def __init__(self, size):
        self.size = size
        self.free = [f"conn-{i}" for i in range(size)]
        self.changed = threading.Condition()

    def get(self):
        with self.changed:
            self.changed.wait_for(lambda: self.free)
            return self.free.pop()

    def put(self, conn):
        with self.changed:
            if len(self.free) >= self.size:
                raise ValueError("every connection is already back")
            self.free.append(conn)
            self.changed.notify()
""",
    "a-queue-that-waits-for-the-connection": """
class ConnectionPool:
    def __init__(self, size):
        self.free = queue.LifoQueue()
        for i in range(size):
            self.free.put(f"conn-{i}")
        self.permits = threading.BoundedSemaphore(size)

    def get(self):
        self.permits.acquire()
        return self.free.get()  # waits until put() has queued it

    def put(self, conn):
        self.permits.release()  # ValueError first: nothing is queued
        self.free.put(conn)
""",
    "acquire-try-finally-with-an-rlock": """
class ConnectionPool:
    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.RLock()

    def get(self):
        self.permits.acquire()
        self.lock.acquire()
        try:
            return self.free.pop()
        finally:
            self.lock.release()

    def put(self, conn):
        self.lock.acquire()
        try:
            self.permits.release()
            self.free.append(conn)
        finally:
            self.lock.release()
""",
    "slots": """
class ConnectionPool:
    __slots__ = ("free", "permits", "lock")

    def __init__(self, size):
        self.free = [f"conn-{i}" for i in range(size)]
        self.permits = threading.BoundedSemaphore(size)
        self.lock = threading.Lock()

    def get(self):
        self.permits.acquire()
        with self.lock:
            return self.free.pop()

    def put(self, conn):
        with self.lock:
            self.permits.release()  # raises ValueError before the connection goes back, if it is one too many
            self.free.append(conn)
""",
}
