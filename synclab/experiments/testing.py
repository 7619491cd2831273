"""Testing threaded code (notebook 10): run a test many times, livelock and starvation.

:func:`repeat_test` runs a pytest-style test many times under a watchdog (:func:`cache_test` writes one
technique by technique); :func:`run_livelock`: polite threads in forced lockstep retry for ever;
:func:`run_starvation`: greedy threads leave a polite one few turns of a lock unless it is a FIFO one.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from synclab._threads import run_threads, run_workers
from synclab._threads import switch_interval as _switch_interval
from synclab._threads.testing import FifoLock, judge_run, name_of
from synclab._validate import MAX_VALUES, check_bool, check_choice, check_float, check_int, check_timeout
from synclab.instruments import InstrumentedLock, LockStatistics

# -- many runs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepeatResult:
    """What :func:`repeat_test` saw: how each run of one test against one target ended."""

    test: str
    target: str
    outcomes: tuple[str, ...]  # "passed", "failed" (an AssertionError), "error" or "hung"
    first_problem: str
    thread_errors: int  # runs in which a thread of the test's own raised
    seconds: tuple[float, ...]

    @property
    def runs(self) -> int:
        return len(self.outcomes)

    @property
    def passed(self) -> int:
        return self.outcomes.count("passed")

    @property
    def failed(self) -> int:
        return self.outcomes.count("failed")

    @property
    def errors(self) -> int:
        return self.outcomes.count("error")

    @property
    def hung(self) -> int:
        return self.outcomes.count("hung")


def repeat_test(test: Callable[[Any], object], target: Any, *, runs: int = 100, timeout: float = 2.0) -> RepeatResult:
    """Run ``test(target)`` ``runs`` times and count how each run ended.

    A test is written like a pytest test: it returns to pass and raises (``assert``) to fail. Each run is in
    a thread of its own under a watchdog: a run longer than ``timeout`` is stopped, with the threads it
    started, and counted as hung. Exceptions in the test's own threads are counted, not printed; a switch
    interval left changed is put back.
    """
    if not callable(test):
        raise TypeError(f"test must be a function taking one argument, got {test!r} of type {type(test).__name__}")
    runs = check_int("runs", runs, 1, 10_000)
    timeout = check_float("timeout", timeout, 0.05, 60.0)
    name = name_of(test)
    done = [judge_run(test, lambda _trial: target, timeout=timeout, what=name) for _ in range(runs)]
    return RepeatResult(
        test=name,
        target=name_of(target),
        outcomes=tuple(run.outcome for run in done),
        first_problem=next((run.message for run in done if run.outcome != "passed"), ""),
        thread_errors=sum(bool(run.thread_errors) for run in done),
        seconds=tuple(run.seconds for run in done),
    )


# -- a test for a cache, technique by technique -----------------------------------------------------


def cache_test(
    threads: int = 4,
    *,
    barrier: bool = True,
    window: float = 0.001,
    switch_interval: float | None = None,
    rounds: int = 1,
) -> Callable[[Any], None]:
    """Write a test that a cache (``make_cache(load)``) loads a key once, with the chosen techniques.

    ``barrier``: the threads call ``get`` together; ``window``: the fake ``load`` sleeps, keeping
    the check-then-load window open; ``switch_interval``: set for the test, always put back;
    ``rounds``: repeat, with a new cache each time.
    """
    threads = check_int("threads", threads, 2, MAX_VALUES)
    barrier = check_bool("barrier", barrier)
    window = check_float("window", window, 0.0, 0.1)
    interval = None if switch_interval is None else check_float("switch_interval", switch_interval, 1e-6, 0.1)
    rounds = check_int("rounds", rounds, 1, 100)

    def one_round(make_cache: Any) -> None:
        loads: list[int] = []

        def load(key: int) -> int:
            loads.append(key)  # list.append is safe from many threads
            if window:
                time.sleep(window)  # the forced window: the others reach the check meanwhile
            return key * 10

        cache = make_cache(load)
        start = threading.Barrier(threads, timeout=5)

        def ask() -> None:
            if barrier:
                start.wait()  # everybody calls get() at the same moment
            cache.get(0)

        workers = [threading.Thread(target=ask, name=f"T{i}") for i in range(1, threads + 1)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=5)  # bounded: a hung get() fails the test instead of hanging it
        assert not any(worker.is_alive() for worker in workers), "a thread did not finish within 5 s"
        assert len(loads) == 1, f"{len(loads)} loads for 1 key(s): some key was loaded twice"

    def test_loads_each_key_once(make_cache: Any) -> None:
        with _switch_interval(interval):
            for _ in range(rounds):
                one_round(make_cache)

    return test_loads_each_key_once


# -- livelock: polite back-off in lockstep ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LivelockResult:
    """What :func:`run_livelock` saw: each thread's attempts and the round it finished in (or None)."""

    strategy: str
    rounds: int
    attempts: tuple[int, ...]
    done_at: tuple[int | None, ...]

    @property
    def finished(self) -> int:
        return sum(at is not None for at in self.done_at)

    def finished_by(self, round_number: int) -> int:
        """How many threads had finished by the end of round ``round_number``."""
        return sum(at is not None and at <= round_number for at in self.done_at)


