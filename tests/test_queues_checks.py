"""Checks 6.1 and 6.2 beyond the answer tables: they never raise, never hang, leave nothing behind.

The tables in tests/answers/ex_6_1.py and ex_6_2.py hold the wrong answers and accepted variants
(tests/test_exercise_answers.py runs them); this module tests the machinery around them.
"""

from __future__ import annotations

import queue
import threading
import time

import pytest
from answers import ex_6_1, ex_6_2

import synclab
from synclab.checks.queues import Cancelled, Queue, _PipelineRun, _Setting

TABLES = {"6.1": ex_6_1, "6.2": ex_6_2}


def answer(number: str, kind: str, name: str):
    table = TABLES[number]
    namespace = {"threading": threading, "time": time, "queue": queue, "synclab": synclab}
    exec(getattr(table, kind)[name], namespace)
    return namespace[table.ANSWERS[0]]


@pytest.mark.parametrize(("number", "name"), [("6.1", "pipeline"), ("6.2", "run_all")])
def test_a_non_function_gets_a_clear_answer(number, name):
    result = synclab.check_exercise(number, 42)
    assert not result.passed and result.message == f"{name} is not a function." and result.hint


@pytest.mark.parametrize(
    ("number", "stub"), [("6.1", "returns-at-once-workers-loop-forever"), ("6.2", "plain-threads-exception-dies")]
)
def test_the_stubs_get_the_same_message_every_run(number, stub):
    """nbval compares the stored verdict of the stub: it must not vary."""
    messages = {str(synclab.check_exercise(number, answer(number, "WRONG", stub))) for _ in range(3)}
    assert len(messages) == 1, messages
    assert next(iter(messages)).startswith(f"NOT YET exercise {number}")


def test_the_excepthook_is_put_back_and_thread_deaths_are_not_printed(capsys):
    before = threading.excepthook
    synclab.check_exercise("6.2", answer("6.2", "WRONG", "plain-threads-exception-dies"))
    synclab.check_exercise("6.1", answer("6.1", "WRONG", "returns-at-once-workers-loop-forever"))
    assert threading.excepthook is before
    assert "Traceback" not in capsys.readouterr().err


def test_cancelled_is_a_quiet_system_exit_that_except_exception_lets_through():
    assert issubclass(Cancelled, SystemExit) and not issubclass(Cancelled, Exception)


def test_the_watched_queue_behaves_like_a_queue_until_cancelled():
    q = Queue("inbox", 1, _PipelineRun(_Setting(workers=1, items=1, middle_size=0, idle_probe=False)))
    assert isinstance(q, queue.Queue)
    q.put("a")
    with pytest.raises(queue.Full):
        q.put("b", timeout=0.01)
    with pytest.raises(queue.Full):
        q.put_nowait("b")
    assert q.get() == "a"  # not an item of the check: handed out a little late, still handed out
    with pytest.raises(queue.Empty):
        q.get(timeout=0.01)
    with pytest.raises(ValueError):
        q.get(timeout=-1)
    waiting = []

    def blocked_get():
        try:
            q.get()
        except Cancelled:
            waiting.append("cancelled")

    thread = threading.Thread(target=blocked_get)
    thread.start()
    time.sleep(0.05)
    q.cancel()
    thread.join(2)
    assert waiting == ["cancelled"] and not thread.is_alive()


def test_a_thread_that_swallows_every_exception_is_reported_not_hidden():
    release = threading.Event()
    source = """
def pipeline(items, inbox, middle, first, second, workers):
    def stubborn():
        while not release.is_set():
            try:
                inbox.get(timeout=0.05)
            except BaseException:
                pass

    for _ in range(workers):
        threading.Thread(target=stubborn, daemon=True).start()
    for item in items:
        inbox.put(item)
    while not release.is_set():
        try:
            time.sleep(0.01)
        except BaseException:
            pass
"""
    namespace = {"threading": threading, "time": time, "queue": queue, "release": release}
    exec(source, namespace)
    try:
        started = time.monotonic()
        result = synclab.check_exercise("6.1", namespace["pipeline"])
        assert time.monotonic() - started < 8
        assert not result.passed
        assert "could not be stopped" in result.message and "restart the kernel" in result.message
    finally:
        release.set()
    deadline = time.monotonic() + 5
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_check_that_is_passed_says_what_it_saw():
    for number in ("6.1", "6.2"):
        result = synclab.check_exercise(number, answer(number, "RIGHT", "reference"))
        assert result.passed and result.hint == ""
        assert "every" in result.message
