"""The self-check questions that close the course (notebook 11).

Each question has options, one right answer and a short explanation for every
option, so a wrong pick says *why* it is wrong. :func:`answer_question`
grades a pick; the quiz widget (:func:`synclab.self_check_quiz`) shows the
same feedback next to each question.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from synclab._validate import check_int

__all__ = ["QUESTIONS", "Question", "QuizFeedback", "answer_question"]


@dataclass(frozen=True, slots=True)
class Question:
    """One multiple-choice question.

    Attributes:
        prompt: The question.
        options: The possible answers.
        answer: Index of the right one in ``options``.
        explanations: Why each option is right or wrong, same order as ``options``.
        notebook: The notebook that teaches it, for "read again" links.
    """

    prompt: str
    options: tuple[str, ...]
    answer: int
    explanations: tuple[str, ...]
    notebook: str


@dataclass(frozen=True, slots=True)
class QuizFeedback:
    """The verdict on one answer.

    Attributes:
        question: The question's number, from 1.
        correct: Whether the pick was right.
        message: Why.
        notebook: Where to read again.
    """

    question: int
    correct: bool
    message: str
    notebook: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        verdict = "Right" if self.correct else "Not quite"
        more = "" if self.correct else f" (see notebook {self.notebook})"
        return f"Question {self.question}: {verdict}. {self.message}{more}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour, mark = ("#009E73", "✔ Right") if self.correct else ("#D55E00", "✘ Not quite")
        more = "" if self.correct else f" <i>(see notebook {html.escape(self.notebook)})</i>"
        return f"<span style='color:{colour}'><b>{mark}.</b></span> {html.escape(self.message)}{more}"


QUESTIONS: tuple[Question, ...] = (
    Question(
        "A thread calls lock.acquire() while another thread holds the lock. "
        "What does it do until the lock is released?",
        (
            "It keeps checking the lock as fast as it can, using a whole CPU core.",
            "It sleeps: the operating system does not run it, so it uses almost no CPU.",
            "acquire() raises RuntimeError because the lock is taken.",
            "acquire() returns False at once.",
        ),
        1,
        (
            "That is a spin loop, what acquire(blocking=False) in a loop does. A blocking acquire() sleeps.",
            "Notebook 11 measured it: its CPU time (time.thread_time) hardly moved while it waited.",
            "Only releasing a lock that is not held raises RuntimeError. acquire() waits.",
            "That is acquire(blocking=False). The default acquire() waits as long as it takes.",
        ),
        "08",
    ),
    Question(
        "On CPython 3.12 with the GIL, 4 threads run counter += 1 a million times each, without a lock, "
        "and no update is lost. What follows?",
        (
            "counter += 1 is atomic in Python, so no lock is needed.",
            "The code is still wrong: it counts on where the interpreter happens to switch threads, which no "
            "version promises, and free-threaded builds do lose updates.",
            "The GIL makes all Python code thread-safe.",
        ),
        1,
        (
            "It is a load, an add and a store (see dis in notebook 01); a call or a yield between them loses updates.",
            "Right: since 3.10 a thread is only switched out at function calls and entries and the backward jump "
            "of a loop (on CPython 3.10 also some conditional jumps), an implementation detail, not a guarantee.",
            "The GIL keeps the interpreter's own data safe, not your read-modify-write sequences.",
        ),
        "01",
    ),
    Question(
        "One thread locks account A then account B; another locks B then A. "
        "Which change removes the deadlock for good?",
        (
            "Put time.sleep(0.1) between taking the two locks.",
            "Always take the lock of the account with the lower number first.",
            "Use RLock instead of Lock.",
            "Make both threads daemon threads.",
        ),
        1,
        (
            "A pause changes how often the bad interleaving happens, not whether it can: it still can.",
            "With one global order no cycle of waiting can form; notebook 07 measured zero deadlocks in every run.",
            "An RLock lets one thread re-enter its own lock; two threads can still wait for each other.",
            "Daemon threads are killed at exit; the deadlocked threads would still be stuck until then.",
        ),
        "06",
    ),
    Question(
        "Can a with lock: block give up after a timeout?",
        (
            "Yes: write with lock(timeout=1):.",
            "No: call lock.acquire(timeout=...) and check the True or False it returns, or wrap that in a "
            "small context manager that raises TimeoutError.",
            "Yes: with lock: gives up after 5 seconds by default.",
        ),
        1,
        (
            "A Lock is not callable; with lock: always waits as long as it takes.",
            "Notebook 11 builds exactly that helper with contextlib.contextmanager.",
            "There is no default timeout: a blocking acquire waits for ever.",
        ),
        "08",
    ),
    Question(
        "A writer updates count and then total under a lock. A reader computes total / count without taking "
        "the lock. Why can the reader get a wrong mean?",
        (
            "Reading one attribute is not atomic in Python.",
            "The reader's two reads can fall between the writer's two writes: a lock protects only code that "
            "holds it, readers included.",
            "Division is not thread-safe.",
        ),
        1,
        (
            "Reading a single attribute is safe; the problem is reading two that must agree.",
            "Notebook 11 showed the torn read with a forced window, and none once the reader held the lock.",
            "The division is fine; its inputs came from two different moments.",
        ),
        "08",
    ),
    Question(
        "On a build with the GIL, when does one lock per account beat one lock for the whole bank?",
        (
            "Always: more locks always means more parallel work.",
            "When the work done while holding the lock waits (I/O, a sleep), so other threads can work on "
            "other accounts meanwhile.",
            "Never: with the GIL only one thread runs anyway.",
        ),
        1,
        (
            "Notebook 11 measured pure-Python transfers: with the GIL the extra locks buy nothing, and cost "
            "two acquires per transfer.",
            "Notebook 11 measured it: with I/O in each transfer, per-account locks scaled with the threads and "
            "one global lock did not. They also bring the deadlock risk of notebook 07 back.",
            "Threads waiting for I/O release the GIL, so they do overlap; the global lock is what stops them.",
        ),
        "08",
    ),
)


def answer_question(question: int, choice: int) -> QuizFeedback:
    """Grade an answer to one of :data:`QUESTIONS`.

    Args:
        question: The question's number, from 1.
        choice: The index of the picked option, from 0.

    Returns:
        A :class:`QuizFeedback` saying whether it is right and why.

    Raises:
        TypeError: ``question`` or ``choice`` is not an int.
        ValueError: Either is out of range.
    """
    number = check_int("question", question, 1, len(QUESTIONS))
    item = QUESTIONS[number - 1]
    picked = check_int("choice", choice, 0, len(item.options) - 1)
    return QuizFeedback(number, picked == item.answer, item.explanations[picked], item.notebook)
