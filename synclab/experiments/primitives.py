"""Choosing a primitive (notebook 08): a semaphore in front of a pool, Events as a start gate
and a stop signal, a Barrier for phases, and what each primitive costs.

* :func:`run_pool`: threads share a pool of ``limit`` connections behind ``guard``; each use
  counts itself in and out under a lock, so the count is of threads certainly inside.
  ``extra_release=True`` plants a classic bug: the first use releases its permit twice. A
  plain semaphore then lets ``limit + 1`` in; a bounded one raises ``ValueError``, but only
  from the release that would lift its count above ``limit`` (maybe a later one, in another thread).
* :func:`run_start_gate`, :func:`run_stop_signal`, :func:`run_phases`: see each function.
* :func:`measure_overhead`: the course's one measurement of what an uncontended operation of
  each primitive costs (:data:`OPERATIONS`), with :mod:`timeit`: the fastest of several
  repeats (slower ones measure interference), minus the timing loop's own cost. Notebook 04
  quotes its ``"Lock"`` row too, so one figure has one name.
"""

from __future__ import annotations

import platform
import queue
import threading
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from synclab._threads import run_workers
from synclab._validate import MAX_THREADS, check_bool, check_choice, check_float, check_int, check_timeout
from synclab.instruments import LockEvent

#: What can stand in front of the pool.
GUARDS = ("Semaphore", "BoundedSemaphore", "none")

MAX_USES = 1_000
MAX_HOLD = 1.0

#: How long a waiting thread blocks on the semaphore before it checks whether
#: the run was stopped; it then tries again.
_POLL = 0.05


def _run_numbered(
    worker: Callable[[int], object], count: int, what: str, stop: threading.Event, timeout: float, **first: Callable
) -> float:
    """Run ``worker(1)`` .. ``worker(count)`` in threads T1..Tn, after the ``first`` threads (name=function)."""
    jobs = [*first.values(), *(lambda i=i: worker(i) for i in range(1, count + 1))]
    names = [*first, *(f"T{i}" for i in range(1, count + 1))]
    return run_workers(jobs, names=names, timeout=timeout, stop=stop, what=what)


#: One use of the pool by one thread, recorded like one acquisition of a lock:
#: ``requested`` when it asked for a permit, ``acquired`` when it had the permit
#: and counted itself as a holder, ``released`` when it stopped counting itself,
#: just before giving the permit back; ``wait`` and ``hold`` follow. Times are
#: seconds since the run began.
PoolUse = LockEvent


@dataclass(frozen=True, slots=True)
class ReleaseError:
    """A ``ValueError`` raised by a bounded semaphore's ``release()``."""

    thread: str
    extra: bool
    message: str
    time: float


@dataclass(frozen=True, slots=True)
class PoolResult:
    """What one run of :func:`run_pool` measured."""

    threads: int
    limit: int
    uses: int
    hold: float
    guard: str
    extra_release: bool
    changes: tuple[tuple[float, int], ...]
    pool_uses: tuple[PoolUse, ...]
    release_errors: tuple[ReleaseError, ...]
    permits_after: int | None
    elapsed: float
    python: str

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
    """Let ``threads`` threads share a pool that only ``limit`` may use at once.

    At the defaults (8 threads, a limit of 3, 4 uses of 3 ms each) the holder
    count reaches 3 and never more on every run; with ``guard="none"`` it goes
    above 3; with ``extra_release=True`` a plain semaphore lets 4 in.
    """
    threads = check_int("threads", threads, 1, MAX_THREADS)
    limit = check_int("limit", limit, 1, MAX_THREADS)
    uses = check_int("uses", uses, 1, MAX_USES)
    hold = check_float("hold", hold, 0.0, MAX_HOLD)
    guard = check_choice("guard", guard, GUARDS)
    extra_release = check_bool("extra_release", extra_release)
    timeout = check_timeout(timeout)
    if extra_release and guard == "none":
        raise ValueError("extra_release=True needs a semaphore to release: use guard='Semaphore' or 'BoundedSemaphore'")

    semaphore: threading.Semaphore | None
    if guard == "Semaphore":
        semaphore = threading.Semaphore(limit)
    elif guard == "BoundedSemaphore":
        semaphore = threading.BoundedSemaphore(limit)
    else:
        semaphore = None
    meta = threading.Lock()  # guards the holder count and the records below
    holders = [0]
    changes: list[tuple[float, int]] = []
    pool_uses: list[PoolUse] = []
    release_errors: list[ReleaseError] = []
    stop = threading.Event()
    clock = time.perf_counter
    origin = [0.0]

    def count(step: int) -> tuple[float, bool]:
        """Change the holder count; return the time and whether this is the very first use."""
        with meta:
            first = not changes
            holders[0] += step
            now = clock() - origin[0]
            changes.append((now, holders[0]))
        return now, first

    def release(name: str, extra: bool) -> None:
        assert semaphore is not None
        try:
            semaphore.release()
        except ValueError as exc:  # only a BoundedSemaphore raises it
            with meta:
                release_errors.append(ReleaseError(name, extra, str(exc), clock() - origin[0]))

    def work(index: int) -> None:
        name = f"T{index}"
        for _ in range(uses):
            if stop.is_set():
                return
            requested = clock() - origin[0]
            if semaphore is not None:
                while not semaphore.acquire(timeout=_POLL):
                    if stop.is_set():
                        return
            acquired, first = count(+1)
            time.sleep(hold)  # using the pooled connection
            released, _ = count(-1)
            with meta:
                pool_uses.append(PoolUse(name, requested, acquired, released))
            if semaphore is not None:
                release(name, extra=False)
                if extra_release and first:
                    release(name, extra=True)  # the bug: a second release

    origin[0] = clock()
    elapsed = _run_numbered(work, threads, "run_pool", stop, timeout)
    permits_after = None
    if semaphore is not None:
        permits_after = 0
        while permits_after <= limit + threads and semaphore.acquire(blocking=False):
            permits_after += 1
    return PoolResult(
        threads=threads,
        limit=limit,
        uses=uses,
        hold=hold,
        guard=guard,
        extra_release=extra_release,
        changes=tuple(changes),
        pool_uses=tuple(pool_uses),
        release_errors=tuple(release_errors),
        permits_after=permits_after,
        elapsed=elapsed,
        python=platform.python_version(),
    )


