"""Choosing a primitive (notebook 08): a semaphore in front of a pool, Events as a start gate and a stop signal, a
Barrier for phases. Bookkeeping, per-thread records, what each primitive costs: ``synclab/_threads/primitives.py``."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass

from synclab._threads import POLL_SECONDS, run_threads
from synclab._threads.primitives import GateThread, PhaseSpan, PoolLog, ReleaseError, StopThread, stopwatch
from synclab._validate import MAX_THREADS, check_bool, check_choice, check_float, check_int, check_timeout
from synclab.instruments import LockEvent

GUARDS = ("Semaphore", "BoundedSemaphore", "none")
#: The most workers of the signalling experiments.
MAX_SIGNALLED = 32


@dataclass(frozen=True, slots=True)
class PoolResult:
    """What one run of :func:`run_pool` measured."""

    threads: int
    limit: int
    uses: int
    guard: str
    extra_release: bool
    changes: tuple[tuple[float, int], ...]
    pool_uses: tuple[LockEvent, ...]
    release_errors: tuple[ReleaseError, ...]
    permits_after: int | None
    elapsed: float

    @property
    def max_holders(self) -> int:
        """The most threads that used the pool at the same time."""
        return max((holders for _, holders in self.changes), default=0)

    @property
    def exceeded(self) -> bool:
        """Whether more than ``limit`` threads ever used the pool at once."""
        return self.max_holders > self.limit

    @property
    def total_uses(self) -> int:
        """Uses of the pool completed (``threads * uses`` when nothing stopped the run)."""
        return len(self.pool_uses)


def run_pool(
    threads: int = 8,
    limit: int = 3,
    uses: int = 4,
    hold: float = 0.003,
    guard: str = "Semaphore",
    extra_release: bool = False,
    *,
    timeout: float = 30.0,
) -> PoolResult:
    """Let ``threads`` threads share a pool that only ``limit`` may use at once. At the defaults 3 use it at once,
    never more, on every run; above 3 with ``guard="none"``; 4 with ``extra_release=True`` (a second release)."""
    threads = check_int("threads", threads, 1, MAX_THREADS)
    limit = check_int("limit", limit, 1, MAX_THREADS)
    uses = check_int("uses", uses, 1, 1_000)
    hold = check_float("hold", hold, 0.0, 1.0)
    guard = check_choice("guard", guard, GUARDS)
    extra_release = check_bool("extra_release", extra_release)
    timeout = check_timeout(timeout)
    if extra_release and guard == "none":
        raise ValueError("extra_release=True needs a semaphore to release: use guard='Semaphore' or 'BoundedSemaphore'")

    semaphore = None if guard == "none" else getattr(threading, guard)(limit)  # Semaphore(3) or BoundedSemaphore(3)
    log = PoolLog()  # the holder count, the uses and refused releases, under a lock of its own
    stop = threading.Event()

    def work(index: int) -> None:
        name = f"T{index}"
        for _ in range(uses):
            if stop.is_set():
                return
            requested = log.clock()
            while semaphore is not None and not semaphore.acquire(timeout=POLL_SECONDS):
                if stop.is_set():
                    return
            acquired, first = log.count(+1)
            time.sleep(hold)  # using the pooled connection
            log.done(name, requested, acquired)
            if semaphore is not None:
                log.release(semaphore, name, extra=False)
                if extra_release and first:
                    log.release(semaphore, name, extra=True)  # the bug: a second release

    elapsed, _ = run_threads(work, threads, "run_pool", stop, timeout)
    return PoolResult(threads, limit, uses, guard, extra_release, *log.records(semaphore), elapsed)


@dataclass(frozen=True, slots=True)
class GateResult:
    """What one run of :func:`run_start_gate` measured."""

    workers: int
    setup_steps: int
    use_gate: bool
    setup_began: float
    setup_done: float
    threads: tuple[GateThread, ...]

    @property
    def early(self) -> tuple[str, ...]:
        """Workers that began before setup was complete."""
        return tuple(t.thread for t in self.threads if t.seen_steps < self.setup_steps)


def run_start_gate(
    workers: int = 4,
    use_gate: bool = True,
    setup_steps: int = 10,
    step: float = 0.001,
    work: float = 0.002,
    *,
    timeout: float = 30.0,
) -> GateResult:
    """Workers that must not begin before a ``setup`` thread's ``setup_steps`` steps are done. With ``use_gate``
    each waits at ``gate.wait()`` until setup calls ``gate.set()`` and sees every step; without, they begin early."""
    workers = check_int("workers", workers, 1, MAX_SIGNALLED)
    use_gate = check_bool("use_gate", use_gate)
    setup_steps = check_int("setup_steps", setup_steps, 1, 1_000)
    step = check_float("step", step, 0.0, 0.1)
    work = check_float("work", work, 0.0, 1.0)
    timeout = check_timeout(timeout)

    gate = threading.Event()
    stop = threading.Event()
    guard = threading.Lock()
    done = [0]
    setup_times = [0.0, 0.0]
    clock = stopwatch()

    def setup() -> None:
        setup_times[0] = clock()
        for _ in range(setup_steps):
            if stop.is_set():
                return
            time.sleep(step)  # loading a file, filling a cache...
            with guard:
                done[0] += 1
        setup_times[1] = clock()
        gate.set()

    def worker(index: int) -> GateThread | None:
        ready = clock()
        if use_gate:
            while not gate.wait(POLL_SECONDS):  # bounded, so a stopped run ends
                if stop.is_set():
                    return None
        began = clock()
        with guard:
            seen = done[0]
        time.sleep(work)
        return GateThread(f"T{index}", ready, began, clock(), seen)

    _, threads = run_threads(worker, workers, "run_start_gate", stop, timeout, setup=setup)
    return GateResult(workers, setup_steps, use_gate, *setup_times, threads)


@dataclass(frozen=True, slots=True)
class StopResult:
    """What one run of :func:`run_stop_signal` measured."""

    period: float
    wait: str
    signalled: float
    workers: tuple[StopThread, ...]

    @property
    def latencies(self) -> tuple[float, ...]:
        """Seconds from ``shutdown.set()`` until each worker had left its loop."""
        return tuple(w.exited - self.signalled for w in self.workers)

    @property
    def max_latency(self) -> float:
        """Seconds until the last worker had stopped."""
        return max(self.latencies)


def run_stop_signal(
    threads: int = 3, wait: str = "event", period: float = 0.1, run_for: float = 0.15, *, timeout: float = 30.0
) -> StopResult:
    """Workers doing a job every ``period`` seconds until a ``stopper`` thread sets ``shutdown`` after ``run_for``,
    waiting with ``shutdown.wait(period)`` (``wait="event"``) or ``time.sleep(period)``, about 50 ms late here."""
    threads = check_int("threads", threads, 1, MAX_SIGNALLED)
    wait = check_choice("wait", wait, ("event", "sleep"))
    period = check_float("period", period, 0.001, 1.0)
    run_for = check_float("run_for", run_for, 0.0, 5.0)
    timeout = check_timeout(timeout)

    shutdown = threading.Event()
    stop = threading.Event()  # run_workers' own: set on error or timeout
    signalled = [0.0]
    clock = stopwatch()

    def stopper() -> None:
        stop.wait(run_for)  # returns early only if the run is being stopped
        signalled[0] = clock()
        shutdown.set()

    pause = shutdown.wait if wait == "event" else time.sleep  # only shutdown.wait() returns early when set

    def worker(index: int) -> StopThread:
        jobs, last_job = 0, 0.0
        while not shutdown.is_set():
            jobs += 1  # the job: checking a queue, writing a heartbeat...
            last_job = clock()
            pause(period)
        return StopThread(f"T{index}", jobs, last_job, clock())

    _, workers = run_threads(worker, threads, "run_stop_signal", stop, timeout, stopper=stopper)
    return StopResult(period, wait, signalled[0], workers)


@dataclass(frozen=True, slots=True)
class PhaseResult:
    """What one run of :func:`run_phases` measured."""

    threads: int
    use_barrier: bool
    barrier_timeout: float
    spans: tuple[PhaseSpan, ...]
    released: tuple[float, ...]
    broken: tuple[tuple[str, int, float], ...]

    @property
    def overlapping(self) -> bool:
        """Whether some thread began a phase before another had finished the previous one."""
        finished = {p: max(s.finished for s in self.spans if s.phase == p) for p in {s.phase for s in self.spans}}
        return any(s.started < finished[s.phase - 1] for s in self.spans if s.phase - 1 in finished)

    @property
    def completed(self) -> int:
        """Phases that every thread finished."""
        return sum(1 for count in Counter(s.phase for s in self.spans).values() if count == self.threads)


def run_phases(
    threads: int = 4,
    phases: int = 3,
    work: float = 0.002,
    use_barrier: bool = True,
    quitter: bool = False,
    *,
    barrier_timeout: float = 0.2,
    timeout: float = 30.0,
) -> PhaseResult:
    """Threads with uneven work (Tn works ``n * work`` s a phase) going through phases; with ``use_barrier`` each
    waits at ``barrier.wait(barrier_timeout)`` after each, so nobody begins phase k + 1 before all finished phase k.
    ``quitter=True``: the last thread leaves after phase 1; the others get BrokenBarrierError instead of a hang."""
    threads = check_int("threads", threads, 1, MAX_SIGNALLED)
    phases = check_int("phases", phases, 1, 100)
    work = check_float("work", work, 0.0, 0.1)
    use_barrier = check_bool("use_barrier", use_barrier)
    quitter = check_bool("quitter", quitter)
    barrier_timeout = check_float("barrier_timeout", barrier_timeout, 0.01, 10.0)
    timeout = check_timeout(timeout)
    if quitter and (not use_barrier or threads < 2):
        raise ValueError(f"quitter=True needs use_barrier=True and at least 2 threads, got threads={threads}")

    clock = stopwatch()
    guard = threading.Lock()
    spans: list[PhaseSpan] = []
    released: list[float] = []
    broken: list[tuple[str, int, float]] = []
    stop = threading.Event()
    # The action runs in one thread once all have arrived, before any is let through.
    barrier = threading.Barrier(threads, action=lambda: released.append(clock()))

    def worker(index: int) -> None:
        name = f"T{index}"
        for phase in range(1, phases + 1):
            if stop.is_set():
                return
            started = clock()
            time.sleep(work * index)  # this phase's share of the job
            with guard:
                spans.append(PhaseSpan(name, phase, started, clock()))
            if quitter and index == threads and phase == 1:
                return  # leaves without telling anyone (barrier.abort() would be kinder)
            if use_barrier:
                arrived = clock()
                try:
                    barrier.wait(barrier_timeout)
                except threading.BrokenBarrierError:
                    with guard:
                        broken.append((name, phase, clock() - arrived))
                    return

    run_threads(worker, threads, "run_phases", stop, timeout)
    return PhaseResult(threads, use_barrier, barrier_timeout, tuple(spans), tuple(released), tuple(broken))
