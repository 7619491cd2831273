"""Notebook 10's plumbing: running a learner's test once under a watchdog (for :func:`repeat_test` and
check 10.1), and a fair lock."""

from __future__ import annotations

import collections
import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from synclab._threads import switch_interval
from synclab.checks._base import Trial, describe_exception, excepthook_filter
from synclab.checks._guards import CheckCancelled
from synclab.instruments import LockWrapper


def name_of(obj: object) -> str:
    """A function's or class's ``__name__``, else its type's name."""
    return str(getattr(obj, "__name__", type(obj).__name__))


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """How one run of a test function ended: ``outcome`` is passed, failed, error or hung."""

    outcome: str
    message: str
    error: BaseException | None
    thread_errors: tuple[tuple[str, BaseException], ...]
    interval_left: float | None
    seconds: float


@contextlib.contextmanager
def _thread_errors() -> Iterator[list[tuple[str, BaseException]]]:
    """While active, exceptions that end a thread are recorded instead of printed."""
    seen: list[tuple[str, BaseException]] = []

    def record(args: Any) -> bool:
        if not isinstance(args.exc_value, CheckCancelled) and args.exc_type is not SystemExit:
            seen.append((args.thread.name if args.thread is not None else "a thread", args.exc_value))
        return True  # handled: nothing is printed

    with excepthook_filter(record):
        yield seen


def judge_run(
    test: Callable[[Any], object],
    make_target: Callable[[Trial], Any],
    *,
    timeout: float,
    what: str,
    on_start: Callable[[threading.Thread], object] | None = None,
    stopper: str = "the watchdog",
    progress: Callable[[], object] | None = None,
    slow_limit: float = 0.0,
) -> RunOutcome:
    """Run ``test(make_target(trial))`` once in its own thread of a trial that stops it after ``timeout`` s.

    With ``progress`` (a count the test's work moves on), a test still moving it at ``timeout`` runs on, up to
    ``slow_limit`` s, until it stops moving it for :data:`STILL_SECONDS`: a slow test on a busy machine ends; a
    hung one is stopped at ``timeout`` as before.
    """
    interval = sys.getswitchinterval()
    started = time.perf_counter()
    with switch_interval(interval):  # put back if the test changed it
        with (
            _thread_errors() as errors,
            Trial(timeout=max(timeout, slow_limit), what=what, deadlock_after=None, stopper=stopper) as trial,
        ):
            target = make_target(trial)
            ready = threading.Event()

            def body(target: Any) -> object:
                ready.wait()
                return test(target)

            runner = trial.start(what, body, target)
            if on_start is not None:
                on_start(runner.thread)
            ready.set()
            if progress is None or slow_limit <= timeout:
                trial.wait(runners=[runner])
            else:
                trial.wait(until=_stalled(runner, progress, timeout), runners=[runner])
                if not runner.done and trial.gave_up is None:
                    trial.timeout = timeout  # the limit it was stopped at, for the message
                    trial.give_up("deadline")
        left = sys.getswitchinterval()
    seconds = time.perf_counter() - started
    error = runner.error
    problem = trial.trouble()
    if trial.gave_up in ("deadline", "deadlock"):
        outcome, message = "hung", problem[0] if problem else f"{what} did not finish"
    elif error is not None:
        outcome, message = "failed" if isinstance(error, AssertionError) else "error", describe_exception(error, what)
    elif problem is not None:
        outcome, message = "error", problem[0]
    else:
        outcome, message = "passed", ""
    return RunOutcome(outcome, message, error, tuple(errors), None if left == interval else left, seconds)


#: Seconds without progress after which a test past its time limit is stopped (see :func:`judge_run`).
STILL_SECONDS = 0.5


def _stalled(runner: Any, progress: Callable[[], object], timeout: float) -> Callable[[], bool]:
    """For :meth:`Trial.wait`: the run ended, or it is past ``timeout`` s and ``progress()`` stands still."""
    soft = time.monotonic() + timeout
    seen, since = progress(), time.monotonic()

    def stalled() -> bool:
        nonlocal seen, since
        now = time.monotonic()
        if runner.done:
            return True
        if (count := progress()) != seen:
            seen, since = count, now
        return now >= soft and now - since >= STILL_SECONDS

    return stalled


class FifoLock(LockWrapper):
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
            if not blocking and (self._held or self._queue):
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
        return self._held

    def __repr__(self) -> str:
        return f"<FifoLock {'locked' if self._held else 'unlocked'}, {len(self._queue)} waiting>"
