"""Testing threaded code (notebook 10): run a test many times, livelock and starvation.

* :func:`repeat_test` runs a test function (pytest-style: return to pass, raise to fail)
  many times under a watchdog and counts passed, failed, errored and hung runs;
  :func:`cache_test` writes such a test with each technique of the notebook on or off.
* :func:`run_livelock`: two polite threads in forced lockstep retry for ever; random
  back-off or one lock order ends it.
* :func:`run_starvation`: greedy threads re-take a lock at once and a polite one gets almost
  no turns; :class:`FifoLock` serves waiters in order.
"""

from __future__ import annotations

import collections
import platform
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from synclab._threads import run_workers
from synclab._threads import switch_interval as _switch_interval
from synclab._validate import MAX_VALUES, check_bool, check_choice, check_float, check_int, check_timeout
from synclab.checks._base import Trial, describe_exception
from synclab.checks._guards import CheckCancelled
from synclab.instruments import InstrumentedLock, LockStatistics

#: How one run of a test can end.
OUTCOMES = ("passed", "failed", "error", "hung")

MAX_RUNS = 10_000


# -- one run of a test, under a watchdog -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """How one run of a test function ended."""

    outcome: str
    message: str
    error: BaseException | None
    thread_errors: tuple[tuple[str, BaseException], ...]
    interval_left: float | None
    seconds: float


