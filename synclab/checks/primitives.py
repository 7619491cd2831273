"""Checks for the exercises of notebook 08 (choosing a primitive): a connection pool, a phase worker.

8.1 adopts the learner's pool and holds ``put()`` right after its ``release()`` until a waiting
``get()`` has run, so a permit given back before the connection fails on every run. 8.2 holds each
thread in ``step_one`` and lets them go one at a time, then checks a broken barrier.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from functools import partial
from typing import Any

from synclab._threads import exception_line
from synclab.checks._base import POLL, CheckResult, Runner, Trial, first_fault, is_waiting, not_yet, passed
from synclab.checks._guards import GuardedBarrier, GuardedBoundedSemaphore, GuardedSemaphore, attributes_of

# -- exercise 8.1 ----------------------------------------------------------------------

POOL_SIZE = 3
#: Seconds a fourth get() gets to show it waits (or to return, which is wrong) with every connection out.
POOL_WAIT_SECONDS = 0.3
#: Seconds a get() that waits with a timeout of its own is given for that timeout to run out.
POOL_TIMED_WAIT = 1.0
#: Seconds a put() is held right after its release() at most, when the woken get() blocks where the check cannot see.
POOL_HOLD = 0.25
#: What the check hands back that the pool never handed out.
STRANGER = "a connection from somewhere else"
#: The threads of the final run, and how many times each gets and puts back a connection.
POOL_THREADS = 6
POOL_USES = 3

_NO_LIMIT_HINT = (
    "Give the pool a threading.BoundedSemaphore(size) and acquire it at the start of get(): with every "
    "connection out, acquire() waits until a put() releases a permit."
)
_RETRY = "Read the message, fix the class and run the cell again."
_THREADS = {1: "one thread", 2: "two threads"}


def _same(a: Any, b: Any) -> bool:
    try:
        return a is b or bool(a == b)
    except Exception:  # the learner's connection cannot be compared
        return False


class _Verdict(Exception):
    """A failing verdict found in the middle of the scripted run: ``_Verdict(message, hint)``."""


def _put_failed(when: str, giver: Runner, why: str = "") -> _Verdict:
    return _Verdict(
        f"{when}, put() raised {exception_line(giver.error)} while giving back a connection that was out.",
        f"A put() of a connection that is out must be accepted{why}.",
    )


class _Pool:
    """The scripted run of exercise 8.1: a new pool of the learner's class, its swapped primitives, the calls made."""

    def __init__(self, trial: Trial, connection_pool: Any) -> None:
        self.trial = trial
        made = trial.call("ConnectionPool", connection_pool, POOL_SIZE)
        if made.error is not None:
            raise _Verdict(
                f"ConnectionPool({POOL_SIZE}) raised {exception_line(made.error)}.",
                "Make __init__ set up the list of connections and the semaphore, nothing more.",
            )
        self.not_stopped()  # also a ConnectionPool() that never returned and was stopped
        self.pool = pool = made.value
        self.semaphores = [value for value in trial.adopt(pool).values() if isinstance(value, GuardedSemaphore)]
        self.containers = {k: v for k, v in attributes_of(pool).items() if isinstance(v, list | deque | set | dict)}
        self.calls = 0
        self.waiter: Runner | None = None  # a get() that waits for a connection
        self.hold_put = ""  # the name of the put() to hold right after its release()
        for semaphore in self.semaphores:
            semaphore.after_release = self._after_release

    def did(self, what: str, runner: Runner) -> bool:
        """Whether the call run by ``runner`` did ``what`` (``"acquired"``, ``"gave up"``...) to a semaphore."""
        return any(event == (what, runner.name) for s in self.semaphores for event in s.log)

    def _after_release(self) -> None:
        waiter = self.waiter
        if waiter is None or threading.current_thread().name != self.hold_put:
            return
        permits = tuple(f" {s.name}" for s in self.semaphores)
        end = time.monotonic() + POOL_HOLD
        while time.monotonic() < end and not waiter.done:
            what = self.trial.blocked_on(waiter)
            if (what is None and is_waiting(waiter.thread)) or (what is not None and not what[0].endswith(permits)):
                return  # the woken get() waits for something other than a permit: holding put() cannot help it
            self.trial.check()
            time.sleep(POLL)

    def start(self, what: str, *args: Any) -> Runner:
        self.calls += 1
        return self.trial.start(f"{what} {self.calls}", getattr(self.pool, what), *args)

    def call(self, what: str, *args: Any) -> Runner:
        runner = self.start(what, *args)
        self.trial.wait(runners=[runner])
        self.not_stopped()
        return runner

    def not_stopped(self) -> None:
        """Raise the verdict if the trial gave up (deadlock, deadline)."""
        if self.trial.gave_up is not None:
            raise _Verdict(*(self.trial.trouble() or ("your pool did not finish in time.", _RETRY)))

    def copies(self, conn: Any) -> str:
        """An attribute of the pool holding ``conn`` more often than it should (``""`` if none)."""
        allowed = 0 if _same(conn, STRANGER) else 1
        for name, box in self.containers.items():
            try:
                count = sum(1 for item in (box.values() if isinstance(box, dict) else box) if _same(item, conn))
            except Exception:  # noqa: S112 - a container changing under us: not the pool's free list
                continue
            if count > allowed:
                return f"self.{name}"
        return ""

    # -- the steps ------------------------------------------------------------------------

    def take_all(self, when: str) -> list[Any]:
        """get() every connection, one call at a time: each must return at once, with a different connection."""
        conns: list[Any] = []
        for k in range(1, POOL_SIZE + 1):
            runner = self.start("get")
            self.trial.wait(runners=[runner])
            if self.trial.gave_up == "deadlock" and runner.cancelled:
                raise _Verdict(
                    f"{when}, get() number {k} waited although {POOL_SIZE - k + 1} of the {POOL_SIZE} connections were "
                    f"free: the pool let only {_THREADS.get(k - 1, k - 1)} hold a connection at once, not {POOL_SIZE}.",
                    "A Lock lets one thread in; a BoundedSemaphore(size) lets size threads in. Acquire it in get() "
                    "and release it in put().",
                )
            self.not_stopped()
            if runner.error is not None:
                raise _Verdict(f"{when}, get() raised {exception_line(runner.error)}.", _RETRY)
            if (conn := runner.value) is None:
                raise _Verdict(
                    f"{when}, get() returned None instead of a connection.", "Return the connection you took."
                )
            if any(_same(conn, other) for other in conns):
                raise _Verdict(
                    f"{when}, get() handed out {conn!r} twice, to two threads at once: it returned a connection "
                    "without taking it out of the free list.",
                    "Take the connection out of the list in get() (self.free.pop()) and append it back in put().",
                )
            conns.append(conn)
        return conns

    def fourth_get(self, conns: list[Any], when: str) -> Runner:
        """Start a get() with every connection out: it must not return (it waits until one is back)."""
        waiter = self.waiter = self.start("get")

        def wait_up_to(seconds: float, until: Callable[[], bool]) -> None:
            end = time.monotonic() + seconds
            self.trial.wait(until=lambda: waiter.done or until() or time.monotonic() > end)

        def blocked() -> bool:  # on anything the check can see
            return self.trial.blocked_on(waiter) is not None or is_waiting(waiter.thread)

        def timed() -> bool:  # blocked, with a timeout, on a guarded object
            what = self.trial.blocked_on(waiter)
            return what is not None and what[1]

        wait_up_to(POOL_WAIT_SECONDS, blocked)
        if timed():  # a timeout of its own: let it run out and see what get() does then
            wait_up_to(POOL_TIMED_WAIT, lambda: not timed())
            wait_up_to(POOL_WAIT_SECONDS, blocked)
        self.not_stopped()
        if not waiter.done:
            return waiter
        out = f"{when}, with all {POOL_SIZE} connections taken by get(), a fourth get()"
        did = f"raised {exception_line(waiter.error)}" if waiter.error is not None else f"returned {waiter.value!r}"
        if self.did("gave up", waiter):
            raise _Verdict(
                f"{out} got no permit from acquire() (it returned False: a timeout ran out, or blocking=False), "
                f"and then {did}.",
                "Look at what acquire() returns: False means no permit. Or call acquire() with no timeout, so get() "
                "waits until a connection is free.",
            )
        if waiter.error is not None:
            if self.did("released", waiter):
                hint = (
                    "get() gave its permit back before it returned (a with block on the semaphore, or a release() "
                    "in get()): keep the permit while the connection is out, and release it in put()."
                )
            elif not self.semaphores:
                hint = _NO_LIMIT_HINT
            else:
                hint = "Acquire a permit at the start of get(): with every connection out, acquire() waits."
            raise _Verdict(f"{out} {did}: get() must wait until a connection is free.", hint)
        held = any(_same(waiter.value, conn) for conn in conns)
        raise _Verdict(
            f"{out} {did} without waiting"
            + (", a connection another thread was still holding." if held else ".")
            + " The pool let four threads in.",
            _NO_LIMIT_HINT if not self.semaphores else "get() must wait while all connections are out: acquire first.",
        )

    def give_one_back(self, conns: list[Any], waiter: Runner, when: str) -> Any:
        """put() the first connection back while a get() waits: that get() must end with exactly that connection."""
        self.hold_put = f"put {self.calls + 1}"
        giver = self.start("put", conns[0])
        self.trial.wait(runners=[giver, waiter])
        self.waiter, self.hold_put = None, ""
        stuck = giver.done and not giver.cancelled and giver.error is None and waiter.cancelled
        if stuck and self.trial.gave_up == "deadlock":
            raise _Verdict(
                f"{when}, a get() was waiting for a connection and put() gave one back, but the get() went on "
                "waiting: nothing woke it.",
                "put() must give the permit back (release()) so that a waiting get() can go on."
                if self.semaphores and not self.did("released", giver)
                else "put() must wake a get() that waits: release the permit, or notify the condition it waits on.",
            )
        self.not_stopped()
        if giver.error is not None:
            raise _put_failed(when, giver, ": it puts it back and releases one permit")
        if waiter.error is not None:
            if isinstance(waiter.error, IndexError) and self.did("acquired", waiter):
                raise _Verdict(
                    f"{when}, a get() waiting for a connection raised {exception_line(waiter.error)} when put() gave "
                    "one back: put() released the permit before the connection was back in the list, so the get() it "
                    "woke found the list still empty. (The check paused put() right after its release() until the "
                    "woken get() was done: the operating system can pause a thread there too.)",
                    "In put(), release the permit and append the connection inside one with self.lock: block, the "
                    "lock get() takes to pop (release first, then append: a release() that raises adds nothing).",
                )
            raise _Verdict(f"{when}, a get() waiting for a connection raised {exception_line(waiter.error)}.", _RETRY)
        if not _same(waiter.value, conns[0]):
            held = any(_same(waiter.value, conn) for conn in conns[1:])
            raise _Verdict(
                f"{when}, put() gave back {conns[0]!r} while a get() waited, and that get() returned "
                f"{waiter.value!r}" + (", a connection another thread was still holding." if held else "."),
                "get() must return a connection from the free list, and put() must add it to that list.",
            )
        return waiter.value

    def cycle(self, when: str, known: list[Any] | None = None) -> list[Any]:
        """Take every connection, see a fourth get() wait for the one given back, then give them all back."""
        conns = self.take_all(when)
        if known is not None and not all(any(_same(conn, first) for first in known) for conn in conns):
            raise _Verdict(
                f"{when}, get() handed out {conns!r}, not the {POOL_SIZE} connections of the pool.",
                "A put() that raises must not add anything to the free list.",
            )
        got = self.give_one_back(conns, self.fourth_get(conns, when), when)
        for conn in [*conns[1:], got]:
            giver = self.call("put", conn)
            if giver.error is not None:
                raise _put_failed("giving the connections back", giver)
        return conns

    def refuse(self, conn: Any, what: str) -> None:
        """put(conn) with every connection back: it must raise ValueError and leave the pool as it was."""
        extra = self.call("put", conn)
        said = f"with every connection back, put({conn!r}), {what},"
        if extra.error is None:
            if self.did("refused", extra):
                hint = "put() caught the ValueError that BoundedSemaphore.release() raised: let it reach the caller."
            elif any(isinstance(s, GuardedBoundedSemaphore) for s in self.semaphores):
                hint = "Release the BoundedSemaphore in every put(): its release() raises the ValueError for you."
            elif self.semaphores:
                hint = (
                    "A plain Semaphore accepts every release(); threading.BoundedSemaphore(size) raises ValueError "
                    "when a release would go above size."
                )
            else:
                hint = (
                    "Count the free connections with threading.BoundedSemaphore(size): its release() raises ValueError."
                )
            raise _Verdict(
                f"{said} was accepted without an error: the pool now counts {POOL_SIZE + 1} free connections and "
                "would let a fourth thread in.",
                hint,
            )
        if not isinstance(extra.error, ValueError):
            raise _Verdict(
                f"{said} raised {exception_line(extra.error)} instead of ValueError.",
                "Let the ValueError of BoundedSemaphore.release() reach the caller.",
            )
        self.trial.errors.remove((extra, extra.error))  # the error asked for: not a problem of the run
        if where := self.copies(conn):
            raise _Verdict(
                f"{said} raised ValueError, but {where} holds it anyway: the connection was added before the error.",
                "In put(), release the permit first and append the connection after it, both inside the lock: if "
                "release() raises, nothing is added.",
            )