#: The most workers of the signalling experiments.
MAX_SIGNALLED = 32
#: How a stop-signal worker waits between jobs.
STOP_WAITS = ("event", "sleep")


# -- Event as a start gate ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class GateThread:
    """One worker of :func:`run_start_gate`. Times are seconds since the run began."""

    thread: str
    ready: float
    began: float
    ended: float
    seen_steps: int


@dataclass(frozen=True, slots=True)
class GateResult:
    """What one run of :func:`run_start_gate` measured."""

    workers: int
    setup_steps: int
    step: float
    use_gate: bool
    setup_began: float
    setup_done: float
    threads: tuple[GateThread, ...]
    elapsed: float

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
    """Workers that must not begin before setup is done, with or without a gate.

    A ``setup`` thread performs ``setup_steps`` steps of ``step`` seconds each,
    then calls ``gate.set()``. Each worker, once running, waits at
    ``gate.wait()`` (if ``use_gate``), reads how many setup steps are done, and
    works for ``work`` seconds. With the gate every worker reads all the steps,
    on every run; without it, workers begin while setup is still going.
    """
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
    records: dict[str, GateThread] = {}
    clock = time.perf_counter
    origin = clock()

    def setup() -> None:
        setup_times[0] = clock() - origin
        for _ in range(setup_steps):
            if stop.is_set():
                return
            time.sleep(step)  # loading a file, filling a cache...
            with guard:
                done[0] += 1
        setup_times[1] = clock() - origin
        gate.set()

    def worker(index: int) -> None:
        ready = clock() - origin
        if use_gate:
            while not gate.wait(_POLL):  # bounded, so a stopped run ends
                if stop.is_set():
                    return
        began = clock() - origin
        with guard:
            seen = done[0]
        time.sleep(work)
        records[index] = GateThread(f"T{index}", ready, began, clock() - origin, seen)

    elapsed = _run_numbered(worker, workers, "run_start_gate", stop, timeout, setup=setup)
    return GateResult(
        workers=workers,
        setup_steps=setup_steps,
        step=step,
        use_gate=use_gate,
        setup_began=setup_times[0],
        setup_done=setup_times[1],
        threads=tuple(records[i] for i in range(1, workers + 1)),
        elapsed=elapsed,
    )


# -- Event as a stop signal ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class StopThread:
    """One worker of :func:`run_stop_signal`. Times are seconds since the run began."""

    thread: str
    jobs: int
    last_job: float
    exited: float


@dataclass(frozen=True, slots=True)
class StopResult:
    """What one run of :func:`run_stop_signal` measured."""

    threads: int
    period: float
    run_for: float
    wait: str
    signalled: float
    workers: tuple[StopThread, ...]
    elapsed: float

    @property
    def latencies(self) -> tuple[float, ...]:
        """Seconds from ``shutdown.set()`` until each worker had left its loop."""
        return tuple(w.exited - self.signalled for w in self.workers)

    @property
    def max_latency(self) -> float:
        """Seconds until the last worker had stopped."""
        return max(self.latencies)