class _ThreadErrors:
    """While active, exceptions that end a thread are recorded instead of printed."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, BaseException]] = []
        self._previous: Callable[[Any], object] | None = None
        self._installed: Callable[[Any], object] = self._hook  # one bound method, to compare with `is`

    def _hook(self, args: Any) -> None:
        if isinstance(args.exc_value, CheckCancelled) or args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a thread"
        self.seen.append((name, args.exc_value))

    def __enter__(self) -> _ThreadErrors:
        self._previous = threading.excepthook
        threading.excepthook = self._installed
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if threading.excepthook is self._installed and self._previous is not None:
            threading.excepthook = self._previous


def judge_run(
    test: Callable[[Any], object],
    make_target: Callable[[Trial], Any],
    *,
    timeout: float,
    what: str,
    on_start: Callable[[threading.Thread], object] | None = None,
    stopper: str = "the watchdog",
) -> tuple[RunOutcome, Trial]:
    """Run ``test(target)`` once in its own thread, under a watchdog, and say how it ended.

    The run is a :class:`~synclab.checks._base.Trial`: if the test does not end
    within ``timeout`` seconds, its threads (and those it started) are stopped.
    The switch interval is put back if the test changed it.
    """
    interval = sys.getswitchinterval()
    started = time.perf_counter()
    errors = _ThreadErrors()
    try:
        with errors, Trial(timeout=timeout, what=what, deadlock_after=None, stopper=stopper) as trial:
            target = make_target(trial)
            ready = threading.Event()

            def body(target: Any) -> object:
                ready.wait()
                return test(target)

            runner = trial.start(what, body, target)
            if on_start is not None:
                on_start(runner.thread)
            ready.set()
            trial.wait(runners=[runner])
    finally:
        left = sys.getswitchinterval()
        if left != interval:
            sys.setswitchinterval(interval)
    seconds = time.perf_counter() - started
    error = runner.error
    problem = trial.trouble()
    if trial.gave_up in ("deadline", "deadlock"):
        outcome, message = "hung", problem[0] if problem else f"{what} did not finish"
    elif isinstance(error, AssertionError):
        outcome, message = "failed", describe_exception(error, what)
    elif error is not None:
        outcome, message = "error", describe_exception(error, what)
    elif problem is not None:
        outcome, message = "error", problem[0]
    else:
        outcome, message = "passed", ""
    result = RunOutcome(
        outcome=outcome,
        message=message,
        error=error,
        thread_errors=tuple(errors.seen),
        interval_left=None if left == interval else left,
        seconds=seconds,
    )
    return result, trial


# -- many runs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RepeatResult:
    """What :func:`repeat_test` saw over many runs of one test against one target."""

    test: str
    target: str
    outcomes: tuple[str, ...]
    first_problem: str
    thread_errors: int
    intervals_left: int
    seconds: tuple[float, ...]
    python: str

    @property
    def runs(self) -> int:
        """How many times the test ran."""
        return len(self.outcomes)

    @property
    def passed(self) -> int:
        """Runs in which the test passed."""
        return self.outcomes.count("passed")

    @property
    def failed(self) -> int:
        """Runs in which the test failed (an ``AssertionError``): against a racy class, it caught the race."""
        return self.outcomes.count("failed")

    @property
    def errors(self) -> int:
        """Runs in which the test raised something other than an ``AssertionError``."""
        return self.outcomes.count("error")

    @property
    def hung(self) -> int:
        """Runs the watchdog had to stop."""
        return self.outcomes.count("hung")

    @property
    def total_seconds(self) -> float:
        """Seconds all runs took together."""
        return sum(self.seconds)


def _name(obj: object) -> str:
    return str(getattr(obj, "__name__", type(obj).__name__))


def repeat_test(
    test: Callable[[Any], object],
    target: Any,
    *,
    runs: int = 100,
    timeout: float = 2.0,
) -> RepeatResult:
    """Run ``test(target)`` ``runs`` times and count how each run ended.

    A test is a function written like a pytest test: it returns to pass and
    raises (an ``AssertionError``, from ``assert``) to fail. Each run happens in
    a thread of its own under a watchdog: a run that takes longer than
    ``timeout`` is stopped, with the threads it started, and counted as hung.
    Exceptions raised inside the test's own threads are counted, not printed;
    a switch interval the test left changed is put back (and counted).
    """
    if not callable(test):
        raise TypeError(f"test must be a function taking one argument, got {test!r} of type {type(test).__name__}")
    runs = check_int("runs", runs, 1, MAX_RUNS)
    timeout = check_float("timeout", timeout, 0.05, 60.0)
    name = _name(test)
    outcomes: list[str] = []
    seconds: list[float] = []
    first = ""
    thread_errors = intervals_left = 0
    for _ in range(runs):
        run, _trial = judge_run(test, lambda _trial: target, timeout=timeout, what=name)
        outcomes.append(run.outcome)
        seconds.append(run.seconds)
        if run.outcome != "passed" and not first:
            first = run.message
        thread_errors += bool(run.thread_errors)
        intervals_left += run.interval_left is not None
    return RepeatResult(
        test=name,
        target=_name(target),
        outcomes=tuple(outcomes),
        first_problem=first,
        thread_errors=thread_errors,
        intervals_left=intervals_left,
        seconds=tuple(seconds),
        python=platform.python_version(),
    )


# -- a test for a cache, technique by technique -----------------------------------------------------


def cache_test(
    threads: int = 4,
    *,
    barrier: bool = True,
    window: float = 0.001,
    switch_interval: float | None = None,
    rounds: int = 1,
    keys: int = 1,
) -> Callable[[Any], None]:
    """Write a test that a cache loads each key once, with the chosen techniques.

    The test makes a cache (``make_cache(load)``) with a fake ``load`` that records each call,
    lets ``threads`` threads ask it for the same ``keys`` keys, joins them (with a timeout) and
    asserts each key was loaded once. Techniques: ``barrier`` (call ``get`` together),
    ``window`` (the fake ``load`` sleeps, keeping the check-then-load window open),
    ``switch_interval`` (set for the test, always put back) and ``rounds`` (repeat, new cache each time).
    """
    threads = check_int("threads", threads, 2, MAX_VALUES)
    barrier = check_bool("barrier", barrier)
    window = check_float("window", window, 0.0, 0.1)
    interval = None if switch_interval is None else check_float("switch_interval", switch_interval, 1e-6, 0.1)
    rounds = check_int("rounds", rounds, 1, 100)
    keys = check_int("keys", keys, 1, 10_000)

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
            for key in range(keys):
                cache.get(key)

        workers = [threading.Thread(target=ask, name=f"T{i}") for i in range(1, threads + 1)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=5)  # bounded: a hung get() fails the test instead of hanging it
        assert not any(worker.is_alive() for worker in workers), "a thread did not finish within 5 s"
        assert len(loads) == keys, f"{len(loads)} loads for {keys} key(s): some key was loaded twice"

    def test_loads_each_key_once(make_cache: Any) -> None:
        with _switch_interval(interval):
            for _ in range(rounds):
                one_round(make_cache)

    return test_loads_each_key_once


# -- livelock: polite back-off in lockstep ----------------------------------------------------------

#: How the two threads of :func:`run_livelock` back off.
LIVELOCK_STRATEGIES = ("polite", "random", "ordered")

#: Seconds any thread waits at the lockstep barrier before giving up.
_STEP_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class LivelockResult:
    """What :func:`run_livelock` saw, round by round."""

    strategy: str
    max_rounds: int
    rounds: int
    attempts: tuple[int, ...]
    done_at: tuple[int | None, ...]
    busy: float

    @property
    def finished(self) -> int:
        """How many of the two threads finished their transfer."""
        return sum(at is not None for at in self.done_at)

    def finished_by(self, round_number: int) -> int:
        """How many threads had finished by the end of round ``round_number``."""
        return sum(at is not None and at <= round_number for at in self.done_at)


def run_livelock(
    strategy: str = "polite", rounds: int = 100, *, seed: int = 1, timeout: float = 30.0
) -> LivelockResult:
    """Two threads, two locks, and back-off: watch politeness turn into a livelock.

    T1 takes ``lock_a`` first and T2 ``lock_b`` (both ``lock_a`` with ``"ordered"``), then each
    tries for the other without waiting and, if it is taken, lets go and tries again next round.
    A barrier forces lockstep (both take their first lock before either reaches for the second):
    the worst case, forced so it shows on every run. ``"polite"``: a livelock, bounded by
    ``rounds``; ``"random"``: after a failure sit out 1 to 3 rounds (seeded); ``"ordered"``:
    whoever holds ``lock_a`` gets ``lock_b`` too.
    """
    strategy = check_choice("strategy", strategy, LIVELOCK_STRATEGIES)
    rounds = check_int("rounds", rounds, 1, 100_000)
    seed = check_int("seed", seed, 0, 2**31)
    timeout = check_timeout(timeout)
    lock_a, lock_b = threading.Lock(), threading.Lock()
    step = threading.Barrier(2, timeout=_STEP_TIMEOUT)
    attempts = [0, 0]
    done_at: list[int | None] = [None, None]
    played = [0]
    stop = threading.Event()

    def worker(me: int) -> None:
        """Each round, maybe try to take both locks; let go politely if the second is taken."""
        first, second = (lock_a, lock_b) if strategy == "ordered" or me == 0 else (lock_b, lock_a)
        rng = random.Random(seed * 2 + me)
        skip = 0  # rounds still to sit out (random back-off)
        try:
            for round_number in range(1, rounds + 1):
                step.wait()  # the round starts for both threads at once (the forced lockstep)
                if stop.is_set():  # the run was stopped: don't leave the other thread waiting at the barrier
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
                if me == 0:
                    played[0] = round_number
        except BaseException:
            step.abort()  # never leave the other thread waiting at the barrier
            raise

    workers = [lambda: worker(0), lambda: worker(1)]
    elapsed = run_workers(workers, names=["T1", "T2"], timeout=timeout, stop=stop, what="run_livelock")
    return LivelockResult(
        strategy=strategy,
        max_rounds=rounds,
        rounds=max(played[0], max((at or 0) for at in done_at)),
        attempts=tuple(attempts),
        done_at=tuple(done_at),
        busy=elapsed,
    )


# -- starvation: an unfair lock and a fair one ---------------------------------------------------

#: The locks :func:`run_starvation` can use.
STARVATION_LOCKS = ("Lock", "FIFO")


class FifoLock:
    """A lock that serves waiting threads in the order they asked: first in, first out.

    ``threading.Lock`` makes no promise about which waiter gets it next, and a thread that
    releases and asks again often gets it straight back. This one queues the waiters and hands
    the lock to the front one, so nobody waits for ever; the price is that a released lock stays
    free until that thread has woken up. Same interface as :class:`threading.Lock`.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._queue: collections.deque[object] = collections.deque()
        self._held = False

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """Take the lock; if it is taken, or others are waiting, queue behind them."""
        if not blocking and timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        if timeout < 0 and timeout != -1:
            raise ValueError("timeout value must be a non-negative number")
        with self._cond:
            if not self._held and not self._queue:
                self._held = True
                return True
            if not blocking:
                return False
            me = object()
            self._queue.append(me)
            my_turn = self._cond.wait_for(
                lambda: not self._held and self._queue[0] is me, None if timeout == -1 else timeout
            )
            if my_turn:
                self._queue.popleft()
                self._held = True
            else:
                self._queue.remove(me)
                self._cond.notify_all()  # the next in line may be free to go now
            return my_turn

    def release(self) -> None:
        """Let the lock go; the thread at the front of the queue gets it next."""
        with self._cond:
            if not self._held:
                raise RuntimeError("release unlocked lock")
            self._held = False
            self._cond.notify_all()

    def locked(self) -> bool:
        """Whether some thread holds the lock."""
        return self._held

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<FifoLock {'locked' if self._held else 'unlocked'}, {len(self._queue)} waiting>"


