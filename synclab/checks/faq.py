"""Check of exercise 11.1 (notebook 11) and the self-check questions that close the course.

11.1: a writer updates ``stats`` under its lock with a forced window between its two updates while
``read_mean`` runs; then the check holds the lock mid-update as ``read_mean`` starts. Every call must
read both fields in one hold and return ``total / count`` of what it read."""

from __future__ import annotations

import html
import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from synclab._validate import check_int
from synclab.checks._base import Call, CheckResult, Trial, call_faults, first_fault, not_yet, passed
from synclab.checks._guards import Observed, Watched
from synclab.experiments.counter import YIELD_SECONDS

EXERCISE = "11.1"
#: Every measurement the writer records alongside the readers (the mean stays 10)...
MEASUREMENT = 10
#: ...and the one recorded by the update the busy-lock run finishes: the mean becomes 22.5, so a
#: read_mean that returns 10 (hard-coded, or a mean it read before) or rounds is caught.
LAST_MEASUREMENT = 35
#: Scenario 1: updates the writer makes, readers, and calls of read_mean each reader makes.
WRITES = 20
READERS = 2
CALLS = 30

_TOGETHER = "Read both fields inside one with stats.lock: block: with stats.lock: return stats.total / stats.count"


class Stats(Observed):
    """The two fields of exercise 11.1: ``total`` is ``10 * count`` between the writer's updates."""

    count = Watched()
    total = Watched()

    def __init__(self, trial: Trial) -> None:
        self.lock = trial.lock("stats.lock")
        super().__init__(self.lock, count=1, total=MEASUREMENT)

    def __repr__(self) -> str:
        return f"Stats(count={self.peek('count')!r}, total={self.peek('total')!r})"


@dataclass
class Reading(Call):
    """One call of ``read_mean``: what it returned and what it read."""

    count: tuple[Any, tuple[int | None, ...]] | None = None
    total: tuple[Any, tuple[int | None, ...]] | None = None


def _judge(readings: list[Reading], stats: Stats, trial: Trial) -> CheckResult | None:
    if (fault := call_faults(EXERCISE, trial, readings, lock="stats.lock", waiters="the writer")) is not None:
        return fault
    gave_up = " after an attempt to take it gave up (acquire returned False)" if stats.lock.failed else ""
    for r in readings:
        fields = (("stats.total", r.total), ("stats.count", r.count))
        if missing := [name for name, read in fields if read is None]:
            return not_yet(
                EXERCISE,
                f"read_mean returned without reading {' and '.join(missing)}: the mean must come from the recorded "
                "fields.",
                "Return stats.total / stats.count, read inside with stats.lock:.",
            )
        if unlocked := [name for name, read in fields if None in read[1]]:
            return not_yet(
                EXERCISE,
                f"read_mean read {' and '.join(unlocked)} while not holding stats.lock{gave_up}: the writer can be "
                "between its two updates at that moment.",
                _TOGETHER,
            )
        if r.total[1] != r.count[1]:
            return not_yet(
                EXERCISE,
                "read_mean read stats.total and stats.count holding stats.lock, but in two different holds: the "
                "writer can make a whole update between them.",
                _TOGETHER,
            )
        value, right = r.result, r.total[0] / r.count[0]
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != right:
            return not_yet(
                EXERCISE,
                f"read_mean returned {type(value).__name__ if not isinstance(value, numbers.Real) else 'a number'} "
                "other than stats.total / stats.count of the values it read.",
                "Return stats.total / stats.count.",
            )
    return None


def _alongside_a_writer(trial: Trial, stats: Stats, read: Callable[[], Reading]) -> None:
    def writer() -> None:
        for _ in range(WRITES):
            with stats.lock:
                stats.count += 1
                time.sleep(YIELD_SECONDS)  # a forced window between the two updates
                stats.total += MEASUREMENT

    def reader() -> None:
        any(read().kept_lock for _ in range(CALLS))  # stop after a call that kept the lock

    trial.run([("writer", writer, ()), *((f"T{i}", reader, ()) for i in range(1, READERS + 1))])