def run_stop_signal(
    threads: int = 3,
    wait: str = "event",
    period: float = 0.1,
    run_for: float = 0.15,
    *,
    timeout: float = 30.0,
) -> StopResult:
    """Workers doing a job every ``period`` seconds until told to stop.

    Each worker runs ``while not shutdown.is_set(): job(); <wait period>``. A
    ``stopper`` thread sets ``shutdown`` after ``run_for`` seconds. With
    ``wait="event"`` the wait is ``shutdown.wait(period)``, which returns as soon
    as the event is set; with ``wait="sleep"`` it is ``time.sleep(period)``,
    which does not. At the defaults the sleeping workers are in the middle of a
    100 ms nap when the signal comes, so they stop about 50 ms late.
    """
    threads = check_int("threads", threads, 1, MAX_SIGNALLED)
    wait = check_choice("wait", wait, STOP_WAITS)
    period = check_float("period", period, 0.001, 1.0)
    run_for = check_float("run_for", run_for, 0.0, 5.0)
    timeout = check_timeout(timeout)

    shutdown = threading.Event()
    stop = threading.Event()  # run_workers' own: set on error or timeout
    signalled = [0.0]
    records: dict[str, StopThread] = {}
    clock = time.perf_counter
    origin = clock()

    def stopper() -> None:
        stop.wait(run_for)  # returns early only if the run is being stopped
        signalled[0] = clock() - origin
        shutdown.set()

    def worker(index: int) -> None:
        jobs = 0
        last_job = 0.0
        while not shutdown.is_set():
            jobs += 1  # the job: checking a queue, writing a heartbeat...
            last_job = clock() - origin
            if wait == "event":
                shutdown.wait(period)
            else:
                time.sleep(period)
        records[index] = StopThread(f"T{index}", jobs, last_job, clock() - origin)

    elapsed = _run_numbered(worker, threads, "run_stop_signal", stop, timeout, stopper=stopper)
    return StopResult(
        threads=threads,
        period=period,
        run_for=run_for,
        wait=wait,
        signalled=signalled[0],
        workers=tuple(records[i] for i in range(1, threads + 1)),
        elapsed=elapsed,
    )


# -- Barrier for phases -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseSpan:
    """One thread's work on one phase. Times are seconds since the run began."""

    thread: str
    phase: int
    started: float
    finished: float


@dataclass(frozen=True, slots=True)
class PhaseResult:
    """What one run of :func:`run_phases` measured."""

    threads: int
    phases: int
    work: float
    use_barrier: bool
    quitter: bool
    barrier_timeout: float
    spans: tuple[PhaseSpan, ...]
    released: tuple[float, ...]
    broken: tuple[tuple[str, int, float], ...]
    elapsed: float

    @property
    def overlapping(self) -> bool:
        """Whether some thread began a phase before another had finished the previous one."""
        finished: dict[int, float] = {}
        started: dict[int, float] = {}
        for span in self.spans:
            finished[span.phase] = max(finished.get(span.phase, span.finished), span.finished)
            started[span.phase] = min(started.get(span.phase, span.started), span.started)
        return any(started[p] < finished[p - 1] for p in started if p - 1 in finished)

    @property
    def completed(self) -> int:
        """Phases that every thread finished."""
        by_phase: dict[int, int] = {}
        for span in self.spans:
            by_phase[span.phase] = by_phase.get(span.phase, 0) + 1
        return sum(1 for count in by_phase.values() if count == self.threads)


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
    """Threads with uneven work going through phases, with or without a barrier.

    Tn works ``n * work`` s per phase. With ``use_barrier`` each waits at
    ``barrier.wait(barrier_timeout)`` after each phase, so nobody begins phase k + 1 before all
    finished phase k; without it the fast ones run ahead. ``quitter=True``: the last thread
    leaves after phase 1 and the others get :class:`threading.BrokenBarrierError` instead of a hang.
    """
    threads = check_int("threads", threads, 1, MAX_SIGNALLED)
    phases = check_int("phases", phases, 1, 100)
    work = check_float("work", work, 0.0, 0.1)
    use_barrier = check_bool("use_barrier", use_barrier)
    quitter = check_bool("quitter", quitter)
    barrier_timeout = check_float("barrier_timeout", barrier_timeout, 0.01, 10.0)
    timeout = check_timeout(timeout)
    if quitter and (not use_barrier or threads < 2):
        raise ValueError(f"quitter=True needs use_barrier=True and at least 2 threads, got threads={threads}")

    clock = time.perf_counter
    origin = clock()
    guard = threading.Lock()
    spans: list[PhaseSpan] = []
    released: list[float] = []
    broken: list[tuple[str, int, float]] = []
    stop = threading.Event()
    # The action runs in one thread once all have arrived, before any is let through.
    barrier = threading.Barrier(threads, action=lambda: released.append(clock() - origin))

    def worker(index: int) -> None:
        name = f"T{index}"
        for phase in range(1, phases + 1):
            if stop.is_set():
                return
            started = clock() - origin
            time.sleep(work * index)  # this phase's share of the job
            with guard:
                spans.append(PhaseSpan(name, phase, started, clock() - origin))
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

    elapsed = _run_numbered(worker, threads, "run_phases", stop, timeout)
    return PhaseResult(
        threads=threads,
        phases=phases,
        work=work,
        use_barrier=use_barrier,
        quitter=quitter,
        barrier_timeout=barrier_timeout,
        spans=tuple(spans),
        released=tuple(released),
        broken=tuple(broken),
        elapsed=elapsed,
    )