def _pool_crowd(connection_pool: Any) -> tuple[str, str] | None:
    """``(message, hint)`` if threads sharing a new pool ever held one connection together, or more than its size."""
    guard = threading.Lock()
    in_use: list[Any] = []
    seen: dict[str, Any] = {"most": 0, "shared": None}

    def use(pool: Any) -> None:
        for _ in range(POOL_USES):
            conn = pool.get()
            with guard:
                if any(_same(conn, other) for other in in_use):
                    seen["shared"] = conn
                in_use.append(conn)
                seen["most"] = max(seen["most"], len(in_use))
            time.sleep(0.001)
            with guard:
                in_use.remove(conn)
            pool.put(conn)

    with Trial(what="your pool") as trial:
        made = trial.call("ConnectionPool", connection_pool, POOL_SIZE)
        if trial.gave_up is None and made.error is None:  # else the trial's trouble() says what happened
            trial.adopt(made.value)
            trial.run([(f"user {i}", use, (made.value,)) for i in range(1, POOL_THREADS + 1)])
    hint = "Take connections out of the list and put them back inside the pool's lock."
    if (problem := trial.trouble()) is not None:
        return problem
    if seen["shared"] is not None:
        return f"two threads held {seen['shared']!r} at the same time.", hint
    if seen["most"] > POOL_SIZE:
        return f"more than {POOL_SIZE} threads held a connection at the same time.", hint
    return None


