"""How exercise checks run the learner's code and report back.

A check never raises and never hangs: it runs the learner's code in a :class:`Trial`. When the trial gives up (deadlock,
deadline) it frees the threads in three steps: cancel its scope (every guarded wait and call raises ``CheckCancelled``);
after :data:`CANCEL_GRACE`, raise ``CheckCancelled`` inside each thread still running and wake its ``Condition.wait``;
after :data:`STOP_GRACE`, a thread still there is blocked in one C call and the message says so."""

from __future__ import annotations

import contextlib
import html
import inspect
import linecache
import os
import sys
import sysconfig
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

from synclab._threads import (
    clear_pending_exception,
    current_frames,
    exception_line,
    raise_in_thread,
    switch_interval,
)
from synclab.checks._guards import (
    CancelScope,
    CheckCancelled,
    GuardedCondition,
    GuardedEvent,
    GuardedLock,
    Rendezvous,
    SelfDeadlock,
    adopt,
)

#: Seconds the learner's code gets in one trial before the check stops it.
TRIAL_SECONDS = 2.5
#: Seconds every thread must stay blocked, with nothing moving, to count as a deadlock.
DEADLOCK_CONFIRM = 0.1
#: Seconds cancelled threads get to leave guarded waits by themselves.
CANCEL_GRACE = 0.25
#: Seconds threads get to stop once an exception is raised inside them.
STOP_GRACE = 0.5
#: Seconds between two looks of the trial at its threads.
POLL = 0.001
#: Seconds :meth:`Trial.while_held` holds the lock, at most, for a thread that does not wait for it.
HOLD_PATIENCE = 1.5

#: How a thread blocked in a standard wait the check did not hand out is described.
OWN_WAIT = "waiting in a join() or a wait() of your own"

RETRY = "Read the message, fix your code and run the cell again."


# -- the verdict ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one exercise."""

    exercise: str
    passed: bool
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"PASSED exercise {self.exercise}, well done! {self.message}"
        return f"NOT YET exercise {self.exercise}: {self.message}" + (f" Hint: {self.hint}" if self.hint else "")

    __repr__ = __str__

    def _repr_html_(self) -> str:
        exercise, body = html.escape(self.exercise), html.escape(self.message)
        colour = "#009E73" if self.passed else "#D55E00"
        title = f"🎉 Well done: exercise {exercise} passed!" if self.passed else f"✘ Not yet: exercise {exercise}"
        if self.hint and not self.passed:
            body += f"<br><b>Hint:</b> {html.escape(self.hint)}"
        return (
            f"<div style='border-left:6px solid {colour};padding:6px 10px;margin:4px 0'>"
            f"<b style='color:{colour}'>{title}</b><br>{body}</div>"
        )


def passed(exercise: str, message: str) -> CheckResult:
    """A passing verdict."""
    return CheckResult(exercise, True, message)


def not_yet(exercise: str, message: str, hint: str = RETRY) -> CheckResult:
    """A failing verdict with a hint."""
    return CheckResult(exercise, False, message, hint)


def first_fault(
    exercise: str, answer: Any, definition: str, scenarios: Iterable[Callable[[Any], CheckResult | None]] = ()
) -> CheckResult | None:
    """``answer`` is not callable (``definition``: ``"def put(buffer, cond, item, capacity):"``), or the
    first verdict of ``scenarios`` that is not ``None``."""
    if not callable(answer):
        name = definition.split()[1].split("(")[0].rstrip(":")
        kind = "class" if definition.startswith("class ") else "function"
        return not_yet(exercise, f"{name} is not a {kind}.", f"Define it with {definition}")
    for scenario in scenarios:
        if (verdict := scenario(answer)) is not None:
            return verdict
    return None


def describe_exception(exc: BaseException, what: str = "your function") -> str:
    """``"your function raised NameError: name 'x' is not defined"``."""
    if isinstance(exc, SelfDeadlock):  # raised by the check's own lock: say what the thread did, not its class
        return f"{what} {str(exc).removeprefix('this thread ')}"
    return f"{what} raised {exception_line(exc)}"


