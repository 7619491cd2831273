"""Signalling experiments of notebook 08: an Event as a start gate and as a stop
signal, and a Barrier that keeps threads in step through phases.

* :func:`run_start_gate`: a ``setup`` thread prepares shared data in a few
  steps while worker threads are ready to go. With the gate
  (:class:`threading.Event`), the workers wait until setup calls ``gate.set()``
  and every one of them sees the data complete; without it they begin at once
  and read it half-prepared.
* :func:`run_stop_signal`: workers do a small job every ``period`` seconds
  until a ``stopper`` thread sets a shutdown event. A worker that waits with
  ``shutdown.wait(period)`` wakes as soon as the event is set; one that waits
  with ``time.sleep(period)`` finishes its nap first.
* :func:`run_phases`: threads with uneven work go through several phases.
  With a :class:`threading.Barrier` no thread starts a phase before all have
  finished the previous one; without it the fast ones run ahead. With
  ``quitter=True`` one thread leaves after the first phase, and the barrier's
  timeout turns what would be a hang into :class:`threading.BrokenBarrierError`
  in the others.

Every run goes through :func:`synclab._threads.run_workers`: named threads, a
barrier start, a deadline, and every thread joined. Waits are bounded
(``Event.wait(timeout)``, ``Barrier.wait(timeout)``) so nothing can hang.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from synclab._threads import run_workers
from synclab._validate import check_bool, check_choice, check_float, check_int

__all__ = [
    "STOP_WAITS",
    "GateResult",
    "GateThread",
    "PhaseResult",
    "PhaseSpan",
    "StopResult",
    "StopThread",
    "run_phases",
    "run_start_gate",
    "run_stop_signal",
]

MAX_THREADS = 32
#: How a stop-signal worker waits between jobs.
STOP_WAITS = ("event", "sleep")
#: How often a thread blocked on an event re-checks whether the run was stopped.
_POLL = 0.05


# -- Event as a start gate ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class GateThread:
    """One worker of :func:`run_start_gate`. Times are seconds since the run began.

    Attributes:
        thread: The worker's name.
        ready: When it was running and ready to begin (before the gate).
        began: When it began its work (after the gate, if there was one).
        ended: When it finished its work.
        seen_steps: Setup steps complete when it began, as it read them.
    """

    thread: str
    ready: float
    began: float
    ended: float
    seen_steps: int


@dataclass(frozen=True, slots=True)
class GateResult:
    """What one run of :func:`run_start_gate` measured.

    Attributes:
        workers: Number of worker threads.
        setup_steps: Steps the setup thread performs.
        step: Seconds each setup step takes.
        use_gate: Whether the workers waited for ``gate.set()``.
        setup_began: When setup started, seconds since the run began.
        setup_done: When setup finished (and, with the gate, opened it).
        threads: Each worker, in name order.
        elapsed: Seconds from the start signal until the last thread finished.
    """

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

    Args:
        workers: Worker threads, 1 to 32.
        use_gate: Make the workers wait for the gate.
        setup_steps: Setup steps, 1 to 1,000.
        step: Seconds per setup step, 0 to 0.1.
        work: Seconds each worker works, 0 to 1.
        timeout: Seconds the run may take (0.1 to 600).

    Returns:
        A :class:`GateResult`.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range.
        TimeoutError: The run took longer than ``timeout``.
    """
    workers = check_int("workers", workers, 1, MAX_THREADS)
    use_gate = check_bool("use_gate", use_gate)
    setup_steps = check_int("setup_steps", setup_steps, 1, 1_000)
    step = check_float("step", step, 0.0, 0.1)
    work = check_float("work", work, 0.0, 1.0)
    timeout = check_float("timeout", timeout, 0.1, 600.0)

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

    def worker(name: str) -> None:
        ready = clock() - origin
        if use_gate:
            while not gate.wait(_POLL):  # bounded, so a stopped run ends
                if stop.is_set():
                    return
        began = clock() - origin
        with guard:
            seen = done[0]
        time.sleep(work)
        records[name] = GateThread(name, ready, began, clock() - origin, seen)

    names = [f"T{i}" for i in range(1, workers + 1)]
    elapsed = run_workers(
        [setup, *(lambda name=name: worker(name) for name in names)],
        names=["setup", *names],
        timeout=timeout,
        stop=stop,
        what="run_start_gate",
    )
    return GateResult(
        workers=workers,
        setup_steps=setup_steps,
        step=step,
        use_gate=use_gate,
        setup_began=setup_times[0],
        setup_done=setup_times[1],
        threads=tuple(records[name] for name in names),
        elapsed=elapsed,
    )


# -- Event as a stop signal ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class StopThread:
    """One worker of :func:`run_stop_signal`. Times are seconds since the run began.

    Attributes:
        thread: The worker's name.
        jobs: Jobs it did before it stopped.
        last_job: When it did its last job (and began its last wait).
        exited: When it left its loop.
    """

    thread: str
    jobs: int
    last_job: float
    exited: float