@dataclass(frozen=True, slots=True)
class StarvationResult:
    """What :func:`run_starvation` measured."""

    lock: str
    threads: tuple[str, ...]
    acquisitions: tuple[int, ...]
    longest_wait: tuple[float, ...]
    duration: float
    hold: float
    pause: float
    statistics: LockStatistics
    python: str

    @property
    def polite(self) -> str:
        """The name of the polite thread."""
        return self.threads[-1]

    @property
    def total(self) -> int:
        """Acquisitions by all threads."""
        return sum(self.acquisitions)

    @property
    def shares(self) -> tuple[float, ...]:
        """Each thread's share of all acquisitions, 0 to 1."""
        total = self.total
        return tuple(count / total if total else 0.0 for count in self.acquisitions)

    @property
    def polite_share(self) -> float:
        """The polite thread's share of all acquisitions, 0 to 1."""
        return self.shares[-1]


def _busy(seconds: float) -> None:
    """Work the CPU for ``seconds`` (keeps the GIL, like real computation)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def _greedy(lock: InstrumentedLock, duration: float, hold: float, stop: threading.Event) -> None:
    """Take the lock, work, let go, and take it again at once."""
    end = time.perf_counter() + duration
    while time.perf_counter() < end and not stop.is_set():
        with lock:
            _busy(hold)


def _polite(lock: InstrumentedLock, duration: float, hold: float, pause: float, stop: threading.Event) -> None:
    """Step away for ``pause`` seconds between turns, then take the lock and work."""
    end = time.perf_counter() + duration
    while time.perf_counter() < end and not stop.is_set():
        time.sleep(pause)
        with lock:
            _busy(hold)


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

    Greedy threads re-take the lock the moment they let it go; the polite one steps away for
    ``pause`` s between turns, so it is usually *waiting* at a release while a greedy thread is
    right there. ``threading.Lock`` does not serve waiters in order, so the greedy ones keep
    winning (the shares vary with the OS and the load); :class:`FifoLock` serves them in order.
    """
    kind = check_choice("lock", lock, STARVATION_LOCKS)
    greedy = check_int("greedy", greedy, 1, 15)
    duration = check_float("duration", duration, 0.01, 10.0)
    hold = check_float("hold", hold, 1e-6, 0.01)
    pause = check_float("pause", pause, 0.0, 0.1)
    timeout = check_timeout(timeout)
    inner: Any = threading.Lock() if kind == "Lock" else FifoLock()
    measured = InstrumentedLock(inner, name=f"{kind} lock", max_events=0)
    stop = threading.Event()
    names = [f"T{i}" for i in range(1, greedy + 2)]
    workers: list[Callable[[], object]] = [lambda: _greedy(measured, duration, hold, stop) for _ in range(greedy)]
    workers.append(lambda: _polite(measured, duration, hold, pause, stop))
    run_workers(workers, names=names, timeout=timeout, stop=stop, what="run_starvation")
    stats = measured.statistics()
    per_thread = {t.thread: t for t in stats.threads}
    return StarvationResult(
        lock=kind,
        threads=tuple(names),
        acquisitions=tuple(per_thread[n].acquisitions if n in per_thread else 0 for n in names),
        longest_wait=tuple(per_thread[n].max_wait if n in per_thread else 0.0 for n in names),
        duration=duration,
        hold=hold,
        pause=pause,
        statistics=stats,
        python=platform.python_version(),
    )