#: ``(row name, code timed, what is measured)``, in table order.
OPERATIONS: tuple[tuple[str, str, str], ...] = (
    ("Lock", "with lock: pass", "uncontended acquire + release"),
    ("RLock", "with rlock: pass", "uncontended acquire + release"),
    ("Condition", "with cond: cond.notify()", "acquire, notify() with no waiter, release"),
    ("Semaphore", "with sem: pass", "take + give back a free permit"),
    ("Event", "event.set(); event.clear()", "set() + clear(), nobody waiting"),
    ("Event.is_set", "event.is_set()", "read the flag (polling)"),
    ("Queue", "q.put(None); q.get()", "put() + get() of one item, nobody waiting"),
)

#: A comparison table that many tutorials repeat, ``name -> (use case, reentrant,
#: overhead)``: the claims the measured table is set against.
COMMON_CLAIMS: dict[str, tuple[str, str, str]] = {
    "Lock": ("Protecting shared data", "No", "Low"),
    "RLock": ("Recursive functions, complex state", "Yes", "Low"),
    "Condition": ("Producer-consumer, signaling", "N/A", "Medium"),
    "Semaphore": ("Limiting concurrent access", "No", "Low"),
    "Event": ("One-way signaling (simple condition)", "N/A", "Very low"),
}


@dataclass(frozen=True, slots=True)
class PrimitiveCost:
    """The measured cost of one operation."""

    name: str
    code: str
    measures: str
    seconds: float
    repeats: tuple[float, ...]
    reentrant: bool | None


@dataclass(frozen=True, slots=True)
class OverheadResult:
    """What :func:`measure_overhead` measured."""

    costs: tuple[PrimitiveCost, ...]
    number: int
    loop_seconds: float
    python: str
    implementation: str

    def cost(self, name: str) -> PrimitiveCost:
        """The row called ``name``."""
        for cost in self.costs:
            if cost.name == name:
                return cost
        raise KeyError(f"no row {name!r}; rows are {', '.join(c.name for c in self.costs)}")

    def relative(self, name: str) -> float:
        """How many times a ``Lock`` the row called ``name`` costs."""
        lock = self.cost("Lock").seconds
        return self.cost(name).seconds / lock if lock > 0 else float("inf")


def _holder_can_reenter(primitive: Any) -> bool:
    """Take ``primitive``, then try to take it again without blocking; undo both."""
    primitive.acquire()
    try:
        again = primitive.acquire(blocking=False)
        if again:
            primitive.release()
        return again
    finally:
        primitive.release()


def measure_overhead(number: int = 5_000, repeats: int = 20) -> OverheadResult:
    """Time one typical uncontended operation of each primitive, in this thread.

    Takes about ``number * repeats * 7 µs`` (0.7 s at the defaults).
    """
    number = check_int("number", number, 100, 1_000_000)
    repeats = check_int("repeats", repeats, 1, 100)
    namespace = {
        "lock": threading.Lock(),
        "rlock": threading.RLock(),
        "cond": threading.Condition(),  # its default lock is an RLock
        "sem": threading.Semaphore(1),
        "event": threading.Event(),
        "q": queue.Queue(),
    }
    reentrant: dict[str, bool | None] = {
        "Lock": _holder_can_reenter(threading.Lock()),
        "RLock": _holder_can_reenter(threading.RLock()),
        "Condition": _holder_can_reenter(threading.Condition()),
        "Semaphore": _holder_can_reenter(threading.Semaphore(1)),
    }

    def per_op(code: str) -> list[float]:
        return [t / number for t in timeit.Timer(code, globals=namespace).repeat(repeats, number)]

    loop = min(per_op("pass"))
    costs = []
    for name, code, measures in OPERATIONS:
        times = per_op(code)
        costs.append(
            PrimitiveCost(
                name=name,
                code=code,
                measures=measures,
                seconds=max(0.0, min(times) - loop),
                repeats=tuple(times),
                reentrant=reentrant.get(name),
            )
        )
    return OverheadResult(
        costs=tuple(costs),
        number=number,
        loop_seconds=loop,
        python=platform.python_version(),
        implementation=platform.python_implementation(),
    )