def check_connection_pool(connection_pool: Any) -> CheckResult:
    """Exercise 8.1: a pool that hands out at most ``size`` connections at once and refuses an extra ``put()``."""
    definition = "class ConnectionPool: and the methods __init__, get and put."
    if (verdict := first_fault("8.1", connection_pool, definition)) is not None:
        return verdict
    problem = None
    with Trial(what="your pool") as trial:
        try:
            run = _Pool(trial, connection_pool)
            conns = run.cycle(f"in a new pool of {POOL_SIZE}")
            run.refuse(conns[0], "a connection already back")
            run.refuse(STRANGER, "one the pool never handed out")
            run.cycle("after the refused put() calls", conns)
        except _Verdict as found:
            problem = found.args
    if (problem := problem or trial.trouble()) is not None:
        message, hint = problem
        note = trial.stuck_note()
        return not_yet("8.1", message + ("" if note in message else note), hint)
    if (problem := _pool_crowd(connection_pool)) is not None:
        return not_yet("8.1", f"with {POOL_THREADS} threads using a new pool at once, {problem[0]}", problem[1])
    return passed(
        "8.1",
        f"the pool handed its {POOL_SIZE} connections to {POOL_SIZE} threads at once; a fourth get() waited until "
        "one came back and got exactly that one, even with put() paused right after its release(); with every "
        "connection back, a put() of a connection already back and one of a stranger each raised ValueError and "
        f"changed nothing; and {POOL_THREADS} threads sharing a pool never went over the limit.",
    )