# -- where a thread is ----------------------------------------------------------------

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CHECKS_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LIBRARY_DIRS = tuple(
    {
        os.path.normcase(os.path.abspath(path)) + os.sep
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (path := sysconfig.get_paths().get(key))
    }
    | {os.path.normcase(_PACKAGE_DIR) + os.sep}
)
_WAIT_MODULES = ("threading", "queue", "concurrent.futures._base", "concurrent.futures.thread")
# The innermost function of a thread blocked in a standard wait: Condition.wait (under Event,
# Semaphore, Barrier, Queue and futures), Thread.join, and the tstate-lock wait of join on 3.10-3.12.
_WAIT_NAMES = frozenset({"wait", "join", "_wait_for_tstate_lock"})
_JOIN_CODE = threading.Thread.join.__code__
_CONDITION_WAIT_CODE = threading.Condition.wait.__code__


def is_learner_file(filename: str) -> bool:
    """Whether code from ``filename`` is the learner's (a notebook cell), not a library's or synclab's."""
    if filename.startswith("<frozen"):
        return False
    if filename.startswith("<"):
        return True
    return not os.path.normcase(os.path.abspath(filename)).startswith(_LIBRARY_DIRS)


def stack(frame: FrameType | None) -> list[FrameType]:
    """``frame`` and the frames that called it, innermost first."""
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def frames_of(thread: threading.Thread) -> list[FrameType]:
    return stack(current_frames().get(thread.ident))


def _involved(frames: Sequence[FrameType]) -> bool:
    return any(
        is_learner_file(f.f_code.co_filename) or os.path.abspath(f.f_code.co_filename).startswith(_CHECKS_DIR)
        for f in frames
    )


def learner_line(thread: threading.Thread) -> str:
    """The line of the learner's code a thread is at now (innermost), or ``""``."""
    for frame in frames_of(thread):
        if is_learner_file(frame.f_code.co_filename):
            return linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
    return ""


def is_waiting(thread: threading.Thread) -> bool:
    """Whether ``thread`` is blocked in a standard wait (``join``, ``Event.wait``, a future's ``result``...)."""
    frames = frames_of(thread)
    if not frames or frames[0].f_code.co_name not in _WAIT_NAMES:
        return False
    if frames[0].f_globals.get("__name__") not in _WAIT_MODULES:
        return False
    joined = (frame.f_locals.get("self") for frame in frames if frame.f_code is _JOIN_CODE)
    return not any(isinstance(target, threading.Thread) and not target.is_alive() for target in joined)


_START_CODE = threading.Thread.start.__code__


def waits_for_others(thread: threading.Thread) -> bool:
    """Whether ``thread`` is blocked in a standard wait other than a ``Thread.start()`` (which waits only
    until the new thread runs, and a thread on a busy machine can still be inside it long after)."""
    return is_waiting(thread) and not any(frame.f_code is _START_CODE for frame in frames_of(thread))


def _wake_condition_waits(thread: threading.Thread) -> None:
    for frame in frames_of(thread):
        if frame.f_code is _CONDITION_WAIT_CODE:
            waiter = frame.f_locals.get("waiter")
            with contextlib.suppress(Exception):
                if waiter is not None and waiter.locked():
                    waiter.release()


@contextlib.contextmanager
def excepthook_filter(handled: Callable[[Any], bool]) -> Iterator[None]:
    """While in the block, ``threading.excepthook`` passes on only what ``handled(args)`` did not handle."""
    previous = threading.excepthook

    def hook(args: Any) -> None:
        if not handled(args):
            previous(args)

    threading.excepthook = hook
    try:
        yield
    finally:
        if threading.excepthook is hook:
            threading.excepthook = previous


# -- threads that can always be stopped ----------------------------------------------


