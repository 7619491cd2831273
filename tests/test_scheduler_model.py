"""The step-through model: compiling programs, and the rules of locks, conditions and steps."""

from __future__ import annotations

import pytest

from synclab.scheduler import StepError, scenario
from synclab.scheduler.library import TRANSFER_A_TO_B, TRANSFER_B_TO_A
from synclab.scheduler.model import CRASHED, DONE, NOTIFIED, RUNNING, WAITING


def value(run, name):
    """The current value of a shared variable (or a buffer's length)."""
    return run.state.values[run.scenario.variables.index(name)]


def holder(run, lock):
    """The thread holding ``lock`` now, or ``None``."""
    held_by = run.state.holders[run.scenario.locks.index(lock)]
    return None if held_by is None else run.scenario.threads[held_by]


def status(run, thread):
    """A thread's condition in words, as the lab shows it."""
    return run.scenario.status_text(run.state, run.scenario.threads.index(thread))


# -- programs become steps --------------------------------------------------------------


def test_increment_is_a_load_an_add_and_a_store_on_one_line():
    sc = scenario(["counter += 1"], shared={"counter": 0})
    steps = sc.programs[0].steps
    assert [s.kind for s in steps] == ["load", "compute", "store"]
    assert [s.text for s in steps] == ["load counter", "add 1", "store counter"]
    assert {s.line for s in steps} == {1}


def test_explicit_read_modify_write_is_three_steps_too():
    sc = scenario(["tmp = counter\ntmp = tmp + 1\ncounter = tmp"], shared={"counter": 5})
    assert [s.kind for s in sc.programs[0].steps] == ["load", "compute", "store"]
    run = sc.start().steps("T1", "T1", "T1")
    assert value(run, "counter") == 6
    assert [s.line for s in sc.programs[0].steps] == [1, 2, 3]


def test_with_block_acquires_and_releases_on_its_line():
    sc = scenario(["with lock:\n    counter += 1"], shared={"counter": 0}, locks=["lock"])
    kinds = [(s.kind, s.line) for s in sc.programs[0].steps]
    assert kinds == [("acquire", 1), ("load", 2), ("compute", 2), ("store", 2), ("release", 1)]


def test_if_else_and_while_jump_where_python_would():
    sc = scenario(
        ["if flag:\n    x = 1\nelse:\n    x = 2\nresult = x"],
        shared={"flag": False, "result": 0},
    )
    assert value(sc.start().steps("T1", "T1", "T1"), "result") == 2
    sc = scenario(["if flag:\n    x = 1\nelse:\n    x = 2\nresult = x"], shared={"flag": True, "result": 0})
    assert value(sc.start().steps("T1", "T1", "T1"), "result") == 1
    # a while loop that counts down a shared variable: test, load, subtract, store, ... test
    sc = scenario(["while n > 0:\n    n -= 1"], shared={"n": 2})
    run = sc.start()
    while run.runnable:
        run = run.step("T1")
    assert value(run, "n") == 0 and len(run.schedule) == 2 * 4 + 1


def test_program_errors_name_the_thread_and_the_line():
    with pytest.raises(ValueError, match=r"thread T2, line 2: the model cannot run 'import os'"):
        scenario(["counter += 1", "pass\nimport os"], shared={"counter": 0})
    with pytest.raises(ValueError, match=r"thread T1, line 1: tmp is read before it is given a value"):
        scenario(["counter = tmp"], shared={"counter": 0})
    with pytest.raises(ValueError, match="one step reads one shared variable"):
        scenario(["x = a + b"], shared={"a": 1, "b": 2, "x": 0})
    with pytest.raises(ValueError, match="not valid Python"):
        scenario(["with lock\n    pass"], locks=["lock"])
    with pytest.raises(ValueError, match="needs a declared lock or condition, got 'lok'"):
        scenario(["with lok:\n    pass"], locks=["lock"])
    with pytest.raises(ValueError, match="'and'/'or' are not in the model"):
        scenario(["if a and b:\n    pass"], shared={"a": 1, "b": 1})
    with pytest.raises(ValueError, match="cannot assign to lock, a lock"):
        scenario(["lock = 1"], locks=["lock"])
    with pytest.raises(TypeError, match="the program of thread T1 must be a string"):
        scenario([42])