def run_livelock(
    strategy: str = "polite", rounds: int = 100, *, seed: int = 1, timeout: float = 30.0
) -> LivelockResult:
    """Two threads, two locks, and back-off: watch politeness turn into a livelock.

    T1 takes ``lock_a`` first and T2 ``lock_b`` (both ``lock_a`` with ``"ordered"``), then each tries for
    the other without waiting and, if it is taken, lets go and tries again next round. A barrier forces
    lockstep, the worst case, on every run. ``"polite"``: a livelock, bounded by ``rounds``; ``"random"``:
    after a failure sit out 1 to 3 rounds (seeded); ``"ordered"``: whoever holds ``lock_a`` gets ``lock_b``.
    """
    strategy = check_choice("strategy", strategy, ("polite", "random", "ordered"))
    rounds = check_int("rounds", rounds, 1, 100_000)
    seed = check_int("seed", seed, 0, 2**31)
    timeout = check_timeout(timeout)
    lock_a, lock_b = threading.Lock(), threading.Lock()
    step = threading.Barrier(2, timeout=5.0)
    attempts = [0, 0]
    done_at: list[int | None] = [None, None]
    played = [0]
    stop = threading.Event()

    def worker(me: int) -> None:
        first, second = (lock_a, lock_b) if strategy == "ordered" or me == 0 else (lock_b, lock_a)
        rng = random.Random(seed * 2 + me)
        skip = 0  # rounds still to sit out (random back-off)
        try:
            for round_number in range(1, rounds + 1):
                step.wait()  # the round starts for both threads at once (the forced lockstep)
                if stop.is_set():
                    step.abort()
                    return
                if all(at is not None for at in done_at):  # both threads see the same, so both leave here
                    return
                trying = done_at[me] is None and skip == 0
                skip = max(0, skip - 1)
                holding = trying and first.acquire(blocking=False)
                if trying:
                    attempts[me] += 1
                step.wait()  # both have taken their first lock (if they tried): now each reaches for the second
                if holding:
                    if second.acquire(blocking=False):
                        done_at[me] = round_number  # the transfer: both locks held
                        second.release()
                    elif strategy == "random":
                        skip = rng.randint(1, 3)  # back off a random number of rounds
                step.wait()  # both have reached for the second lock: now let go
                if holding:
                    first.release()
                if me == 0:  # T1 counts every round both threads played to its end
                    played[0] = round_number
        except BaseException:
            step.abort()  # never leave the other thread waiting at the barrier
            raise

    run_threads(lambda index: worker(index - 1), 2, "run_livelock", stop, timeout)
    return LivelockResult(strategy=strategy, rounds=played[0], attempts=tuple(attempts), done_at=tuple(done_at))


# -- starvation: an unfair lock and a fair one ---------------------------------------------------

STARVATION_LOCKS = ("Lock", "FIFO")


@dataclass(frozen=True, slots=True)
class StarvationResult:
    """What :func:`run_starvation` measured, per thread (the polite one last)."""

    lock: str
    threads: tuple[str, ...]
    acquisitions: tuple[int, ...]
    longest_wait: tuple[float, ...]
    duration: float
    statistics: LockStatistics

    @property
    def total(self) -> int:
        return sum(self.acquisitions)

    @property
    def shares(self) -> tuple[float, ...]:
        """Each thread's share of all acquisitions, 0 to 1."""
        return tuple(count / max(self.total, 1) for count in self.acquisitions)

    @property
    def polite_share(self) -> float:
        return self.shares[-1]


def _take_turns(
    lock: InstrumentedLock, duration: float, hold: float, pause: float | None, stop: threading.Event
) -> None:
    # A greedy thread (pause=None) takes the lock again at once; a polite one steps away first.
    end = time.perf_counter() + duration
    while time.perf_counter() < end and not stop.is_set():
        if pause is not None:
            time.sleep(pause)
        with lock:
            work_until = time.perf_counter() + hold
            while time.perf_counter() < work_until:  # work the CPU: keeps the GIL, like real computation
                pass


def run_starvation(
    lock: str = "Lock",
    greedy: int = 3,
    *,
    duration: float = 0.2,
    hold: float = 5e-5,
    pause: float = 1e-4,
    timeout: float = 30.0,
) -> StarvationResult:
    """Greedy threads and one polite thread share a lock: who gets it, how often?

    Greedy threads re-take the lock the moment they let it go; the polite one steps away for ``pause`` s
    between turns, so it is usually *waiting* at a release while a greedy thread is right there.
    ``threading.Lock`` does not serve waiters in order, so the greedy ones keep winning (the shares vary
    with the OS and the load); :class:`FifoLock` serves them in order.
    """
    kind = check_choice("lock", lock, STARVATION_LOCKS)
    greedy = check_int("greedy", greedy, 1, 15)
    duration = check_float("duration", duration, 0.01, 10.0)
    hold = check_float("hold", hold, 1e-6, 0.01)
    pause = check_float("pause", pause, 0.0, 0.1)
    timeout = check_timeout(timeout)
    measured = InstrumentedLock(threading.Lock() if kind == "Lock" else FifoLock(), name=f"{kind} lock", max_events=0)
    stop = threading.Event()
    names = [f"T{i}" for i in range(1, greedy + 2)]
    pauses: list[float | None] = [None] * greedy + [pause]  # the polite thread last
    workers = [lambda p=p: _take_turns(measured, duration, hold, p, stop) for p in pauses]
    run_workers(workers, names=names, timeout=timeout, stop=stop, what="run_starvation")
    stats = measured.statistics()
    per_thread = {t.thread: t for t in stats.threads}
    return StarvationResult(
        lock=kind,
        threads=tuple(names),
        acquisitions=tuple(per_thread[n].acquisitions if n in per_thread else 0 for n in names),
        longest_wait=tuple(per_thread[n].max_wait if n in per_thread else 0.0 for n in names),
        duration=duration,
        statistics=stats,
    )