def _busy_lock(trial: Trial, stats: Stats, read: Callable[[], Reading]) -> None:
    # The writer's first update is made before read_mean starts (nobody can look in between); the
    # check then holds stats.lock, as the writer would until its second update, while read_mean starts.
    stats.count += 1

    def second_update() -> None:
        stats.total += LAST_MEASUREMENT

    trial.while_held(stats.lock, "T1", read, before_release=second_update)


def _judged(
    read_mean: Callable[[Any], Any], scenario: Callable[[Trial, Stats, Callable[[], Reading]], None]
) -> CheckResult | None:
    """Run ``scenario`` in a trial; its ``read()`` calls ``read_mean(stats)`` and notes what it read."""
    readings: list[Reading] = []
    with Trial(what="read_mean") as trial:
        stats = Stats(trial)

        def read() -> Reading:
            stats.forget_reads()
            reading = Reading("read_mean(stats)")
            readings.append(reading)
            reading.make(stats.lock, read_mean, stats)
            reading.count, reading.total = stats.last_read("count"), stats.last_read("total")
            return reading

        scenario(trial, stats, read)
    return _judge(readings, stats, trial)


def check_consistent_mean(read_mean: Callable[[Any], Any]) -> CheckResult:
    """Exercise 11.1: read ``stats.total`` and ``stats.count`` together, holding ``stats.lock``."""
    scenarios = (partial(_judged, scenario=scenario) for scenario in (_alongside_a_writer, _busy_lock))
    if (verdict := first_fault(EXERCISE, read_mean, "def read_mean(stats):", scenarios)) is not None:
        return verdict
    return passed(
        EXERCISE,
        f"while a writer updated the two fields {WRITES} times, every call of read_mean read both of them in one "
        "hold of stats.lock and returned their mean; and when the lock was busy in the middle of an update, "
        "read_mean waited for it.",
    )


@dataclass(frozen=True, slots=True)
class Question:
    """One multiple-choice question."""

    prompt: str
    options: tuple[str, ...]
    answer: int
    explanations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuizFeedback:
    """The verdict on one answer."""

    question: int
    correct: bool
    message: str
    notebook: str

    def __str__(self) -> str:
        verdict = "Right" if self.correct else "Not quite"
        more = "" if self.correct else f" (see notebook {self.notebook})"
        return f"Question {self.question}: {verdict}. {self.message}{more}"

    def _repr_html_(self) -> str:
        colour, mark = ("#009E73", "✔ Right") if self.correct else ("#D55E00", "✘ Not quite")
        more = "" if self.correct else f" <i>(see notebook {html.escape(self.notebook)})</i>"
        return f"<span style='color:{colour}'><b>{mark}.</b></span> {html.escape(self.message)}{more}"


