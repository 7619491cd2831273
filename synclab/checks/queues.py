"""Checks for the exercises of notebook 06. The check's :class:`Queue` waits in slices and, once cancelled,
raises :class:`Cancelled` in every thread blocked on it. 6.1: ``first()`` starts no item until all are put,
then stalls, so a pipeline that stops on a flag or an idle timeout loses items; sentinels come late, so one that
does not join is seen. 6.2: the tasks meet at a barrier, end in reverse order, a slow one next to the failing one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from queue import Empty
from queue import Queue as _StdQueue
from typing import Any, ClassVar

from synclab._threads import raise_in_thread
from synclab.checks._base import CheckResult, excepthook_filter, exception_line, first_fault, not_yet, passed

SLICE = 0.02  # seconds a blocked get/put/join waits before it looks at the cancel flag again
STALL = 0.1  # seconds every first() waits after the last item was put (the forced window of 6.1)
IDLE_PROBE_LIMIT = 2.2  # most seconds the idle probe waits for timed get()s to time out once (a longer idle fails)
SENTINEL_DELAY = 0.03  # seconds a sentinel (or ShutDown) is held back before it reaches the worker
LAST_DELAY = 0.06  # seconds the last item's second() takes
WORK = 0.001  # seconds each first() and second() works on an item
RUN_DEADLINE = 2.0  # seconds a run may take beyond its forced stall before the check gives up on it
CLEANUP_SECONDS = 0.3  # seconds the check gives threads to stop once cancelled, before it interrupts them

_SHUTDOWN = getattr(__import__("queue"), "ShutDown", ())  # queue.ShutDown from Python 3.13, else catch nothing


class Cancelled(SystemExit):
    """Raised in a thread the check stopped: a ``SystemExit``, so ``except Exception`` lets it through and a
    thread it ends goes quietly (``threading.excepthook`` prints nothing), even after the check is over."""


class _Run:
    """One run of a check: the caller (the thread that calls the learner's function) and what the threads did."""

    def __init__(self) -> None:
        # What the threads note, they note in one call on a dict, list or set (atomic, so no lock).
        self.caller: threading.Thread | None = None
        self.threads: dict[int, threading.Thread] = {}
        self.died: list[BaseException] = []  # what killed a thread (not Cancelled)
        self.value: Any = None  # what the caller's call returned...
        self.raised: BaseException | None = None  # ...or raised
        self.returned = threading.Event()
        self.before: Collection[threading.Thread] = ()  # the threads that were there before the run

    def touch(self) -> threading.Thread:
        me = threading.current_thread()
        self.threads.setdefault(me.ident or 0, me)
        return me

    def learner_threads(self) -> list[threading.Thread]:
        return list(self.threads.values())

    def note_death(self, args: threading.ExceptHookArgs) -> bool:
        """For :func:`excepthook_filter`: note a thread's death in :attr:`died` instead of printing it."""
        if args.exc_value is not None and not isinstance(args.exc_value, Cancelled):
            self.died.append(args.exc_value)
        return True

    def call(self, name: str, fn: Callable[[], Any]) -> None:
        """Start the caller: it calls ``fn()`` (the learner's function) and notes how it ended."""

        def body() -> None:
            self.touch()
            try:
                self.value = fn()
            except BaseException as exc:  # the learner's code raised: feedback
                self.raised = exc
            finally:
                self.returned.set()

        self.caller = threading.Thread(target=body, name=name, daemon=True)
        self.caller.start()

    def pending(self) -> list[threading.Thread]:
        return [self.caller, *self.learner_threads()]

    def stop(self) -> list[threading.Thread]:
        """Cancel, give the threads :data:`CLEANUP_SECONDS` to end, then raise :class:`Cancelled` in them (3 times)."""
        self.cancel()
        me = threading.current_thread()

        def alive() -> list[threading.Thread]:
            return [t for t in self.pending() if t.is_alive() and t is not me]

        def newcomers() -> list[threading.Thread]:
            return [t for t in threading.enumerate() if t not in self.before and t is not me and t.is_alive()]

        def join(until: float, running: Callable[[], list[threading.Thread]]) -> None:
            while (left := running()) and time.monotonic() < until:
                left[0].join(0.02)

        join(time.monotonic() + CLEANUP_SECONDS, lambda: alive() or newcomers())
        for attempt in range(3):
            for thread in alive():
                if thread.ident is not None:
                    raise_in_thread(thread.ident, Cancelled)
            join(time.monotonic() + 0.2 * (attempt + 1), alive)
        return alive()


def _noted(verdict: tuple[str, str] | None, stuck: Sequence[threading.Thread]) -> tuple[str, str] | None:
    """``verdict``, its message followed by a word on the threads the check could not stop."""
    if verdict is None or not stuck:
        return verdict
    return (
        f"{verdict[0]} {len(stuck)} of your threads could not be stopped (they catch every exception, or wait on "
        "something of their own); restart the kernel to get rid of them.",
        verdict[1],
    )


# -- exercise 6.1: a two-stage pipeline -------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Token:
    """A numbered object the check hands out and recognises by its type (equal only to itself)."""

    number: int
    label: ClassVar[str] = "token {}"

    def __repr__(self) -> str:
        return self.label.format(self.number)


class _Item(_Token):  # an item of exercise 6.1
    label = "item {}"


class _Result(_Token):  # what first(item) returns
    label = "result of item {}"


class _Sliced(threading.Condition):
    """A condition of a :class:`Queue`: a wait in it lasts at most :data:`SLICE` s (the queue's own loop waits
    again), raises :class:`Cancelled` once the queue is cancelled, and notes the thread as waiting to ``what``."""

    def __init__(self, queue: Queue, what: str) -> None:
        super().__init__(queue.mutex)
        self.queue = queue
        self.what = what

    def wait(self, timeout: float | None = None) -> bool:
        me = threading.current_thread()
        self.queue.check_cancelled()
        self.queue.waiting[me] = self.what  # under the queue's mutex, which its loop holds between two waits
        try:
            return super().wait(SLICE if timeout is None else min(SLICE, timeout))
        finally:
            del self.queue.waiting[me]


class Queue(_StdQueue):  # type: ignore[type-arg]
    """A :class:`queue.Queue` a check can watch and, when it gives up, unblock."""

    def __init__(self, name: str, maxsize: int, run: _PipelineRun) -> None:
        super().__init__(maxsize)
        self.name = name
        self._run = run
        self._cancelled = False
        self.not_empty, self.not_full = _Sliced(self, "get"), _Sliced(self, "put")
        self.all_tasks_done = _Sliced(self, "join")
        self.waiting: dict[threading.Thread, str] = {}
        self.getters: set[threading.Thread] = set()
        self.timed_out: set[threading.Thread] = set()
        self.with_timeout: set[threading.Thread] = set()
        self.polled_empty: set[threading.Thread] = set()  # a get(block=False) found the queue empty
        self.sentinel_takers: set[threading.Thread] = set()
        self.results_put: set[int] = set()
        self.item_puts = 0

    def cancel(self) -> None:
        """Wake every thread blocked on this queue with :class:`Cancelled`, now and later."""
        self._cancelled = True
        with self.mutex:
            for condition in (self.not_empty, self.not_full, self.all_tasks_done):
                condition.notify_all()

    def check_cancelled(self) -> None:
        if self._cancelled:
            time.sleep(SLICE)  # a loop that swallows Cancelled spins slowly, not at full speed
            raise Cancelled(f"the check stopped this thread in {self.name}")

    def _took_sentinel(self, me: threading.Thread) -> None:
        self.sentinel_takers.add(me)
        time.sleep(SENTINEL_DELAY)  # forced window: a thread that was told to stop is seen alive a while

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        me = self._run.touch()
        self.getters.add(me)
        if block and timeout is not None:
            self.with_timeout.add(me)
        self.check_cancelled()
        try:
            item = super().get(block, timeout)
        except Empty:
            if not block:
                self.polled_empty.add(me)
            self.timed_out.add(me)
            raise
        except _SHUTDOWN:
            self._took_sentinel(me)
            raise
        if not isinstance(item, (_Item, _Result)):
            self._took_sentinel(me)
        return item

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        self._run.touch()
        self.check_cancelled()
        run = self._run
        if isinstance(item, _Item) and self.item_puts == 0 and run.setting.idle_probe and self is run.inbox:
            run.wait_for_timeouts(self)  # hold the first item back until idle workers have timed out once
        super().put(item, block, timeout)
        if isinstance(item, _Item):
            self.item_puts += 1
            if self is run.inbox and self.item_puts >= len(run.items):
                run.last_put = time.monotonic()
                run.all_put.set()
        elif isinstance(item, _Result):
            self.results_put.add(id(item))


@dataclass(frozen=True, slots=True)
class _Setting:
    workers: int
    items: int
    middle_size: int  # 0: unbounded
    idle_probe: bool  # hold stage 1 back until every worker waiting with a timeout timed out once


#: The runs of check 6.1: several workers with a small middle queue first (it finds most mistakes fastest),
#: then one worker per stage with the idle probe, then two workers with an unbounded middle queue.
PIPELINE_RUNS = (
    _Setting(workers=3, items=24, middle_size=2, idle_probe=False),
    _Setting(workers=1, items=6, middle_size=0, idle_probe=True),
    _Setting(workers=2, items=12, middle_size=0, idle_probe=False),
)


class _PipelineRun(_Run):
    """One run of check 6.1: the queues, ``first`` and ``second``, and what they saw."""

    def __init__(self, setting: _Setting) -> None:
        super().__init__()
        self.setting = setting
        self.items = [_Item(n) for n in range(setting.items)]
        self.inbox = Queue("inbox", 0, self)
        self.middle = Queue("middle", setting.middle_size, self)
        self.all_put = threading.Event()
        self.last_put = 0.0
        self.lock = threading.Lock()  # second() notes a call and counts the results given to it in one step
        self.first_calls: list[tuple[threading.Thread, object]] = []
        self.second_calls: list[tuple[threading.Thread, object]] = []
        self.saved: set[int] = set()
        self.misuse: list[str] = []
        self.saved_at_return = 0  # how many items were saved when pipeline() returned...
        self.alive_at_return: list[threading.Thread] = []  # ...and which of its threads were still running
        self.before = set(threading.enumerate())

    def call_pipeline(self, pipeline: Callable[..., Any]) -> None:
        pipeline(list(self.items), self.inbox, self.middle, self.first, self.second, self.setting.workers)
        self.saved_at_return = len(self.saved)
        self.alive_at_return = [t for t in self.learner_threads() if t is not self.caller and t.is_alive()]

    def wait_for_timeouts(self, queue: Queue) -> None:
        """Idle probe: wait until every worker waiting in ``queue.get`` with a timeout has timed out once."""
        until = time.monotonic() + IDLE_PROBE_LIMIT
        while time.monotonic() < until:
            with queue.mutex:
                waiting = {t for t, what in queue.waiting.items() if what == "get"}
            if not (waiting & queue.with_timeout) - queue.timed_out:
                return
            time.sleep(0.005)

    def first(self, item: object) -> object:
        me = self.touch()
        self.first_calls.append((me, item))
        if not isinstance(item, _Item):
            self.misuse.append(f"first() was called with {item!r}, which is not an item")
            return item
        if me is self.caller:  # not a worker thread: the verdict says so, no need to hold it back
            return _Result(item.number)
        self.all_put.wait(RUN_DEADLINE / 2)
        if self.all_put.is_set():
            time.sleep(max(0.0, self.last_put + STALL - time.monotonic()))
        if self.setting.idle_probe:
            self.wait_for_timeouts(self.middle)
        time.sleep(WORK)
        return _Result(item.number)

    def second(self, result: object) -> None:
        me = self.touch()
        with self.lock:
            self.second_calls.append((me, result))
            done = {r.number for _, r in self.second_calls if isinstance(r, _Result)}
            last = isinstance(result, _Result) and len(done) == len(self.items)
        if not isinstance(result, _Result):
            self.misuse.append(f"second() was called with {result!r}, which first() did not return")
            return
        time.sleep(LAST_DELAY if last else WORK)
        self.saved.add(result.number)

    def cancel(self) -> None:
        self.inbox.cancel()
        self.middle.cancel()
        self.all_put.set()


def _waits(run: _PipelineRun) -> list[tuple[threading.Thread, str, str]]:
    """``(thread, queue name, "get"/"put"/"join")`` for every thread blocked on a queue now."""
    with run.inbox.mutex, run.middle.mutex:  # a queue's loop holds its mutex between two waits
        return [(t, q.name, doing) for q in (run.inbox, run.middle) for t, doing in q.waiting.items()]


def _blocked_in(run: _PipelineRun, what: str) -> dict[str, list[threading.Thread]]:
    found: dict[str, list[threading.Thread]] = {}
    for thread, name, doing in _waits(run):
        if doing == what and thread is not run.caller:
            found.setdefault(name, []).append(thread)
    return found


_SENTINEL_HINT = (
    "After the last item, put one sentinel per stage-1 worker into inbox; a worker that takes one stops. "
    "Once every stage-1 thread is joined, put one sentinel per stage-2 worker into middle, then join the "
    "stage-2 threads."
)


def _stuck_verdict(run: _PipelineRun) -> tuple[str, str]:
    workers = run.setting.workers
    waits = next((f"{name}.{doing}()" for t, name, doing in _waits(run) if t is run.caller), None)
    if waits is not None and waits.endswith("join()"):
        return (
            f"pipeline() was still waiting in {waits} after every item had gone through: join() returns only "
            "when task_done() has been called once for every item put.",
            "Call queue.task_done() after each item a worker has finished with, or join the threads instead.",
        )
    getting = _blocked_in(run, "get")
    putting = _blocked_in(run, "put")
    if "middle" in putting and "middle" not in getting and not run.middle.getters:
        return (
            "Stage 1 was stuck in middle.put(): middle was full and no thread was taking from it yet.",
            "Start the stage-2 threads before you wait for stage 1: the stages must run at the same time.",
        )
    if "middle" in putting:
        return (
            "Stage 1 was stuck in middle.put() on a full queue: the stage-2 threads had stopped taking from it.",
            "A stage-2 worker should stop only when it takes a sentinel. " + _SENTINEL_HINT,
        )
    polling = sorted({q.name for q in (run.inbox, run.middle) for t in q.polled_empty if t.is_alive()})
    if polling:
        return (
            f"pipeline() never returned: its workers kept polling {' and '.join(polling)} with get_nowait() "
            "(or get(block=False)) on an empty queue and never stopped, with no sentinel coming for them "
            "(the check stopped them).",
            "Let a worker block in get() instead of polling: a polling loop keeps a core busy and cannot tell "
            "'nothing yet' from 'no more items'. " + _SENTINEL_HINT,
        )
    if getting:
        where = " and ".join(
            f"{len(threads)} of {workers} stage-{1 if name == 'inbox' else 2} workers were still waiting in "
            f"{name}.get()"
            for name, threads in sorted(getting.items())
        )
        return (
            f"pipeline() never returned: {where}, with no sentinel coming for them (the check stopped them).",
            "Every worker needs a sentinel of its own. " + _SENTINEL_HINT,
        )
    if waits is not None:
        return (f"pipeline() never returned: it was stuck in {waits}.", _SENTINEL_HINT)
    return (
        f"pipeline() did not return within {RUN_DEADLINE + STALL:g} s.",
        "Do the threads stop? Give every worker a sentinel, and join every thread. " + _SENTINEL_HINT,
    )


def _pipeline_once(pipeline: Callable[..., Any], setting: _Setting) -> tuple[str, str] | None:
    """``(message, hint)`` for what went wrong in one run of check 6.1, or ``None``."""
    run = _PipelineRun(setting)
    with excepthook_filter(run.note_death):
        run.call("check-6.1", lambda: run.call_pipeline(pipeline))
        deadline = RUN_DEADLINE + STALL + (IDLE_PROBE_LIMIT if setting.idle_probe else 0.0)
        finished = run.returned.wait(deadline)
        stuck_verdict = None if finished else _stuck_verdict(run)
        if finished and run.raised is None:
            # give the threads left behind the time a correct pipeline needs, to tell "early" from "lost"
            settle = time.monotonic() + STALL + 0.5
            while time.monotonic() < settle and len(run.saved) < setting.items:
                time.sleep(0.01)
        blocked_after = _blocked_in(run, "get")
        stuck = run.stop()
    return _noted(_judge_pipeline(run, stuck_verdict, blocked_after), stuck)


def _judge_pipeline(
    run: _PipelineRun, never_returned: tuple[str, str] | None, blocked_after: dict[str, list[threading.Thread]]
) -> tuple[str, str] | None:
    died = run.died  # the caller's thread catches everything: these are the learner's threads
    if never_returned is not None and died:
        message, hint = never_returned
        return (
            f"A worker thread died of {exception_line(died[0])}, and then {message[0].lower()}{message[1:]}",
            "Read the error and fix the worker. " + hint,
        )
    if never_returned is not None:
        return never_returned
    if run.raised is not None:
        return (f"pipeline() raised {exception_line(run.raised)}.", "Read the error, fix it, run the check again.")
    if died:
        return (
            f"A worker thread died of {exception_line(died[0])}; nothing told pipeline().",
            "Read the error and fix the worker.",
        )
    setting = run.setting
    caller = run.caller
    n = setting.items
    if any(t is caller for t, _ in run.first_calls + run.second_calls):
        return (
            "first() or second() ran in the thread that called pipeline(), not in worker threads.",
            "Call first() in the stage-1 threads and second() in the stage-2 threads, never in pipeline() itself.",
        )
    if run.inbox.item_puts == 0:
        return ("No item was put into inbox.", "Put every item of items into inbox: inbox.put(item).")
    if run.misuse:
        return (
            f"{run.misuse[0]}: a sentinel went through the work.",
            "Check for the sentinel right after get(), before calling first() or second(): "
            "if item is DONE: break (compare with is).",
        )
    firsts = [item.number for _, item in run.first_calls if isinstance(item, _Item)]
    if len(firsts) > len(set(firsts)):
        return ("Some items went through first() twice.", "Take each item from inbox once, with get().")
    seconds = [r.number for _, r in run.second_calls if isinstance(r, _Result)]
    if len(seconds) > len(set(seconds)):
        return ("Some results went through second() twice.", "Take each result from middle once, with get().")
    if not all(id(r) in run.middle.results_put for _, r in run.second_calls):
        return (
            "second() got results that never went through middle.",
            "Stage 1 puts first(item) into middle; stage 2 takes it from there and calls second() on it.",
        )
    lost = n - len(run.saved)
    if lost:
        quitters = {t for q in (run.inbox, run.middle) for t in q.getters - q.sentinel_takers if not t.is_alive()}
        why = (
            " A worker stopped without taking a sentinel (on a flag, or when get() timed out), while items were "
            "still on their way."
            if quitters - {caller}
            else ""
        )
        return (
            f"{lost} of {n} items never went through second(): they were lost when the pipeline shut down.{why}",
            "A worker stops only when it takes a sentinel, which comes after the last item, so everything "
            "before it is done first. A flag or a timeout is not 'no more items'. " + _SENTINEL_HINT,
        )
    if run.saved_at_return < n:
        where = ", and left threads waiting in get() forever" if blocked_after else ""
        return (
            f"pipeline() returned before every item had been through second(){where}.",
            "Before returning, wait for the work to finish: join every stage-2 thread. " + _SENTINEL_HINT,
        )
    if blocked_after:
        return (
            "pipeline() returned with worker threads still waiting in get(), for a sentinel that never came "
            "(the check stopped them).",
            "Every worker needs a sentinel of its own. " + _SENTINEL_HINT,
        )
    if run.alive_at_return:
        return (
            "pipeline() returned while some worker threads were still running.",
            "Join every thread before returning: for thread in threads: thread.join().",
        )
    for stage, queue in ((1, run.inbox), (2, run.middle)):
        threads = {t for t in queue.getters if t is not caller}
        if len(threads) != setting.workers:
            return (
                f"With workers={setting.workers}, stage {stage} took items in {len(threads)} thread(s).",
                f"Start workers threads for each stage, each taking from {queue.name} with get().",
            )
    return None


def check_pipeline(pipeline: Callable[..., Any]) -> CheckResult:
    """Exercise 6.1: ``pipeline(items, inbox, middle, first, second, workers)`` passes every item through two stages."""
    exercise = "6.1"
    verdict = first_fault(exercise, pipeline, "def pipeline(items, inbox, middle, first, second, workers):")
    if verdict is not None:
        return verdict
    for number, setting in enumerate(PIPELINE_RUNS, start=1):
        if (fault := _pipeline_once(pipeline, setting)) is not None:
            where = f" (run {number} of {len(PIPELINE_RUNS)}, workers={setting.workers})"
            return not_yet(exercise, fault[0] + where, fault[1])
    return passed(
        exercise,
        f"in all {len(PIPELINE_RUNS)} runs (1 to 3 workers per stage) every item went through first() and "
        "second() exactly once, in worker threads, and when pipeline() returned every thread had finished.",
    )


# -- exercise 6.2: an exception that reaches the caller -------------------------------

TASKS = 3  # tasks per run of check 6.2
TOGETHER_SECONDS = 1.0  # seconds the tasks wait for each other at the start before the check calls them serial
SLOW_SECONDS = 0.25  # seconds the slow task runs next to the failing one
ORDER_GAP = 0.05  # seconds between the ends of the tasks when none fails (they end in reverse order)
RUN_ALL_DEADLINE = 2.0  # seconds run_all may take before the check gives up on it


class _Value(_Token):  # what a task of exercise 6.2 returns
    label = "value {}"


class _TaskRun(_Run):
    """One run of check 6.2: the tasks and what they saw."""

    def __init__(self, failing: int | None) -> None:
        super().__init__()
        self.failing = failing
        self.error = ValueError(f"task {failing} failed")  # raised by the failing task, if any
        self.barrier = threading.Barrier(TASKS)
        self.apart = False
        self.ran_in: dict[int, threading.Thread] = {}
        self.finished: set[int] = set()
        self.ended: set[int] = set()  # the tasks finished when run_all() returned or raised
        self.values = [_Value(i) for i in range(TASKS)]
        self.done = [threading.Event() for _ in range(TASKS)]

    def pending(self) -> list[threading.Thread]:
        return [self.caller, *(t for number, t in list(self.ran_in.items()) if number not in self.finished)]

    def cancel(self) -> None:
        self.barrier.abort()

    def task(self, number: int) -> Callable[[], _Value]:
        def task() -> _Value:
            me = self.touch()
            self.ran_in[number] = me
            try:
                self.barrier.wait(TOGETHER_SECONDS)
            except threading.BrokenBarrierError:
                self.apart = True
            try:
                if self.failing is None:
                    if not self.apart and number + 1 < TASKS:  # forced: the last task finishes first...
                        self.done[number + 1].wait(TOGETHER_SECONDS)
                        time.sleep(ORDER_GAP)  # ...and the others well after it, one by one
                elif number == self.failing:
                    raise self.error
                elif number == (self.failing + 1) % TASKS:
                    time.sleep(SLOW_SECONDS)
                return self.values[number]
            finally:
                self.finished.add(number)
                self.done[number].set()

        task.__name__ = task.__qualname__ = f"task_{number}"
        return task


def _run_all_once(run_all: Callable[[list[Callable[[], Any]]], Any], failing: int | None) -> tuple[str, str] | None:
    run = _TaskRun(failing)

    def call() -> Any:
        try:
            return run_all([run.task(i) for i in range(TASKS)])
        finally:
            run.ended.update(run.finished)

    stuck: list[threading.Thread] = []
    with excepthook_filter(run.note_death):
        run.call("check-6.2", call)
        done = run.returned.wait(RUN_ALL_DEADLINE)
        if done:  # threads of a pool may stay alive, idle: only the tasks must end
            until = time.monotonic() + SLOW_SECONDS + CLEANUP_SECONDS
            while len(run.finished) < len(run.ran_in) and time.monotonic() < until:
                time.sleep(0.005)
        else:
            stuck = run.stop()
    return _noted(_judge_run_all(run, done), stuck)


def _judge_run_all(run: _TaskRun, done: bool) -> tuple[str, str] | None:
    failing, value, error = run.failing, run.value, run.raised  # read once run_all() is done: never a Cancelled
    if not done:
        return (
            f"run_all() did not return within {RUN_ALL_DEADLINE:g} s"
            + (" after a task raised" if failing is not None else "")
            + "; the check stopped it.",
            "Wait for each task with future.result() or thread.join(), not in a loop that polls for results.",
        )
    if any(t is run.caller for t in run.ran_in.values()):
        return (
            "The tasks ran one after another in the thread that called run_all(), not in worker threads.",
            "Submit each task to a concurrent.futures.ThreadPoolExecutor (or start a thread per task).",
        )
    if len(run.ran_in) < TASKS:
        what = exception_line(error) if error is not None else "nothing"
        return (f"Only {len(run.ran_in)} of {TASKS} tasks ran (run_all() raised {what}).", "Run every task in tasks.")
    if run.apart:
        return (
            f"The {TASKS} tasks did not run at the same time: each waited at the start for the others, in vain.",
            "Give every task a thread of its own: ThreadPoolExecutor(max_workers=len(tasks)), or one Thread each.",
        )
    if failing is None:
        if error is not None:
            return (
                f"No task raised, but run_all() raised {exception_line(error)}.",
                "Read the error, fix it, run the check again.",
            )
        if isinstance(value, (list, tuple)) and any(isinstance(v, Future) for v in value):
            return (
                "run_all() returned Future objects, not the tasks' results.",
                "Call result() on each future: it waits for the task and gives its return value (or raises its "
                "exception).",
            )
        if not isinstance(value, (list, tuple)) or list(value) != run.values:
            return (
                f"run_all() returned {value!r}, expected the results in the order of tasks: {run.values!r}.",
                "Return [future.result() for future in futures], in the order you submitted them (the tasks "
                "finish in another order).",
            )
        return None
    if error is None:
        where = (
            " It died in its worker thread: threading.excepthook saw it, nobody else did."
            if any(exc is run.error for exc in run.died)  # the caller's thread catches everything
            else " It was swallowed on the way."
        )
        return (
            f"Task {failing} raised {exception_line(run.error)}, but run_all() returned normally.{where}",
            "Call future.result() for every task: it raises the task's exception in the caller. Don't catch it.",
        )
    if error is not run.error and error.__cause__ is not run.error:
        return (
            f"Task {failing} raised {exception_line(run.error)}, but run_all() raised {exception_line(error)} "
            "instead, without the task's exception as its cause.",
            "Let the task's own exception through (future.result() re-raises it), or chain it: raise ... from error.",
        )
    if len(run.ended) < TASKS:
        return (
            "run_all() raised the task's exception while another task was still running.",
            "Wait for every task before you raise: with ThreadPoolExecutor() as pool: ... waits for all of them "
            "when the block ends; or join every thread first.",
        )
    return None


def check_run_all(run_all: Callable[[list[Callable[[], Any]]], Any]) -> CheckResult:
    """Exercise 6.2: ``run_all(tasks)`` runs the tasks in threads, returns their results, re-raises their exception."""
    exercise = "6.2"
    if (verdict := first_fault(exercise, run_all, "def run_all(tasks):")) is not None:
        return verdict
    for number, failing in enumerate((None, 1, 0), start=1):
        if (fault := _run_all_once(run_all, failing)) is not None:
            return not_yet(exercise, fault[0] + f" (run {number} of 3)", fault[1])
    return passed(
        exercise,
        f"the {TASKS} tasks ran at the same time in worker threads, their results came back in order, and a "
        "task's exception reached the caller of run_all() once every task had finished.",
    )