# -- exercise 8.2 ----------------------------------------------------------------------

PHASE_THREADS = 4
#: The task's limit: a worker whose barrier cannot fill gives up within this many seconds.
PHASE_PATIENCE = 1.0
#: Extra seconds allowed past PHASE_PATIENCE for a timeout to end on a loaded machine.
PHASE_SLACK = 0.3
#: The order in which the held threads finish step_one, in the runs with every thread.
PHASE_ORDERS = ((0, 1, 2, 3), (3, 2, 1, 0))
#: Seconds the check waits for a thread let out of step_one to block, finish or run step_two.
PHASE_SETTLE = 0.3


class _PhaseBarrier(GuardedBarrier):
    """One 8.2 run: ``threads`` workers T1, T2... on this barrier (with ``held``, each waits in step_one), what
    they did, in order (``(what, thread number)``), and when step_one ended."""

    def __init__(self, trial: Trial, phase_worker: Callable[..., Any], threads: int, held: bool) -> None:
        super().__init__(trial, PHASE_THREADS, name="the barrier")
        self.events: list[tuple[str, int]] = []
        self.one_done: dict[int, float] = {}
        self.waits = 0
        self.gates = [trial.event(f"the check (step_one of T{i + 1})") for i in range(threads)] if held else []
        self.runners = [trial.start(f"T{i + 1}", phase_worker, self, *self.steps(i)) for i in range(threads)]

    def steps(self, i: int) -> tuple[Callable[[], None], Callable[[], None]]:
        def step_one() -> None:
            if self.gates:
                self.gates[i].wait()
            self.events.append(("one", i))
            self.one_done.setdefault(i, time.monotonic())

        def step_two() -> None:
            self.events.append(("two", i))

        return step_one, step_two

    def did(self, what: str) -> list[int]:
        """The numbers of the threads that did ``what`` (``"one"``, ``"wait"``, ``"two"``), in order."""
        return [i for kind, i in self.events if kind == what]

    def wait(self, timeout: float | None = None) -> int:
        self.waits += 1
        name = threading.current_thread().name
        if name.startswith("T") and name[1:].isdigit():
            self.events.append(("wait", int(name[1:]) - 1))
        return super().wait(timeout)


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _phase_together(phase_worker: Callable[..., Any], order: tuple[int, ...]) -> CheckResult | None:
    with Trial(what="phase_worker") as trial:
        barrier = _PhaseBarrier(trial, phase_worker, PHASE_THREADS, held=True)

        def settled(i: int) -> bool:
            runner = barrier.runners[i]
            what = trial.blocked_on(runner)
            blocked = (what is not None and "the check" not in what[0]) or is_waiting(runner.thread)
            return runner.done or blocked or bool(barrier.did("two"))

        *first, last = order
        for i in first:
            barrier.gates[i].set()
            end = time.monotonic() + PHASE_SETTLE
            waited = trial.wait(until=lambda i=i, end=end: settled(i) or time.monotonic() > end)
            if not waited or barrier.did("two"):
                break
        early = barrier.did("two")
        barrier.gates[last].set()
        trial.wait()
    if early:
        j, events = early[0], barrier.events
        hint = "Between the two steps, wait for the others: step_one(), barrier.wait(timeout=1), step_two()."
        if ("one", j) not in events:
            what = "ran step_two without calling step_one"
        elif barrier.waits == 0:
            what = "never waited on the barrier"
        elif ("wait", j) in events and events.index(("wait", j)) < events.index(("one", j)):
            what = "waited at the barrier before its step_one, not between the two steps"
            hint = "Wait after step_one() and before step_two()."
        else:
            what = "ran step_two before the others were through step_one"
        return not_yet(
            "8.2",
            f"a thread began step_two while another thread was still inside step_one (the check held each thread in "
            f"step_one and let them finish one at a time): your worker {what}." + trial.stuck_note(),
            hint,
        )
    if isinstance(trial.first_error(), threading.BrokenBarrierError):
        if barrier.waits == 0:
            return not_yet(
                "8.2",
                "phase_worker raised BrokenBarrierError without waiting on the barrier passed in as barrier: it "
                "waited on a barrier of its own." + trial.stuck_note(),
                "Use the barrier argument: every thread gets the same one. A barrier made inside the function is a "
                "new one in every thread.",
            )
        return not_yet(
            "8.2",
            "the barrier broke although all four threads came (the check let each finish step_one within a few "
            "milliseconds of the one before): a wait gave up too early, or a thread called abort()."
            + trial.stuck_note(),
            "Give the wait a timeout long enough for the slowest step_one, and at most 1 s: barrier.wait(timeout=1).",
        )
    if (problem := trial.trouble()) is not None:
        return not_yet("8.2", *problem)
    ones, twos = barrier.did("one"), barrier.did("two")
    if not sorted(ones) == sorted(twos) == [*range(PHASE_THREADS)]:
        return not_yet(
            "8.2",
            f"with four threads, step_one was called {_times(len(ones))} and step_two {_times(len(twos))} in all; "
            "each thread must call each step once.",
            "Call step_one() once, then barrier.wait(timeout=1), then step_two() once, in every thread.",
        )
    if barrier.waits == 0:
        return not_yet(
            "8.2",
            "the threads kept in step, but not with the barrier passed in as barrier: phase_worker never called "
            "its wait().",
            "Use the barrier argument: barrier.wait(timeout=1) between the two steps.",
        )
    return None


