"""How checks run the learner's code: the Trial frees every thread, and a check never raises.

Each "freed" test would leave a thread behind (and be failed by the
no-leaked-threads fixture of conftest.py) if the freeing did not work.
"""

from __future__ import annotations

import _thread
import inspect
import sys
import threading
import time

import pytest
from conftest import wait_until

import synclab
from synclab.checks._base import (
    OWN_WAIT,
    CheckResult,
    Trial,
    is_waiting,
    run_check,
)
from synclab.checks._guards import CheckCancelled


def learner(source: str, name: str):
    """Define ``name`` as a notebook cell would (its code counts as the learner's)."""
    namespace = {"threading": threading, "time": time}
    exec(compile(source, "<learner cell>", "exec"), namespace)
    return namespace[name]


# -- the verdict ------------------------------------------------------------------------------


def test_a_pass_is_celebrated_and_a_fail_keeps_its_hint():
    win = CheckResult("2.1", True, "the count was exact.")
    assert str(win).startswith("PASSED exercise 2.1, well done!")
    assert "Well done" in win._repr_html_() and "passed!" in win._repr_html_()
    miss = CheckResult("2.1", False, "a write was unlocked.", "Use with lock:.")
    assert str(miss) == "NOT YET exercise 2.1: a write was unlocked. Hint: Use with lock:."
    assert "Not yet" in miss._repr_html_() and "<b>Hint:</b> Use with lock:." in miss._repr_html_()
    assert "Well done" not in miss._repr_html_()


# -- run_check: whatever escapes a check becomes a verdict --------------------------------------


def test_a_bug_in_a_check_comes_back_as_a_polite_result():
    # A check whose code lives in the synclab package, as every real check does.
    namespace: dict[str, object] = {}
    source = "def broken_check(answer):\n    return [][answer]\n"
    exec(compile(source, synclab.checks.counter.__file__, "exec"), namespace)
    broken_check = namespace["broken_check"]

    result = run_check("9.9", broken_check, [1])
    assert not result.passed
    assert "the check itself failed" in result.message and "IndexError" in result.message
    assert "bug in synclab" in result.message


def test_the_learners_code_raising_in_the_checks_thread_is_blamed_on_the_code():
    crash = learner("def answer():\n    raise SystemExit('bye')\n", "answer")

    def check(answer):
        answer()  # a check that forgot to run the answer in a trial

    result = run_check("9.9", check, [crash])
    assert not result.passed and result.message == "your code raised SystemExit: bye."


def test_the_wrong_number_of_answers_is_a_result_not_a_type_error():
    result = run_check("9.9", lambda answer: CheckResult("9.9", True, "ok"), [])
    assert not result.passed and "takes 1 answer(s)" in result.message


def test_run_check_puts_the_switch_interval_back():
    interval = sys.getswitchinterval()

    def check(answer):
        sys.setswitchinterval(1e-5)
        return CheckResult("9.9", True, "ok")

    run_check("9.9", check, [None])
    assert sys.getswitchinterval() == interval


@pytest.mark.parametrize("exercise", sorted(synclab.checks.CHECKS))
@pytest.mark.parametrize("raised", ["SystemExit", "KeyboardInterrupt", "BaseException"])
def test_no_check_raises_whatever_the_answer_raises(exercise, raised):
    check = synclab.checks.CHECKS[exercise]
    count = len(inspect.signature(check).parameters)
    crash = learner(f"class Crash:\n    def __init__(self, *a, **k):\n        raise {raised}\n", "Crash")
    result = synclab.check_exercise(exercise, *([crash] * count))
    assert isinstance(result, CheckResult) and not result.passed


def test_the_stop_button_during_a_check_gives_an_interrupted_verdict(sigint_raises):
    spin = learner("def protected_increment(counter, lock, n):\n    while True:\n        pass\n", "protected_increment")
    timer = threading.Timer(0.3, _thread.interrupt_main)
    try:
        timer.start()
        result = synclab.check_exercise("2.1", spin)
    finally:
        timer.cancel()
        timer.join(5)
    assert not result.passed and "interrupted" in result.message


# -- Trial: deadlocks, spinners and waits of the learner's own are freed -------------------------


def opposite_order_trial(**options) -> Trial:
    with Trial(**options) as trial:
        a, b = trial.lock("lock A"), trial.lock("lock B")
        both_hold = threading.Barrier(2)

        def take(first, second):
            with first:
                both_hold.wait(5)
                with second:
                    pass

        trial.run([("T1", take, (a, b)), ("T2", take, (b, a))])
    return trial


def test_a_deadlock_is_waited_out_to_the_deadline_when_detection_is_off():
    trial = opposite_order_trial(timeout=0.3, deadlock_after=None)
    assert trial.gave_up == "deadline" and all(r.cancelled for r in trial.runners)