def test_bad_scenario_arguments_are_refused_before_anything_runs():
    with pytest.raises(ValueError, match="number of threads must be between 1 and 8, got 0"):
        scenario([])
    with pytest.raises(ValueError, match="number of threads must be between 1 and 8, got 9"):
        scenario(["pass"] * 9)
    with pytest.raises(TypeError, match="threads must be a dict"):
        scenario(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="threads must be a dict"):
        scenario("counter += 1")
    with pytest.raises(ValueError, match="thread name must be a short identifier"):
        scenario({"1st": "pass"})
    with pytest.raises(ValueError, match="'counter' is already used as a shared"):
        scenario(["pass"], shared={"counter": 0}, locks=["counter"])
    with pytest.raises(TypeError, match=r"shared\['counter'\] must be an integer"):
        scenario(["pass"], shared={"counter": 0.5})
    with pytest.raises(ValueError, match=r"shared\['counter'\] must be between"):
        scenario(["pass"], shared={"counter": 10**12})
    with pytest.raises(TypeError, match="shared must be a dict"):
        scenario(["pass"], shared=["counter"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="expect names shared variables or buffers"):
        scenario(["pass"], shared={"counter": 0}, expect={"count": 1})
    with pytest.raises(ValueError, match="the lock of condition 'cond' must be one of the locks"):
        scenario(["pass"], locks=["lock"], conditions={"cond": "other"})
    with pytest.raises(TypeError, match="locks must be a list of names"):
        scenario(["pass"], locks="lock")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"buffers\['buffer'\] must be between 0 and"):
        scenario(["pass"], buffers={"buffer": -1})


# -- the scheduler's own mistakes ------------------------------------------------------------


def test_unknown_threads_are_refused():
    run = scenario(["counter += 1"], shared={"counter": 0}).start()
    with pytest.raises(ValueError, match="thread must be one of 'T1', got 'T2'"):
        run.step("T2")
    with pytest.raises(TypeError, match="thread must be one of 'T1', got 1 of type int"):
        run.step(1)  # type: ignore[arg-type]


def test_a_finished_thread_cannot_be_stepped():
    run = scenario(["counter += 1"], shared={"counter": 0}).start().steps("T1", "T1", "T1")
    assert run.state.status == (DONE,) and run.finished
    with pytest.raises(StepError, match="T1 has finished"):
        run.step("T1")


def test_stepping_returns_a_new_run_and_undo_goes_back():
    start = scenario(["counter += 1"], shared={"counter": 0}).start()
    after = start.steps("T1", "T1", "T1")
    assert value(start, "counter") == 0 and start.schedule == ()
    assert value(after, "counter") == 1
    back = after.undo()
    assert value(back, "counter") == 0 and back.schedule == ("T1", "T1")
    assert back.state == start.steps("T1", "T1").state
    assert after.reset().state == start.state
    with pytest.raises(StepError, match="nothing to undo"):
        start.undo()


# -- locks --------------------------------------------------------------------------------------

LOCKED = "with lock:\n    counter += 1"


def test_a_thread_waiting_for_a_held_lock_is_blocked_and_cannot_be_stepped():
    sc = scenario([LOCKED, LOCKED], shared={"counter": 0}, locks=["lock"])
    run = sc.start().step("T1")
    assert holder(run, "lock") == "T1"
    assert run.runnable == ("T1",)
    assert status(run, "T2") == "blocked on lock (held by T1)"
    with pytest.raises(StepError, match="T2 is blocked: it waits for lock, which T1 holds"):
        run.step("T2")
    run = run.steps("T1", "T1", "T1", "T1")  # load, add, store, release
    assert holder(run, "lock") is None and run.runnable == ("T2",)
    run = run.steps("T2", "T2", "T2", "T2", "T2")
    assert value(run, "counter") == 2 and run.finished and run.problems() == ()


