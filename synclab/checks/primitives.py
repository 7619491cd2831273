"""Checks for the exercises of notebook 08 (choosing a primitive)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from synclab.checks._base import CheckResult, ExerciseError, run_in_threads

__all__ = ["check_connection_pool", "check_phase_worker"]

RUNS = 3
POOL_SIZE = 3
POOL_THREADS = 8
POOL_USES = 5
POOL_HOLD = 0.002

#: The connection the check puts back although nobody took it.
EXTRA = "conn-extra"

PHASE_THREADS = 4
PHASE_STEP = 0.003
#: Seconds the check gives a worker whose barrier can never fill before freeing it.
PHASE_PATIENCE = 2.5


def _fix(exc: ExerciseError) -> str:
    return str(exc) + "."


def _phantom(pool: Any, size: int) -> str:
    """What went wrong with ``pool`` after it refused a connection, or ``""`` if nothing did.

    Looks in the pool's attributes for a collection holding it, then takes
    ``size`` connections with ``get()`` (in a thread, under a deadline) and
    gives them back.
    """
    for name, value in vars(pool).items() if hasattr(pool, "__dict__") else ():
        if isinstance(value, list | tuple | set | frozenset | deque | dict) and EXTRA in value:
            return f"the pool kept the connection anyway: self.{name} holds it, {len(value)} connections for {size}."
    taken: list[Any] = []

    def take_all() -> None:
        for _ in range(size):
            taken.append(pool.get())

    try:
        run_in_threads(take_all, [()])
    except ExerciseError as exc:
        return f"then taking all {size} connections with get() failed: " + _fix(exc).replace("your function", "get()")
    try:
        run_in_threads(lambda: [pool.put(conn) for conn in taken], [()])
    except ExerciseError as exc:
        return f"then giving all {size} connections back with put() failed: " + _fix(exc).replace(
            "your function", "put()"
        )
    if EXTRA in taken:
        return "the pool kept the connection anyway: get() handed it out afterwards."
    return ""


def check_connection_pool(connection_pool: Any) -> CheckResult:
    """Exercise 8.1: a pool that hands out at most ``size`` connections at once.

    Eight threads each take a connection with ``get()``, keep it a moment and
    give it back with ``put()``, five times, in three runs. Then, with every
    connection back, one ``put()`` more must raise ``ValueError`` and leave the
    pool as it was: the refused connection must not be kept or handed out.
    (While other connections are out, a ``BoundedSemaphore`` cannot tell an
    extra ``put()`` from a correct one, so the check does not ask for that.)
    """
    exercise = "8.1"
    if not callable(connection_pool):
        return CheckResult(
            exercise,
            False,
            "ConnectionPool is not a class.",
            "Define it with class ConnectionPool: and the methods __init__, get and put.",
        )
    most = 0
    for _ in range(RUNS):
        made: list[Any] = []
        try:
            run_in_threads(lambda made=made: made.append(connection_pool(POOL_SIZE)), [()])
        except ExerciseError as exc:
            return CheckResult(
                exercise,
                False,
                f"ConnectionPool({POOL_SIZE}) failed: " + _fix(exc),
                "Make __init__ set up the list of connections and the semaphore, nothing more.",
            )
        pool = made[0]
        guard = threading.Lock()
        inside = [0, 0]  # threads holding a connection now, and the most at once
        in_use: set[Any] = set()
        shared: list[Any] = []
        missing: list[Any] = []

        def use(
            pool: Any = pool,
            guard: threading.Lock = guard,
            inside: list[int] = inside,
            in_use: set[Any] = in_use,
            shared: list[Any] = shared,
            missing: list[Any] = missing,
        ) -> None:
            for _ in range(POOL_USES):
                conn = pool.get()
                with guard:
                    if conn is None:
                        missing.append(conn)
                    elif conn in in_use:
                        shared.append(conn)
                    in_use.add(conn)
                    inside[0] += 1
                    inside[1] = max(inside[1], inside[0])
                time.sleep(POOL_HOLD)
                with guard:
                    inside[0] -= 1
                    in_use.discard(conn)
                pool.put(conn)

        try:
            run_in_threads(use, [()] * POOL_THREADS)
        except ExerciseError as exc:
            hint = "Read the message, fix the class and run the cell again."
            if "IndexError" in str(exc):
                hint = (
                    "get() took a connection from an empty list: it must first wait for a free one. "
                    "Acquire a BoundedSemaphore(size) at the start of get() and release it at the end of put()."
                )
            elif "did not finish" in str(exc):
                hint = "Every get() takes a permit: put() must give it back with release()."
            return CheckResult(exercise, False, _fix(exc).replace("your function", "get() or put()"), hint)
        if missing:
            return CheckResult(
                exercise,
                False,
                "get() returned None instead of a connection.",
                "Return the connection you took from the list.",
            )
        if shared:
            return CheckResult(
                exercise,
                False,
                "two threads held the same connection at the same time.",
                "Take each connection out of the free list in get() and put it back in put().",
            )
        if inside[1] > POOL_SIZE:
            return CheckResult(
                exercise,
                False,
                f"more than {POOL_SIZE} threads held a connection at the same time.",
                "get() must wait while all connections are out: acquire the semaphore first.",
            )
        most = max(most, inside[1])
    if most < 2:
        return CheckResult(
            exercise,
            False,
            "the threads only ever used the pool one at a time.",
            f"A Lock lets one thread in; a semaphore with {POOL_SIZE} permits lets {POOL_SIZE} in.",
        )
    # Every connection is back: one put() more is a bug the pool should refuse, and stay as it was.
    errors: list[BaseException] = []

    def extra_put() -> None:
        try:
            pool.put(EXTRA)
        except ValueError as exc:
            errors.append(exc)

    try:
        run_in_threads(extra_put, [()])
    except ExerciseError as exc:
        cause = exc.__cause__
        what = f"{type(cause).__name__}: {cause}" if cause is not None else str(exc)
        return CheckResult(
            exercise,
            False,
            f"a put() too many raised {what} instead of ValueError.",
            "Count the free connections with a BoundedSemaphore(size) and let its ValueError reach the caller.",
        )
    if not errors:
        return CheckResult(
            exercise,
            False,
            "with every connection already back, one more put() was accepted silently: the pool now "
            "lets one more thread in than it should.",
            "Use threading.BoundedSemaphore(size): its release() raises ValueError when it would go above size.",
        )
    phantom = _phantom(pool, size=POOL_SIZE)
    if phantom:
        return CheckResult(
            exercise,
            False,
            f"put({EXTRA!r}) raised ValueError, but {phantom}",
            "In put(), release the permit first and append the connection after it, both inside the lock: "
            "if release() raises, nothing is added."
            if phantom.startswith("the pool kept")
            else "A refused put() must leave the pool as it was: release the permit first, then append.",
        )
    return CheckResult(
        exercise,
        True,
        f"in {RUNS} runs of {POOL_THREADS} threads, never more than {POOL_SIZE} held a connection, "
        "each connection had one holder at a time, and a put() with every connection back raised ValueError "
        "and left the pool as it was.",
    )


def check_phase_worker(phase_worker: Callable[..., Any]) -> CheckResult:
    """Exercise 8.2: ``phase_worker(barrier, step_one, step_two)`` keeps threads in step.

    Four threads with uneven ``step_one`` times must all finish it before any
    starts ``step_two``, in three runs. Then, with one thread missing, the
    worker must give up (``BrokenBarrierError``) instead of waiting forever, and
    not run ``step_two``.
    """
    exercise = "8.2"
    if not callable(phase_worker):
        return CheckResult(
            exercise,
            False,
            "phase_worker is not a function.",
            "Define it with def phase_worker(barrier, step_one, step_two):",
        )
    for _ in range(RUNS):
        barrier = threading.Barrier(PHASE_THREADS)
        guard = threading.Lock()
        log: list[tuple[str, int]] = []

        def make_steps(i: int, log: list[tuple[str, int]] = log, guard: threading.Lock = guard) -> tuple[Any, Any]:
            def step_one() -> None:
                time.sleep(PHASE_STEP * (i + 1))  # uneven work: thread 1 is the fastest
                with guard:
                    log.append(("one", i))

            def step_two() -> None:
                with guard:
                    log.append(("two", i))

            return step_one, step_two

        watchdog = threading.Timer(PHASE_PATIENCE, barrier.abort)
        watchdog.start()
        try:
            run_in_threads(phase_worker, [(barrier, *make_steps(i)) for i in range(PHASE_THREADS)])
        except ExerciseError as exc:
            return CheckResult(
                exercise, False, _fix(exc), "Call step_one(), then barrier.wait(timeout=1), then step_two()."
            )
        finally:
            watchdog.cancel()
            watchdog.join()
        ones = [i for kind, i in log if kind == "one"]
        twos = [i for kind, i in log if kind == "two"]
        if sorted(ones) != list(range(PHASE_THREADS)) or sorted(twos) != list(range(PHASE_THREADS)):
            return CheckResult(
                exercise,
                False,
                "each thread must call step_one() once and step_two() once.",
                "Call step_one(), then barrier.wait(timeout=1), then step_two().",
            )
        first_two = next(n for n, (kind, _) in enumerate(log) if kind == "two")
        if first_two < PHASE_THREADS:
            return CheckResult(
                exercise,
                False,
                "a thread began step_two before every thread had finished step_one.",
                "Between the two steps, wait for the others: barrier.wait(timeout=1).",
            )
    # One thread never comes: the barrier cannot fill.
    barrier = threading.Barrier(PHASE_THREADS)
    ran_two: list[int] = []
    fired = threading.Event()

    def free_them() -> None:
        fired.set()
        barrier.abort()

    watchdog = threading.Timer(PHASE_PATIENCE, free_them)
    watchdog.start()
    try:
        run_in_threads(
            phase_worker,
            [(barrier, lambda: None, lambda i=i: ran_two.append(i)) for i in range(PHASE_THREADS - 1)],
            timeout=PHASE_PATIENCE + 2,
        )
        raised = None
    except ExerciseError as exc:
        raised = exc.__cause__
    finally:
        watchdog.cancel()
        watchdog.join()
    if fired.is_set():
        return CheckResult(
            exercise,
            False,
            f"with one thread missing, your worker was still waiting after {PHASE_PATIENCE:g} s "
            "(the check then broke the barrier to free it).",
            "Give the wait a timeout, barrier.wait(timeout=1), so a missing thread cannot hang the rest.",
        )
    if ran_two:
        return CheckResult(
            exercise,
            False,
            "with one thread missing, step_two() still ran.",
            "Let the BrokenBarrierError from barrier.wait() propagate: don't catch it and carry on.",
        )
    if raised is not None and not isinstance(raised, threading.BrokenBarrierError):
        return CheckResult(
            exercise,
            False,
            f"with one thread missing, your worker raised {type(raised).__name__}.",
            "barrier.wait(timeout=1) raises BrokenBarrierError; let it propagate.",
        )
    return CheckResult(
        exercise,
        True,
        f"in {RUNS} runs no thread began step_two before all had finished step_one, and with a thread "
        "missing the others gave up instead of hanging.",
    )