#: Question n is about notebook n (01 to 10). The right answer sits at a different
#: position from question to question; the quiz widget also shuffles the options
#: for each learner (:func:`synclab.self_check_quiz`).
QUESTIONS: tuple[Question, ...] = (
    Question(
        "Four threads share a dict and each runs counts[key] = counts.get(key, 0) + 1 many times, without a "
        "lock, on CPython with the GIL. What happens?",
        (
            "Every update is counted: the GIL runs one line of Python at a time.",
            "Updates are lost: the call to get() comes between reading the count and writing it back, and a "
            "thread can be switched out at a call.",
            "Python raises RuntimeError because two threads write the same dict.",
            "The threads deadlock on the dict's internal lock.",
        ),
        1,
        (
            "The GIL lets one thread run at a time, but it can switch threads in the middle of a line: at a "
            "call, for example. Another thread then writes back a count based on an old read.",
            "Right: read, call, write. A switch at the call lets another thread update the count, and the "
            "write-back erases that update. Only a lock around all three makes it safe.",
            "Writing to a dict from several threads raises nothing; the lost updates happen silently.",
            "A dict has no lock you can deadlock on (free-threaded builds lock it inside each single "
            "operation, which still leaves the read and the write apart).",
        ),
    ),
    Question(
        "Two threads update the same counter, each inside with lock: using one shared lock. What does the lock "
        "give you?",
        (
            "Faster updates: the threads no longer get in each other's way.",
            "A fixed order: T1, then T2, then T1 again.",
            "Nothing, because the GIL already does the same job.",
            "An exact result on every run: only one thread at a time runs the block, and the other waits its turn.",
        ),
        3,
        (
            "A lock adds waiting, it never speeds anything up: a thread that finds it taken has to wait.",
            "A lock does not choose who goes next; the order changes from run to run. It only keeps two "
            "threads from being inside at once.",
            "The GIL can switch threads in the middle of a read-modify-write; a lock keeps every other "
            "thread out until the block is done.",
            "Right: mutual exclusion. The price is the time threads spend waiting for the lock.",
        ),
    ),
    Question(
        "withdraw() takes the lock to check that balance >= amount, releases it, then takes it again to "
        "subtract amount. What can go wrong?",
        (
            "Two threads can both pass the check before either subtracts, and the account is overdrawn.",
            "Nothing: every read and every write of balance is under the lock.",
            "It deadlocks, because the same thread takes the lock twice.",
            "It is only slow, because the lock is taken twice.",
        ),
        0,
        (
            "Right: check-then-act. The check and the act must be done under one acquisition of the lock, "
            "or another thread can act in between.",
            "Each step is locked, but the gap between them is not: another thread can act in that gap.",
            "It takes the lock, releases it, and takes it again: that never waits for itself.",
            "Slow is the lesser problem: the gap between the check and the act lets two withdrawals through.",
        ),
    ),
    Question(
        "A method holds self.lock, a threading.Lock, and calls another method of the same object that also "
        "runs with self.lock:. What happens?",
        (
            "Python sees that the thread already holds the lock and lets it in.",
            "acquire() raises RuntimeError straight away.",
            "The thread waits for ever for a lock it holds itself: a deadlock with a single lock.",
            "The second method runs without the lock.",
        ),
        2,
        (
            "That is what an RLock does. A Lock has no owner to compare with, so it just waits.",
            "Only releasing a lock that is not held raises RuntimeError. A blocked acquire() waits.",
            "Right: use an RLock, or move the work into a helper that expects the lock to be held already "
            "and does not take it.",
            "with lock: never skips the lock: it waits until it has it.",
        ),
    ),
    Question(
        "Why should a consumer wait with while not buffer: cond.wait() and not with if not buffer: cond.wait()?",
        (
            "while is faster than if.",
            "After wait() returns, another consumer may already have taken the item: the test has to run again.",
            "wait() keeps holding the lock, so with if the producer could never add anything.",
            "while makes notify() wake every waiting consumer.",
        ),
        1,
        (
            "Speed has nothing to do with it: it is about what the consumer finds when it wakes up.",
            "Right: being woken only means the state may have changed. Check again before acting, or use "
            "cond.wait_for(lambda: buffer).",
            "wait() releases the lock while it waits and takes it back before it returns; that is what lets "
            "the producer in.",
            "notify() wakes one waiter and notify_all() all of them, whatever loop the waiter is in.",
        ),
    ),
    Question(
        "A producer hands items to two consumer threads through a queue.Queue. How do the consumers learn that "
        "no more items will come, so that they can be joined?",
        (
            "The producer puts one sentinel (for example None) per consumer, and a consumer returns when it "
            "gets one. On Python 3.13 and later, Queue.shutdown() does the same job: get() raises queue.ShutDown "
            "once the queue is empty.",
            "Each consumer stops when q.empty() returns True.",
            "Make the consumers daemon threads, so that Python stops them at exit.",
            "The producer calls q.join().",
        ),
        0,
        (
            "Right: a sentinel travels through the queue behind the last real item, so nothing is lost and "
            "every consumer stops cleanly.",
            "The queue can be empty for a moment while the producer is still working: the consumer stops too "
            "early and items are left behind.",
            "Daemon threads are killed at exit in the middle of whatever they were doing: items in progress "
            "are lost and nothing is cleaned up.",
            "join() waits until every item has been marked task_done(); it does not tell the consumers to stop.",
        ),
    ),
    Question(
        "One thread locks account A then account B; another locks B then A. Which change removes the deadlock "
        "for good?",
        (
            "Put time.sleep(0.1) between taking the two locks.",
            "Use RLock instead of Lock.",
            "Make both threads daemon threads.",
            "Always take the lock of the account with the lower number first.",
        ),
        3,
        (
            "A pause changes how often the bad interleaving happens, not whether it can: it still can.",
            "An RLock lets one thread take its own lock again; two threads can still wait for each other.",
            "Daemon threads are killed at exit; the deadlocked threads would still be stuck until then.",
            "Right: with one global order no cycle of waiting threads can form.",
        ),
    ),
    Question(
        "Eight threads call a service that accepts at most three requests at a time. What keeps them within the limit?",
        (
            "One Lock around every request.",
            "An Event that is set while there is room.",
            "A BoundedSemaphore(3): each request holds a permit from start to end.",
            "A Barrier(3), so that requests go in groups of three.",
        ),
        2,
        (
            "A lock lets one request in at a time: within the limit, but two of the three places stay unused.",
            "Any number of threads can see an Event set at the same moment and all go in together.",
            "Right: at most three permits are out at once, and the bounded version raises ValueError on an "
            "extra release instead of quietly raising the limit.",
            "A barrier makes threads wait for each other; it does not stop a fourth request from running.",
        ),
    ),
    Question(
        "The schedule explorer finds that 2 of a program's 24 schedules end badly. What does that tell you?",
        (
            "The program fails in one run out of twelve with real threads.",
            "The program is wrong: some order of its steps breaks it. How often real threads hit that order "
            "is another question, and it may be very rarely.",
            "Nothing: the model is not real threads.",
            "The program is fine in practice: 22 of 24 schedules work.",
        ),
        1,
        (
            "Schedules are not equally likely with real threads: the bad ones may need a switch at one exact "
            "moment that the interpreter hardly ever makes.",
            "Right: a fix is a fix only if every schedule ends well. A rare bad schedule is a bug that tests "
            "with real threads will seldom catch.",
            "Every schedule the model finds can happen on some Python: an older one, a free-threaded one, or "
            "any version once a call sits between the steps.",
            "A bug that shows once in a million runs still shows; a test run a few times just will not see it.",
        ),
    ),
    Question(
        "A test of a class with a check-then-act race passes 100 runs in a row. What makes it fail on every "
        "run until the race is fixed?",
        (
            "Run it 10,000 times instead of 100.",
            "Add time.sleep(0.1) before the assertions.",
            "Start the threads together at a Barrier and force a window between the check and the act, so "
            "that every run interleaves there.",
            "Give join() a longer timeout.",
        ),
        2,
        (
            "More runs sample more schedules, but chance can still miss the bad one, and the test gets slow.",
            "Sleeping before the assertions changes nothing about how the threads interleaved.",
            "Right: a barrier lines the threads up and a forced window puts the switch exactly where the race "
            "is, so the bug shows on every run, and the fixed class passes every run.",
            "A timeout only bounds how long a hang takes to be reported; it does not provoke the race.",
        ),
    ),
)


def answer_question(question: int, choice: int) -> QuizFeedback:
    """Grade an answer to one of :data:`QUESTIONS`."""
    number = check_int("question", question, 1, len(QUESTIONS))
    item = QUESTIONS[number - 1]
    picked = check_int("choice", choice, 0, len(item.options) - 1)
    return QuizFeedback(number, picked == item.answer, item.explanations[picked], f"{number:02d}")