def test_only_the_holder_may_release_a_lock():
    sc = scenario(["lock.acquire()", "lock.release()"], locks=["lock"])
    run = sc.start().step("T1").step("T2")
    assert run.state.status == (DONE, CRASHED)
    assert holder(run, "lock") == "T1"  # the failed release changed nothing
    assert run.state.errors[1] == "RuntimeError: release of lock, which T2 does not hold"
    assert [p.kind for p in run.problems()] == ["crash"]
    with pytest.raises(StepError, match="T2 has ended with RuntimeError"):
        run.step("T2")


def test_releasing_a_free_lock_raises_in_that_thread():
    run = scenario(["lock.release()"], locks=["lock"]).start().step("T1")
    assert run.state.status == (CRASHED,)
    assert "T1 crashed: RuntimeError: release of lock, which T1 does not hold" in run.problems()[0].text


def test_a_with_block_releases_its_lock_when_a_step_raises():
    sc = scenario(["with lock:\n    buffer.pop()", "with lock:\n    pass"], buffers={"buffer": 0}, locks=["lock"])
    run = sc.start().steps("T1", "T1")
    assert run.state.errors[0] == "IndexError: pop from empty list"
    assert holder(run, "lock") is None
    assert run.runnable == ("T2",)


def test_an_explicit_acquire_stays_held_when_the_thread_raises():
    sc = scenario(["lock.acquire()\nbuffer.pop()", "with lock:\n    pass"], buffers={"buffer": 0}, locks=["lock"])
    run = sc.start().steps("T1", "T1")
    assert holder(run, "lock") == "T1"
    assert run.finished
    assert [p.text for p in run.problems()] == [
        "T1 crashed: IndexError: pop from empty list",
        "T2 is blocked forever on lock, held by T1, which crashed",
    ]


def test_two_locks_in_opposite_orders_deadlock_and_the_cycle_is_found():
    sc = scenario({"T1": TRANSFER_A_TO_B, "T2": TRANSFER_B_TO_A}, shared={"a": 10, "b": 10}, locks=["lock_a", "lock_b"])
    run = sc.start().steps("T1", "T2")
    assert sc.deadlock(run.state) == (0, 1)
    assert run.finished and run.runnable == ()
    (problem,) = run.problems()
    assert problem.kind == "deadlock"
    assert problem.text == "deadlock: T1 waits for lock_b, held by T2; T2 waits for lock_a, held by T1"


def test_a_blocked_thread_is_not_a_deadlock_while_the_holder_can_run():
    sc = scenario({"T1": TRANSFER_A_TO_B, "T2": TRANSFER_B_TO_A}, shared={"a": 10, "b": 10}, locks=["lock_a", "lock_b"])
    run = sc.start().steps("T1", "T1")  # T1 holds both locks
    assert status(run, "T2") == "blocked on lock_b (held by T1)"
    assert sc.deadlock(run.state) == () and run.problems() == ()


def test_a_lock_is_not_reentrant():
    run = scenario(["with lock:\n    with lock:\n        pass"], locks=["lock"]).start().step("T1")
    assert run.runnable == ()
    with pytest.raises(StepError, match="which it holds itself"):
        run.step("T1")
    assert run.problems()[0].text == "deadlock: T1 waits for lock, which it already holds"


def test_blocked_on_a_lock_held_by_a_finished_thread_is_stuck_not_deadlocked():
    run = scenario(["lock.acquire()", "with lock:\n    pass"], locks=["lock"]).start().step("T1")
    assert run.finished
    (problem,) = run.problems()
    assert problem.kind == "stuck"
    assert problem.text == "T2 is blocked forever on lock, held by T1, which has finished"


# -- conditions ------------------------------------------------------------------------------------

WAITER = "with cond:\n    while not ready:\n        cond.wait()\n    seen = ready"
SETTER = "with cond:\n    ready = True\n    cond.notify()"