class Runner:
    """One thread of a :class:`Trial`, running ``fn(*args)``."""

    __slots__ = ("name", "thread", "value", "error", "cancelled", "done", "_sending", "_trial")

    def __init__(self, trial: Trial, name: str, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.name = name
        self.value: Any = None
        self.error: BaseException | None = None
        self.cancelled = self.done = self._sending = False
        self._trial = trial
        self.thread = threading.Thread(target=self._body, args=(fn, args), name=name, daemon=True)

    def _body(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            try:
                self.value = fn(*args)
            except BaseException as exc:  # the learner's code raised: that is the outcome
                if isinstance(exc, CheckCancelled) or self._trial.cancelled.is_set():
                    self.cancelled = True
                else:
                    self.error = exc
                    self._trial.errors.append((self, exc))
        except BaseException:  # a CheckCancelled raised inside the handler above
            self.cancelled = True
        finally:
            # No exception sent by the trial may outlive this function (it would land in threading's own clean-up): mark
            # the runner done, wait until no sending is in progress, then drop any exception that is still pending.
            self.done = True
            while True:
                try:
                    while self._sending:
                        time.sleep(0.0002)
                    clear_pending_exception()
                    break
                except BaseException:  # noqa: S112 - a pending CheckCancelled landing here; try again
                    continue

    def interrupt(self) -> None:
        self._sending = True
        try:
            if not self.done and self.thread.ident is not None:
                raise_in_thread(self.thread.ident, CheckCancelled)
        finally:
            self._sending = False


class Trial(CancelScope):
    """One run of the learner's code: its threads, its guarded objects, and a deadline."""

    def __init__(
        self,
        *,
        timeout: float = TRIAL_SECONDS,
        what: str = "your function",
        deadlock_after: float | None = DEADLOCK_CONFIRM,
        stopper: str = "the check",
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.what = what
        self.deadlock_after = deadlock_after
        self.stopper = stopper
        self.runners: list[Runner] = []
        self.errors: list[tuple[Runner, BaseException]] = []
        self.gave_up: str | None = None
        self.waiting: tuple[str, ...] = ()
        self.running = False
        self.stuck: tuple[str, ...] = ()
        self.locks: list[GuardedLock] = []
        self._deadline: float | None = None
        self._before = {t.ident for t in threading.enumerate()}
        self._freed = False

    # -- objects for the learner's code ----------------------------------------------

    def lock(self, name: str = "the lock") -> GuardedLock:
        self.locks.append(lock := GuardedLock(self, name))
        return lock

    def condition(self, lock: Any = None, name: str = "the condition") -> GuardedCondition:
        return GuardedCondition(self, lock, name)

    def event(self, name: str = "the event") -> GuardedEvent:
        return GuardedEvent(self, name)

    def rendezvous(self, parties: int, timeout: float = 1.0) -> Rendezvous:
        return Rendezvous(self, parties, timeout)

    def adopt(self, obj: Any) -> dict[str, Any]:
        """Swap the ``threading`` primitives among ``obj``'s attributes for guarded ones of this trial."""
        swapped = adopt(self, obj)
        self.locks.extend(value for value in swapped.values() if isinstance(value, GuardedLock))
        return swapped

    # -- threads ------------------------------------------------------------------------

    def start(self, name: str, fn: Callable[..., Any], *args: Any) -> Runner:
        """Start ``fn(*args)`` in a new named thread of this trial (the deadline starts with the first)."""
        if self._deadline is None:
            self._deadline = time.monotonic() + self.timeout
        runner = Runner(self, name, fn, args)
        self.runners.append(runner)
        runner.thread.start()
        return runner

    def run(self, calls: Sequence[tuple[str, Callable[..., Any], tuple[Any, ...]]]) -> bool:
        """Run each ``(name, fn, args)`` in its own thread, all released together, and wait for them."""
        gate = GuardedEvent(self, "the start")

        def released(fn: Callable[..., Any], *args: Any) -> Any:
            gate.wait()
            return fn(*args)

        runners = [self.start(name, released, fn, *args) for name, fn, args in calls]
        gate.set()
        return self.wait(runners=runners)

    def call(self, name: str, fn: Callable[..., Any], *args: Any) -> Runner:
        """Run ``fn(*args)`` in one thread of this trial and wait for it; look at the runner's value or error."""
        runner = self.start(name, fn, *args)
        self.wait(runners=[runner])
        return runner

    def while_held(
        self,
        lock: GuardedLock,
        name: str,
        fn: Callable[..., Any],
        *args: Any,
        patience: float = HOLD_PATIENCE,
        before_release: Callable[[], object] | None = None,
    ) -> Runner:
        """Run ``fn(*args)`` in a thread of this trial while the check holds ``lock``, as another thread would.

        The check lets go (after ``before_release()``) once the thread waits for the lock without a timeout,
        gives up an attempt, finishes, or after ``patience`` s."""
        me = threading.get_ident()
        held = lock.acquire(blocking=False)
        failed = lock.failed
        end = time.monotonic() + patience
        try:
            runner = self.start(name, fn, *args)
            self.wait(
                until=lambda: (
                    runner.done or lock.failed > failed or not all(lock.waiting().values()) or time.monotonic() > end
                )
            )
            if before_release is not None and self.gave_up is None:
                before_release()
        finally:
            if held and lock.owner == me:
                with contextlib.suppress(CheckCancelled):
                    lock.release()
        self.wait(runners=[runner])
        return runner

    def wait(self, until: Callable[[], object] | None = None, runners: Sequence[Runner] | None = None) -> bool:
        """Wait until ``until()`` is true, or (without ``until``) until ``runners`` (default: all) are done."""
        targets = self.runners if runners is None else runners
        quiet_since: float | None = None
        seen_progress = -1
        try:
            while True:
                if until is not None and until():
                    return True
                if all(r.done for r in targets):
                    return until is None or bool(until())
                if self.gave_up is not None:
                    return False
                now = time.monotonic()
                if self._deadline is not None and now >= self._deadline:
                    self.give_up("deadline")
                    return False
                if self.deadlock_after is not None and self._all_blocked():
                    if quiet_since is None or self.progress != seen_progress:
                        quiet_since, seen_progress = now, self.progress
                    elif now - quiet_since >= self.deadlock_after:
                        self.give_up("deadlock")
                        return False
                else:
                    quiet_since = None
                time.sleep(POLL)
        except KeyboardInterrupt:
            self.give_up("interrupted")
            raise

    def blocked_on(self, runner: Runner) -> tuple[str, bool] | None:
        """What ``runner`` is blocked on now and whether with a timeout, or ``None``."""
        return self.blocked().get(runner.thread.ident or 0)

    def _foreign(self) -> list[threading.Thread]:
        runner_threads = {r.thread for r in self.runners}
        candidates = [
            t for t in threading.enumerate() if t.ident not in self._before and t not in runner_threads and t.is_alive()
        ]
        if not candidates:
            return []
        frames = current_frames()
        return [t for t in candidates if _involved(stack(frames.get(t.ident)))]

    def _live(self) -> list[threading.Thread]:
        return [r.thread for r in self.runners if r.thread.is_alive()] + self._foreign()

    def _all_blocked(self) -> bool:
        blocked = self.blocked()
        live = [r.thread for r in self.runners if not r.done]
        if not live or any(t.ident not in blocked or blocked[t.ident][1] for t in live):
            return False
        return all(t.ident in blocked and not blocked[t.ident][1] for t in self._foreign())

    def give_up(self, reason: str) -> None:
        """Stop the run: note what the threads were doing, cancel, and free every thread."""
        if self.gave_up is None:
            self.gave_up = reason
            blocked = self.blocked()
            live = [r.thread for r in self.runners if not r.done] + self._foreign()
            waits = {blocked[t.ident][0] for t in live if t.ident in blocked}
            others = [t for t in live if t.ident not in blocked]
            if any(is_waiting(t) for t in others):
                waits.add(OWN_WAIT)
            self.waiting = tuple(sorted(waits))
            self.running = any(not is_waiting(t) for t in others)
        if not self._freed:
            self._free()

    def _linger(self) -> list[threading.Thread]:
        """Give the live threads up to :data:`CANCEL_GRACE` to end by themselves; the ones still there."""
        end = time.monotonic() + CANCEL_GRACE
        while self._live() and time.monotonic() < end:
            time.sleep(POLL)
        return self._live()

    def _free(self) -> None:
        self._freed = True
        self.cancel()
        live = self._linger()
        end = time.monotonic() + STOP_GRACE
        with excepthook_filter(
            lambda args: isinstance(args.exc_type, type) and issubclass(args.exc_type, CheckCancelled)
        ):
            while live and time.monotonic() < end:
                self._interrupt(live)
                for _ in range(20):
                    time.sleep(POLL)
                    if not (live := self._live()):
                        break
        self.stuck = tuple(learner_line(t) for t in live)

    def _interrupt(self, threads: Sequence[threading.Thread]) -> None:
        runners = {r.thread: r for r in self.runners}
        for thread in threads:
            runner = runners.get(thread)
            if runner is not None:
                runner.interrupt()
            elif thread.ident is not None and any(is_learner_file(f.f_code.co_filename) for f in frames_of(thread)):
                raise_in_thread(thread.ident, CheckCancelled)
            _wake_condition_waits(thread)

    def __enter__(self) -> Trial:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        """End the run: free every thread still running (also the learner's own), and join them."""
        if isinstance(exc, KeyboardInterrupt) and self.gave_up is None:
            self.gave_up = "interrupted"
        if self._linger() and not self._freed:
            self.give_up("leftover")
        for runner in self.runners:
            runner.thread.join(CANCEL_GRACE)

    # -- what to tell the learner ----------------------------------------------------------

    def first_error(self) -> BaseException | None:
        return self.errors[0][1] if self.errors else None

    def reentered(self) -> GuardedLock | None:
        """The first lock of this trial that a holder asked for again without a timeout."""
        return next((lock for lock in self.locks if lock.reentered), None)

    def stuck_note(self) -> str:
        """A sentence about threads that could not be stopped (``""`` if none)."""
        if not self.stuck:
            return ""
        where = next((line for line in self.stuck if line), "")
        at = f" (at `{where}`)" if where else ""
        who = "A thread" if len(self.stuck) == 1 else "Some threads"
        return (
            f" {who} running your code could not be stopped: blocked inside a call the check cannot "
            f"interrupt{at}, such as a wait on a lock of your own or a long sleep. It stays until that call "
            "returns (restarting the kernel clears it); the next check works either way."
        )

    def trouble(self) -> tuple[str, str] | None:
        """``(message, hint)`` if the run raised, deadlocked, ran out of time or left stuck threads; else ``None``."""
        what = self.what
        note = self.stuck_note()
        lock = self.reentered()
        error = self.first_error()
        if lock is not None or isinstance(error, SelfDeadlock):
            name = lock.name if lock is not None else "a lock"
            return (
                f"{what} asked for {name} while already holding it: with a threading.Lock, that thread "
                f"would wait for itself forever.{note}",
                "Let the lock go before you ask for it again: a with block releases it when the block ends.",
            )
        if error is not None:
            hint = RETRY
            if isinstance(error, SystemExit):
                hint = "sys.exit() (SystemExit) in a thread ends only that thread, not the program: return instead."
            return f"{describe_exception(error, what)}.{note}", hint
        if self.gave_up == "deadlock":
            waits = "; ".join(self.waiting)
            return (
                f"{what} deadlocked: every thread was blocked for good ({waits}), none of them could wake "
                f"the others, so {self.stopper} stopped them.{note}",
                "Find what the threads wait for and who should provide it: is a lock taken and never released "
                "(with lock: releases it for you), or does a thread wait for a signal that never comes?",
            )
        if self.gave_up in ("deadline", "leftover"):
            parts = [f"some threads were {' or '.join(self.waiting)}"] if self.waiting else []
            if self.running:
                parts.append("a thread was still running your code (a loop that never ends, or a long sleep?)")
            state = f": {' and '.join(parts)}" if parts else ""
            if self.gave_up == "deadline":
                message = f"{what} did not finish within {self.timeout:g} s, so {self.stopper} stopped it{state}."
            else:
                message = f"threads started by {what} were still running after it returned{state}."
            return (
                message + note,
                "Does a loop wait for something that never happens? Every wait needs another thread to end it.",
            )
        if note:
            return note.strip(), "Restart the kernel to clear the stuck thread, then run the check again."
        return None


@dataclass
class Call:
    """One call of the learner's code made by a thread of a check: what it returned or raised, and the lock."""

    label: str
    result: Any = None
    error: BaseException | None = None
    kept_lock: bool = False

    def make(self, lock: GuardedLock, fn: Callable[..., Any], *args: Any) -> Call:
        """Call ``fn(*args)`` in this thread and note what it did."""
        try:
            self.result = fn(*args)
        except BaseException as exc:  # noted for the verdict; the trial reports it too
            self.error = exc
            raise
        if lock.owner == threading.get_ident():
            self.kept_lock = True
            lock.release()
        return self


def call_faults(
    exercise: str,
    trial: Trial,
    calls: Sequence[Call],
    *,
    lock: str,
    waiters: str,
    returns: tuple[str, str] | None = None,
) -> CheckResult | None:
    """What a check of calls judges first; ``None`` if none of it happened.

    In order: a call raised; a call returned holding ``lock``; the trial's trouble; with
    ``returns = (rule, hint)``, a call returned something other than a bool."""
    problem = trial.trouble()
    for call in calls:
        if call.error is not None and not isinstance(call.error, (CheckCancelled, SelfDeadlock)):
            return not_yet(
                exercise,
                f"{describe_exception(call.error, call.label)}.{trial.stuck_note()}",
                problem[1] if problem else RETRY,
            )
    for call in calls:
        if call.kept_lock:
            result = f" {call.result!r}" if isinstance(call.result, bool) else ""
            return not_yet(
                exercise,
                f"{call.label} returned{result} while still holding {lock}: {waiters} would wait for it forever.",
                f"Let go of the lock on every path, returns included: a with {lock}: block does that for you.",
            )
    if problem is not None:
        return not_yet(exercise, *problem)
    if returns is not None:
        for call in calls:
            if not isinstance(call.result, bool):
                return not_yet(exercise, f"{call.label} returned {call.result!r}; {returns[0]}", returns[1])
    return None


# -- the wrapper around every check ------------------------------------------------------


def _from_learner(exc: BaseException) -> bool:
    return any(is_learner_file(frame.f_code.co_filename) for frame, _ in traceback.walk_tb(exc.__traceback__))


def run_check(exercise: str, check: Callable[..., CheckResult], answers: Sequence[Any]) -> CheckResult:
    """Run ``check(*answers)``; whatever happens, return a :class:`CheckResult`."""
    try:
        inspect.signature(check).bind(*answers)
    except TypeError:
        wanted = len(inspect.signature(check).parameters)
        return not_yet(
            exercise,
            f"exercise {exercise} takes {wanted} answer(s), and the check cell passed {len(answers)}.",
            "Run the check cell as it is written, after running the cell with your answer.",
        )
    failure = "it gave no verdict"
    try:
        with switch_interval(sys.getswitchinterval()):  # put back if the learner's code changed it
            result = check(*answers)
    except KeyboardInterrupt as exc:
        if _from_learner(exc):
            return not_yet(
                exercise, "your code raised KeyboardInterrupt (or the stop button was pressed while it ran)."
            )
        return not_yet(
            exercise,
            "the check was interrupted (the stop button) before it could judge your answer.",
            "Run the cell again to check your answer.",
        )
    except BaseException as exc:  # a check must never raise
        if _from_learner(exc):
            return not_yet(exercise, describe_exception(exc, "your code") + ".")
        failure, result = describe_exception(exc, "it"), None
    if isinstance(result, CheckResult):
        return result
    return not_yet(
        exercise,
        f"the check itself failed ({failure}): that is a bug in synclab, not in your answer.",
        "Please report it; you can go on with the course.",
    )