def test_a_deadlock_on_guarded_locks_is_seen_as_one_and_both_threads_are_freed():
    trial = opposite_order_trial()
    assert trial.gave_up == "deadlock"  # seen as a deadlock, not waited out to the deadline
    assert trial.waiting == ("waiting for lock A", "waiting for lock B")
    assert all(r.cancelled for r in trial.runners) and not trial.stuck
    message, _ = trial.trouble()
    assert message.startswith("your function deadlocked")


def test_a_spinning_thread_is_stopped_by_an_exception_raised_inside_it():
    spin = learner("def spin():\n    while True:\n        pass\n", "spin")
    with Trial(timeout=0.2) as trial:
        trial.run([("T1", spin, ())])
    assert trial.gave_up == "deadline" and trial.running and not trial.stuck
    assert trial.runners[0].cancelled and trial.runners[0].error is None


def test_a_wait_on_the_learners_own_event_is_woken_and_stopped():
    wait = learner("def wait():\n    threading.Event().wait()\n", "wait")
    with Trial(timeout=0.2) as trial:
        trial.run([("T1", wait, ())])
    assert trial.gave_up == "deadline" and trial.waiting == (OWN_WAIT,) and not trial.stuck


def test_threads_the_learners_code_starts_are_freed_too(capsys):
    spawn = learner(
        "def spawn():\n    def spin():\n        while True:\n            pass\n"
        "    threading.Thread(target=spin, name='learner-spinner').start()\n",
        "spawn",
    )
    with Trial(timeout=0.5) as trial:
        trial.run([("T1", spawn, ())])
    assert trial.gave_up == "leftover" and not trial.stuck
    assert "CheckCancelled" not in capsys.readouterr().err  # no traceback from the stopped thread


def test_a_thread_blocked_in_a_c_call_is_reported_stuck_and_the_next_trial_works():
    own_lock = threading.Lock()
    own_lock.acquire()
    block = learner("def block(lock):\n    lock.acquire()\n", "block")
    try:
        with Trial(timeout=0.2) as trial:
            trial.run([("T1", block, (own_lock,))])
        assert trial.stuck == ("",)  # no source line for code made with exec
        message, _ = trial.trouble()
        assert "could not be stopped" in message and "the next check works" in message
        with Trial() as again:
            again.run([("T1", lambda: 42, ())])
        assert again.runners[0].value == 42 and again.trouble() is None
    finally:
        own_lock.release()  # lets the stuck thread go (it then raises the pending CheckCancelled)
    wait_until(lambda: not trial.runners[0].thread.is_alive())


def test_learner_exceptions_of_every_kind_are_outcomes_not_raised():
    def fail(exc_type: type[BaseException]) -> None:
        raise exc_type

    for raised in (SystemExit, KeyboardInterrupt, ValueError):
        with Trial() as trial:
            trial.run([("T1", fail, (raised,))])
        assert isinstance(trial.first_error(), raised) and trial.trouble() is not None


def test_is_waiting_tells_a_join_from_a_sleep():
    done = threading.Event()
    sleeper = threading.Thread(target=done.wait)
    sleeper.start()
    joiner = threading.Thread(target=sleeper.join)
    napper = threading.Thread(target=time.sleep, args=(0.3,))
    joiner.start()
    napper.start()
    wait_until(lambda: is_waiting(joiner))
    assert not is_waiting(napper)
    done.set()
    for thread in (sleeper, joiner, napper):
        thread.join(5)
    assert not is_waiting(joiner)


def test_cancelled_is_not_an_exception_a_learner_catches_by_accident():
    assert not issubclass(CheckCancelled, Exception)


# -- Trial.while_held: the check holds a lock as another thread would ------------------------------


def holder_trial(source: str, name: str, patience: float = 1.5):
    """Run the learner's ``name(lock)`` while the check holds ``lock``; (trial, lock, runner, seconds)."""
    fn = learner(source, name)
    with Trial() as trial:
        lock = trial.lock("the lock")
        start = time.monotonic()
        runner = trial.while_held(lock, "T1", fn, lock, patience=patience)
        seconds = time.monotonic() - start
    return trial, lock, runner, seconds


def test_while_held_lets_go_once_the_thread_waits_for_the_lock():
    trial, lock, runner, _ = holder_trial("def take(lock):\n    with lock:\n        return 'got it'\n", "take")
    assert runner.value == "got it" and trial.trouble() is None and lock.failed == 0 and lock.holds == 2


def test_while_held_lets_go_once_an_attempt_gives_up():
    source = "def take(lock):\n    return lock.acquire(timeout=0.01), lock.acquire()\n"
    trial, lock, runner, _ = holder_trial(source, "take", patience=30)
    assert runner.value == (False, True) and lock.failed == 1


def test_while_held_lets_go_after_its_patience_when_the_thread_never_asks():
    source = "def look(lock):\n    while lock.locked():\n        pass\n    return 'free'\n"
    trial, lock, runner, seconds = holder_trial(source, "look", patience=0.05)
    assert runner.value == "free" and trial.trouble() is None and seconds >= 0.05