def test_wait_releases_the_lock_and_sleeps_until_notified():
    sc = scenario({"W": WAITER, "S": SETTER}, shared={"ready": False}, conditions=["cond"])
    run = sc.start().steps("W", "W", "W")  # acquire, test (not ready), wait
    assert run.state.status[0] == WAITING
    assert holder(run, "cond") is None  # wait released it: the setter can take it
    assert run.runnable == ("S",)
    with pytest.raises(StepError, match=r"W is waiting in cond.wait\(\)"):
        run.step("W")
    run = run.steps("S", "S", "S")  # acquire, set, notify
    assert run.state.status[0] == NOTIFIED
    assert status(run, "W") == "notified, blocked on cond (held by S)"  # must re-acquire first
    run = run.step("S")  # release
    run = run.step("W")  # wakes up holding the lock again
    assert holder(run, "cond") == "W" and run.state.status[0] == RUNNING
    assert run.events[-1] == "W: wakes up and re-acquires cond"
    while run.runnable:
        run = run.step(run.runnable[0])
    assert run.problems() == () and run.state.locals[0][-1] is True


def test_notify_wakes_the_longest_waiting_thread_and_notify_all_wakes_everyone():
    waiter = "with cond:\n    cond.wait()"
    sc = scenario(
        {"A": waiter, "B": waiter, "N": "with cond:\n    cond.notify()"}, conditions={"cond": "lock"}, locks=["lock"]
    )
    run = sc.start().steps("B", "B", "A", "A", "N", "N")
    assert run.state.status[:2] == (WAITING, NOTIFIED)  # B waited first
    assert run.events[-1] == "N: cond.notify() wakes B"
    sc = scenario({"A": waiter, "B": waiter, "N": "with cond:\n    cond.notify_all()"}, conditions=["cond"])
    run = sc.start().steps("B", "B", "A", "A", "N", "N")
    assert run.state.status[:2] == (NOTIFIED, NOTIFIED)


def test_a_wait_nobody_notifies_is_stuck_for_good():
    run = scenario(["with cond:\n    cond.wait()"], conditions=["cond"]).start().steps("T1", "T1")
    assert run.finished
    assert run.problems()[0].text == "T1 waits forever in cond.wait(): no thread is left to notify it"


def test_wait_and_notify_without_the_lock_raise_runtime_error():
    run = scenario(["cond.wait()"], conditions=["cond"]).start().step("T1")
    assert run.state.errors[0] == "RuntimeError: cond.wait() without holding cond"
    run = scenario(["cond.notify()"], conditions=["cond"]).start().step("T1")
    assert run.state.errors[0] == "RuntimeError: cond.notify() without holding cond"


def test_wait_for_waits_in_a_loop_until_its_test_holds():
    consumer = "with cond:\n    cond.wait_for(lambda: len(buffer) > 0)\n    buffer.pop()"
    sc = scenario(
        {"C": consumer, "P": 'with cond:\n    buffer.append("x")\n    cond.notify()'},
        buffers={"buffer": 0},
        conditions=["cond"],
    )
    kinds = [step.kind for step in sc.programs[0].steps]
    assert kinds == ["acquire", "test", "wait", "pop", "release"]
    test, wait = sc.programs[0].steps[1:3]
    assert test.text == "test: len(buffer) > 0 (cond.wait_for)" and (test.next_pc, test.else_pc) == (3, 2)
    assert wait.next_pc == 1  # after a wake-up, test again: the loop Python's wait_for runs
    run = sc.start().steps("C", "C", "C")  # acquire, test (empty), wait
    assert run.state.status[0] == WAITING
    run = run.steps("P", "P", "P", "P", "C", "C", "C", "C")  # P adds and notifies; C wakes, tests, pops, leaves
    assert run.finished and run.problems() == ()


def test_wait_for_takes_a_lambda_with_a_simple_test_and_no_timeout():
    for bad in ("cond.wait_for(buffer)", "cond.wait_for(lambda: buffer, 1)", "cond.wait_for(lambda x: x)"):
        with pytest.raises(ValueError, match=r"write cond.wait_for\(lambda: test\)"):
            scenario([f"with cond:\n    {bad}"], buffers={"buffer": 0}, conditions=["cond"])