def _phase_missing(phase_worker: Callable[..., Any]) -> CheckResult | None:
    with Trial(what="phase_worker") as trial:
        barrier = _PhaseBarrier(trial, phase_worker, PHASE_THREADS - 1, held=False)
        runners = barrier.runners

        def overdue() -> bool:
            now = time.monotonic()
            limit = PHASE_PATIENCE + PHASE_SLACK
            return any(not r.done and now - barrier.one_done.get(i, now) > limit for i, r in enumerate(runners))

        trial.wait(until=lambda: all(r.done for r in runners) or overdue())
        late = [i for i, r in enumerate(runners) if not r.done]
        timed = [i for i in late if (what := trial.blocked_on(runners[i])) is not None and "barrier" in what[0]]
        if late and trial.gave_up is None:
            trial.give_up("too late")
    missing = f"with one of the {PHASE_THREADS} threads missing"
    if trial.gave_up == "deadlock" and barrier.waits:
        return not_yet(
            "8.2",
            f"{missing}, the other three waited at the barrier with no timeout: they would have waited forever, so "
            "the check stopped them." + trial.stuck_note(),
            "Give the wait a timeout of at most 1 s: barrier.wait(timeout=1). It raises BrokenBarrierError when "
            "the others do not all come.",
        )
    if late and trial.first_error() is None:
        if timed:
            message = (
                f"{missing}, the other threads were still waiting at the barrier more than {PHASE_PATIENCE:g} s after "
                "they got there: the timeout is longer than the task allows."
            )
            hint = "Wait at most 1 s: barrier.wait(timeout=1)."
        else:
            message = (
                f"{missing}, the other threads were still busy more than {PHASE_PATIENCE:g} s after their step_one, "
                "without giving up (a loop that waits for the others?)."
            )
            hint = "Wait with barrier.wait(timeout=1): it gives up for you and raises BrokenBarrierError."
        return not_yet("8.2", message + trial.stuck_note(), hint)
    if barrier.did("two"):
        return not_yet(
            "8.2",
            f"{missing}, step_two still ran: the worker carried on after the barrier broke.",
            "Let the BrokenBarrierError from barrier.wait() propagate: don't catch it and carry on.",
        )
    errors = [r.error for r in runners]
    if all(isinstance(e, threading.BrokenBarrierError) for e in errors):
        return None
    other = next((e for e in errors if e is not None and not isinstance(e, threading.BrokenBarrierError)), None)
    if isinstance(other, SystemExit) and (problem := trial.trouble()) is not None:
        return not_yet("8.2", *problem)  # its hint says what sys.exit() does in a thread
    if other is not None:
        return not_yet(
            "8.2",
            f"{missing}, phase_worker raised {exception_line(other)} instead of letting BrokenBarrierError propagate."
            + trial.stuck_note(),
            "Don't catch the BrokenBarrierError (or raise it again with a bare raise): the caller wants to know "
            "that the phase failed.",
        )
    return not_yet(
        "8.2",
        f"{missing}, phase_worker returned quietly without running step_two: the caller cannot tell that the phase "
        "failed." + trial.stuck_note(),
        "Let the BrokenBarrierError from barrier.wait() propagate: don't catch it (or re-raise it with a bare raise).",
    )


def check_phase_worker(phase_worker: Callable[..., Any]) -> CheckResult:
    """Exercise 8.2: ``phase_worker(barrier, step_one, step_two)`` keeps threads in step, and gives up in time."""
    runs = [*(partial(_phase_together, order=order) for order in PHASE_ORDERS), _phase_missing]
    definition = "def phase_worker(barrier, step_one, step_two):"
    if (verdict := first_fault("8.2", phase_worker, definition, runs)) is not None:
        return verdict
    return passed(
        "8.2",
        f"held in step_one and let go one at a time, in two orders, no thread began step_two before all "
        f"{PHASE_THREADS} had finished step_one; with one thread missing, the other three raised BrokenBarrierError "
        f"within about {PHASE_PATIENCE:g} s and skipped step_two.",
    )