@dataclass(frozen=True, slots=True)
class StopResult:
    """What one run of :func:`run_stop_signal` measured.

    Attributes:
        threads: Number of worker threads.
        period: Seconds between a worker's jobs.
        run_for: Seconds after which the stopper set the shutdown event.
        wait: ``"event"`` (``shutdown.wait(period)``) or ``"sleep"`` (``time.sleep(period)``).
        signalled: When ``shutdown.set()`` was called, seconds since the run began.
        workers: Each worker, in name order.
        elapsed: Seconds from the start signal until the last thread finished.
    """

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

    Args:
        threads: Worker threads, 1 to 32.
        wait: ``"event"`` or ``"sleep"``.
        period: Seconds between jobs, 0.001 to 1.
        run_for: Seconds before the stop signal, 0 to 5.
        timeout: Seconds the run may take (0.1 to 600).

    Returns:
        A :class:`StopResult`.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range.
        TimeoutError: The run took longer than ``timeout``.
    """
    threads = check_int("threads", threads, 1, MAX_THREADS)
    wait = check_choice("wait", wait, STOP_WAITS)
    period = check_float("period", period, 0.001, 1.0)
    run_for = check_float("run_for", run_for, 0.0, 5.0)
    timeout = check_float("timeout", timeout, 0.1, 600.0)

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

    def worker(name: str) -> None:
        jobs = 0
        last_job = 0.0
        while not shutdown.is_set():
            jobs += 1  # the job: checking a queue, writing a heartbeat...
            last_job = clock() - origin
            if wait == "event":
                shutdown.wait(period)
            else:
                time.sleep(period)
        records[name] = StopThread(name, jobs, last_job, clock() - origin)

    names = [f"T{i}" for i in range(1, threads + 1)]
    elapsed = run_workers(
        [stopper, *(lambda name=name: worker(name) for name in names)],
        names=["stopper", *names],
        timeout=timeout,
        stop=stop,
        what="run_stop_signal",
    )
    return StopResult(
        threads=threads,
        period=period,
        run_for=run_for,
        wait=wait,
        signalled=signalled[0],
        workers=tuple(records[name] for name in names),
        elapsed=elapsed,
    )


# -- Barrier for phases -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseSpan:
    """One thread's work on one phase. Times are seconds since the run began.

    Attributes:
        thread: The thread's name.
        phase: The phase, counted from 1.
        started: When it began the phase.
        finished: When it finished the phase's work (before waiting at the barrier).
    """

    thread: str
    phase: int
    started: float
    finished: float


@dataclass(frozen=True, slots=True)
class PhaseResult:
    """What one run of :func:`run_phases` measured.

    Attributes:
        threads: Number of threads.
        phases: Phases each thread was to go through.
        work: Seconds of work per phase for T1; Tn works ``n`` times as long.
        use_barrier: Whether threads waited at a barrier after each phase.
        quitter: Whether the last thread left after phase 1.
        barrier_timeout: Seconds a thread waited at the barrier at most.
        spans: Every phase every thread worked on, in the order they finished.
        released: When the barrier let everyone through, once per completed phase.
        broken: ``(thread, phase, seconds waited)`` for each thread that got
            :class:`threading.BrokenBarrierError`.
        elapsed: Seconds from the start signal until the last thread finished.
    """

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

    Thread Tn works ``n * work`` seconds in each phase (a sleep), so T1 is the
    fastest. With ``use_barrier`` each thread calls
    ``barrier.wait(barrier_timeout)`` after each phase: nobody begins phase
    k + 1 until all have finished phase k, on every run. Without it, T1 is done
    with the last phase while the slowest is still in the first ones.

    ``quitter=True`` makes the last thread leave after phase 1 (as a thread that
    crashed would). The others wait at the barrier for ``barrier_timeout``
    seconds, then get :class:`threading.BrokenBarrierError` and stop, instead of
    waiting forever.

    Args:
        threads: Threads, 1 to 32 (2 or more for ``quitter``).
        phases: Phases, 1 to 100.
        work: Seconds of work per phase for T1, 0 to 0.1.
        use_barrier: Wait at a barrier between phases.
        quitter: Let the last thread leave after phase 1 (needs the barrier).
        barrier_timeout: Seconds to wait at the barrier at most, 0.01 to 10.
        timeout: Seconds the run may take (0.1 to 600).

    Returns:
        A :class:`PhaseResult`.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range, or ``quitter`` was asked for
            without a barrier or with one thread.
        TimeoutError: The run took longer than ``timeout``.
    """
    threads = check_int("threads", threads, 1, MAX_THREADS)
    phases = check_int("phases", phases, 1, 100)
    work = check_float("work", work, 0.0, 0.1)
    use_barrier = check_bool("use_barrier", use_barrier)
    quitter = check_bool("quitter", quitter)
    barrier_timeout = check_float("barrier_timeout", barrier_timeout, 0.01, 10.0)
    timeout = check_float("timeout", timeout, 0.1, 600.0)
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

    elapsed = run_workers(
        [lambda i=i: worker(i) for i in range(1, threads + 1)],
        names=[f"T{i}" for i in range(1, threads + 1)],
        timeout=timeout,
        stop=stop,
        what="run_phases",
    )
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