def test_a_bare_buffer_name_is_only_a_truth_test():
    scenario(["if buffer:\n    pass\nwhile not buffer:\n    pass"], buffers={"buffer": 1})  # truth tests are fine
    for bad in ("if buffer == 0:\n    pass", "n = buffer", "while buffer < 1:\n    pass"):
        with pytest.raises(ValueError, match=r"write len\(buffer\) for how many items buffer holds"):
            scenario([bad], buffers={"buffer": 0})


def test_lock_locked_is_read_as_a_test_and_sees_the_holder():
    sc = scenario(
        ["if lock.locked():\n    busy = True", "with lock:\n    pass"], shared={"busy": False}, locks=["lock"]
    )
    assert sc.programs[0].steps[0].text == "test: lock.locked()"
    run = sc.start().steps("T2", "T1", "T1")  # T2 holds the lock while T1 tests it
    assert value(run, "busy") is True
    run = sc.start().step("T1")  # nobody holds it: the test is false and T1 ends
    assert value(run, "busy") is False and run.state.status[0] == DONE
    with pytest.raises(ValueError, match=r"lock.locked\(\) only as the test of an if or a while"):
        scenario(["x = lock.locked()"], locks=["lock"])
    with pytest.raises(ValueError, match=r"locked\(\) takes no arguments, on a declared lock \(lock\)"):
        scenario(["if cond.locked():\n    pass"], locks=["lock"], conditions=["cond"])


# -- what goes wrong -----------------------------------------------------------------------------------


def test_interleaved_increments_lose_an_update_and_serial_ones_do_not():
    sc = scenario(["counter += 1", "counter += 1"], shared={"counter": 0}, expect={"counter": 2})
    lost = sc.start().steps("T1", "T2", "T1", "T1", "T2", "T2")
    assert value(lost, "counter") == 1
    assert [p.text for p in lost.problems()] == ["counter = 1, expected 2"]
    assert lost.events[:2] == ("T1: load counter -> (stack) = 0", "T2: load counter -> (stack) = 0")
    serial = sc.start().steps("T1", "T1", "T1", "T2", "T2", "T2")
    assert value(serial, "counter") == 2 and serial.problems() == ()


def test_wrong_values_are_judged_only_at_the_end():
    sc = scenario(["counter += 1"], shared={"counter": 0}, expect={"counter": 1})
    assert sc.start().problems() == ()
    assert sc.start().steps("T1", "T1", "T1").problems() == ()


def test_two_threads_at_critical_section_break_mutual_exclusion():
    flag = "if not busy:\n    busy = True\n    critical_section()"
    sc = scenario([flag, flag], shared={"busy": False})
    run = sc.start().steps("T1", "T2", "T1", "T2")
    assert [p.kind for p in run.problems()] == ["exclusion"]
    assert run.problems()[0].text == "T1 and T2 in the critical section at the same time"
    # the violation is remembered after both have left
    run = run.steps("T1", "T2")
    assert run.finished and run.problems()[0].kind == "exclusion"
    safe = sc.start().steps("T1", "T1", "T2", "T1")  # T2 sees busy and skips
    assert safe.problems() == () and safe.finished


def test_str_shows_values_locks_and_each_thread():
    sc = scenario([LOCKED, LOCKED], shared={"counter": 0}, locks=["lock"])
    text = str(sc.start().steps("T1", "T1"))
    assert text.splitlines() == [
        "shared: counter = 0",
        "locks: lock held by T1",
        "T1: line 2, ready, next: add 1; (stack) = 0",
        "T2: line 1, blocked on lock (held by T1), next: acquire lock (enter with)",
    ]


def test_the_model_uses_the_standard_library_only():
    import ast
    import pathlib
    import sys

    import synclab.scheduler

    folder = pathlib.Path(synclab.scheduler.__file__).parent
    outside = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                allowed = name == "synclab._validate" or name.startswith("synclab.scheduler")
                if name.split(".")[0] not in sys.stdlib_module_names and not allowed:
                    outside.add(name)
    assert outside == set()
