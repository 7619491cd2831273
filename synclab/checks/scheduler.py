"""Checks for the exercises of notebook 09: the learner's program runs in a few scenarios, on *every* schedule.

Each near-miss has a scenario that shows it: 9.1 runs 2 and 3 threads (a hard-coded total fits
only one); 9.2 adds an audit that takes both locks (it catches a transfer that lets go half-way),
then two deposits that each take one lock (they catch a balance changed without its lock); 9.3
runs 2 and 3 consumers, then C2 taking more items in a row than C1 has ``wait()`` calls or counts
to. Hints come from the locks the learner's threads held and from the program, never from what a
right answer would do.
"""

from __future__ import annotations

from collections.abc import Callable

from synclab.checks._base import CheckResult
from synclab.checks._scheduler import Case, Failure, Watch, blind_pops, judge, quote, retests, self_deadlock
from synclab.scheduler.compiler import dedent
from synclab.scheduler.declare import scenario
from synclab.scheduler.library import PRODUCE_ONE, TRANSFER_A_TO_B, deadlock_scenario, if_consumer_scenario
from synclab.scheduler.model import Scenario
from synclab.scheduler.program import CONST, MAX_STEPS, Program

__all__ = ["check_lock_order", "check_locked_increment", "check_while_consumer"]

MODEL_HINT = "Use only what the model understands here: {}, if or while with a simple test, pass."
NOT_REENTRANT = "A Lock is not reentrant: a thread that asks for {lock} while holding it waits forever. Take it once."
RELEASE_HINT = "Release only a lock the thread holds, once for each acquire(): a with block pairs them for you."
STUCK_HINT = (
    "A thread was left blocked on a lock that nobody will release: release every lock you take, once (a with block "
    "does it for you)."
)
_INCREMENT_WORDS = "counter += 1, tmp = counter, counter = tmp, with lock:, lock.acquire(), lock.release()"
_TRANSFER_WORDS = "a += 1, b -= 1, tmp = a, a = tmp, with lock_a:, lock_a.acquire(), lock_a.release() (and lock_b)"
_CONSUMER_WORDS = (
    "with cond:, cond.acquire(), cond.release(), cond.wait(), cond.wait_for(lambda: buffer), cond.notify(), "
    "buffer.pop(), len(buffer)"
)


# -- 9.1 --------------------------------------------------------------------------------------------


_INCREMENT_CASES = tuple(
    Case(
        f"{n} threads",
        lambda source, n=n: scenario([source] * n, shared={"counter": 0}, locks=["lock"], expect={"counter": n}),
        tuple(f"T{k}" for k in range(1, n + 1)),
    )
    for n in (2, 3)
)


def _increment_model_hint(source: str, error: str) -> str:
    if "Lock(" in source or "threading" in source:
        return (
            "In the model the threads already share one lock, named lock; a thread cannot make its own (and a "
            "lock each thread makes for itself would keep no other thread out). Use with lock:."
        )
    if "locked()" in source and "locked()" in error.replace("len(buffer) or lock.locked()", ""):
        return "Test lock.locked() in an if or a while, or better, take the lock: with lock:."
    return MODEL_HINT.format(_INCREMENT_WORDS)


def _increment_fail_hint(failure: Failure, watch: Watch, source: str) -> str:
    kinds = failure.kinds
    if "deadlock" in kinds and self_deadlock(failure):
        return NOT_REENTRANT.format(lock="lock")
    if "crash" in kinds and any("release of" in p.text for p in failure.problems):
        return RELEASE_HINT
    if "stuck" in kinds:
        return STUCK_HINT
    gaps = watch.lines_without("lock", ("load", "store"), "counter")
    if watch.touches(("test",), "lock"):
        return (
            "lock.locked() only says whether the lock was held a moment ago: another thread can take it, or "
            "change counter, right after your test. Hold the lock instead: with lock: around counter += 1."
        )
    if gaps and not watch.touches(("acquire",), "lock"):
        return (
            "Put with lock: around counter += 1, so that no other thread's load or store can come between this "
            "thread's load and its store."
        )
    if gaps:
        return (
            f"Your program reads or writes counter without holding lock at {quote(gaps)}, so another thread's "
            "increment can come in between. Load, add and store inside one with lock: block."
        )
    if watch.touches(("load",), "counter") and watch.touches(("store",), "counter"):
        return (
            "Every load and store of counter is under lock, yet counter ends wrong. Keep the load and the store in "
            "one with lock: block (a thread that lets go in between lets another increment in), and add exactly 1."
        )
    return "Each thread must add 1 to counter: load it, add 1 and store it, under the lock."


def _increment_explain(watch: Watch, source: str) -> str:
    if watch.always_under({"lock"}, ("load", "store"), "counter"):
        return (
            "Every load and store of counter happens while the thread holds lock, so no other thread's load or "
            "store can come between a thread's load and its store."
        )
    return ""


def check_locked_increment(increment: object) -> CheckResult:
    """Exercise 9.1: ``counter += 1`` made safe with the lock, on every schedule of 2 and of 3 threads."""
    return judge(
        "9.1",
        increment,
        "increment",
        lambda source: _INCREMENT_CASES,
        model_hint=_increment_model_hint,
        loop_hint="Take the lock with with lock:, which waits without spinning until the lock is free.",
        fail_hint=_increment_fail_hint,
        explain=_increment_explain,
        outcome="counter ends at the number of threads",
    )


# -- 9.2 --------------------------------------------------------------------------------------------

#: An audit that takes both locks, in T1's order, and adds up the balances.
AUDIT = """\
with lock_a:
    with lock_b:
        x = a
        y = b
audit_sum = x + y
"""

#: Deposits that each take only the lock of the balance they change.
DEPOSIT_A = "with lock_a:\n    a += 1\n"
DEPOSIT_B = "with lock_b:\n    b += 1\n"


def _transfers_with(others: dict[str, str], shared: dict, expect: dict) -> Callable[[str], Scenario]:
    """T1, the learner's T2 and ``others``, over balances a and b starting at 10."""
    return lambda second: scenario(
        {"T1": TRANSFER_A_TO_B, "T2": second, **others}, shared=shared, locks=["lock_a", "lock_b"], expect=expect
    )


_TRANSFER_CASES = (
    Case("T1 and your T2", deadlock_scenario, ("T2",)),
    Case(
        "with an audit (it takes lock_a, then lock_b, and stores a + b in audit_sum)",
        _transfers_with({"Audit": AUDIT}, {"a": 10, "b": 10, "audit_sum": 0}, {"a": 10, "b": 10, "audit_sum": 20}),
        ("T2",),
    ),
    Case(
        "with two deposits (DepositA runs a += 1 under lock_a, DepositB b += 1 under lock_b)",
        _transfers_with({"DepositA": DEPOSIT_A, "DepositB": DEPOSIT_B}, {"a": 10, "b": 10}, {"a": 11, "b": 11}),
        ("T2",),
    ),
)

_BALANCE = ("load", "store")


def _transfer_fail_hint(failure: Failure, watch: Watch, source: str) -> str:
    kinds = failure.kinds
    if "deadlock" in kinds:
        lock = self_deadlock(failure)
        if lock:
            return NOT_REENTRANT.format(lock=lock)
        if ("lock_b", "lock_a") in watch.orders():
            return (
                "T1 takes lock_a, then lock_b; your T2 asks for lock_a while holding lock_b, so each can hold one "
                "lock and wait for the other. Take them in the same order in T2, and no cycle can form."
            )
        return "Two threads each waited for a lock the other held: take lock_a before lock_b everywhere."
    if "crash" in kinds:
        return RELEASE_HINT
    if "stuck" in kinds:
        return STUCK_HINT
    gaps = [(lock, var, watch.lines_without(lock, _BALANCE, var)) for lock, var in (("lock_a", "a"), ("lock_b", "b"))]
    said = "; ".join(f"{var} without holding {lock} at {quote(ats)}" for lock, var, ats in gaps if ats)
    if failure.case is _TRANSFER_CASES[2] and said:
        return (
            f"A deposit was lost: your T2 uses {said}, so a deposit that holds only that lock can run in the middle "
            "of your update. Hold lock_a while you change a and lock_b while you change b."
        )
    if failure.case is _TRANSFER_CASES[1]:
        return (
            "The audit saw the money in flight: it ran after your T2 had changed one balance and before it changed "
            "the other. Keep holding the locks from before the first change until after the last."
        )
    if said:
        return f"Your T2 uses {said}: hold lock_a while you change a and lock_b while you change b."
    return "T2 must move 1 from b to a: subtract 1 from b and add 1 to a, once each, holding the locks."


def _transfer_explain(watch: Watch, source: str) -> str:
    said = []
    if watch.orders() == {("lock_a", "lock_b")}:
        said.append(
            "Your T2 takes lock_a before lock_b, as T1 does, so no thread holds lock_b while it waits for lock_a"
        )
    both = {"lock_a", "lock_b"}
    if watch.always_under(both, _BALANCE, "a") and watch.always_under(both, _BALANCE, "b"):
        said.append("it holds both locks while it reads and changes a and b")
    elif watch.always_under({"lock_a"}, _BALANCE, "a") and watch.always_under({"lock_b"}, _BALANCE, "b"):
        said.append("it holds lock_a while it changes a and lock_b while it changes b")
    text = "; ".join(said)
    return text[:1].upper() + text[1:] + "." if said else ""


def check_lock_order(second: object) -> CheckResult:
    """Exercise 9.2: T2's transfer never deadlocks, loses a deposit or shows the money in flight, on any schedule."""
    return judge(
        "9.2",
        second,
        "second",
        lambda source: _TRANSFER_CASES,
        model_hint=lambda source, error: MODEL_HINT.format(_TRANSFER_WORDS),
        loop_hint="Take the locks with with lock_a: and with lock_b:, which wait without spinning.",
        fail_hint=_transfer_fail_hint,
        explain=_transfer_explain,
        outcome="nothing deadlocks, the balances end right, the audit sees a + b = 20 and no deposit is lost",
    )


# -- 9.3 --------------------------------------------------------------------------------------------


def _consumers(source: str, counts: tuple[int, ...]) -> Scenario:
    """A producer of as many items as the consumers take, and consumers running ``source`` that many times each."""
    one = dedent(source) + "\n"
    steps = len(_learner_program(source)[0].steps)
    if max(counts) * steps > MAX_STEPS:
        most = max(counts)
        raise ValueError(
            f"C{counts.index(most) + 1} takes {most} items in a row, so it runs your consumer {most} times "
            f"({most * steps} steps), more than the {MAX_STEPS} steps the model runs in a thread"
        )
    threads = {"P": PRODUCE_ONE * sum(counts)} | {f"C{k}": one * n for k, n in enumerate(counts, start=1)}
    return scenario(threads, buffers={"buffer": 0}, conditions={"cond": None}, expect={"buffer": 0})


#: Fewest and most items the robbing consumer of 9.3 takes in a row.
_ROBBERIES = (4, 12)


def _robberies(source: str) -> int:
    """One more than the ``wait()`` calls (``if`` written k times waits k times) and than any number it counts to."""
    try:
        steps = _learner_program(source)[0].steps
    except Exception:  # the first case reports what the model cannot run
        return _ROBBERIES[0]
    waits = sum(step.kind == "wait" for step in steps)
    counts = [abs(value) for step in steps for kind, value in (step.a, step.b) if kind == CONST and type(value) is int]
    return min(_ROBBERIES[1], max(_ROBBERIES[0], waits + 1, max(counts, default=0) + 1))


def _consumer_cases(source: str) -> tuple[Case, ...]:
    robberies = _robberies(source)
    return (
        Case("one producer, two consumers", if_consumer_scenario, ("C1", "C2")),
        Case("three consumers", lambda source: _consumers(source, (1, 1, 1)), ("C1", "C2", "C3")),
        Case(
            f"C1 taking one item while C2 takes {robberies} in a row",
            lambda source: _consumers(source, (1, robberies)),
            ("C1", "C2"),
        ),
    )


def _learner_program(source: str) -> tuple[Program, int, int]:
    """C1's program in the first scenario of 9.3, with the indices of the buffer and of cond's lock."""
    case = if_consumer_scenario(source)
    return case.programs[case.threads.index("C1")], case.variables.index("buffer"), case.locks.index("cond")


def _consumer_fail_hint(failure: Failure, watch: Watch, source: str) -> str:
    texts = " ".join(p.text for p in failure.problems)
    program, buffer, lock = _learner_program(source)
    if "without holding cond" in texts:
        return (
            "cond.wait() and cond.notify() need cond held: put the test, the wait and the pop inside one with cond: "
            "block."
        )
    if "release of" in texts:
        return RELEASE_HINT
    if "pop from empty" in texts:
        unlocked = watch.lines_without("cond", ("pop",), "buffer")
        if unlocked:
            return (
                f"Your consumer pops at {quote(unlocked)} without holding cond, so another consumer can take the "
                "item between your test and your pop. Test and pop inside one with cond: block."
            )
        blind = dict(blind_pops(program, buffer, lock))
        if "release" in blind:
            release = program.steps[blind["release"]]
            where = (
                f"where the with block of line {release.line} ends"
                if release.text.endswith("(leave with)")
                else f"line {release.line}: {program.lines[release.line - 1].strip()}"
            )
            return (
                f"Your consumer lets go of cond ({where}) between finding an item and popping it, so another "
                "consumer can take it first. Test and pop under one with cond: block."
            )
        if "pop" in blind:
            return (
                f"Your consumer pops again after its pop on line {program.steps[blind['pop']].line} without finding "
                "a second item: each consumer takes exactly one."
            )
        if "wake" in blind:
            return (
                f"When cond.wait() on line {program.steps[blind['wake']].line} returns, another consumer may "
                "already have taken the item, and your consumer can reach buffer.pop() without testing the buffer "
                "again. Test again in a loop: while not buffer: cond.wait()."
            )
        return "Pop only after a test, made while holding cond, has just found an item: while not buffer: cond.wait()."
    if "stuck" in failure.kinds:
        unlocked = watch.lines_without("cond", ("test",), "buffer")
        if unlocked:
            return (
                f"Your consumer tests the buffer at {quote(unlocked)} without holding cond, so the producer can add "
                "its item and notify before the consumer waits: the notify is lost and the consumer waits forever. "
                "Test and wait inside one with cond: block."
            )
        return (
            "A consumer waited with nobody left to notify it: wait only while the buffer is empty (while not buffer:), "
            "testing it under with cond:."
        )
    if "value" in failure.kinds:
        return (
            "Each consumer must take exactly one item: after a wake-up that finds the buffer empty, wait again "
            "instead of giving up, then call buffer.pop() once."
        )
    return "Replay the example schedule in synclab.scheduler_lab to see what happens."


def _consumer_explain(watch: Watch, source: str) -> str:
    program, buffer, lock = _learner_program(source)
    if blind_pops(program, buffer, lock) or not watch.always_under({"cond"}, ("test", "pop"), "buffer"):
        return ""
    tests = retests(program, buffer)
    if not tests:
        return "Your consumer pops only right after a test, made while holding cond, has found an item."
    return (
        f"After every wake-up your consumer tests the buffer again ({'; '.join(tests)}), and it holds cond "
        "from that test to its pop, so an item another consumer took first only means waiting again."
    )


def check_while_consumer(consumer: object) -> CheckResult:
    """Exercise 9.3: consumers that never pop from an empty buffer, however many compete, on any schedule."""
    return judge(
        "9.3",
        consumer,
        "consumer",
        _consumer_cases,
        model_hint=lambda source, error: MODEL_HINT.format(_CONSUMER_WORDS),
        loop_hint=(
            "Wait instead of spinning: while not buffer: cond.wait() lets go of cond while it sleeps, and the "
            "producer's notify() wakes it."
        ),
        fail_hint=_consumer_fail_hint,
        explain=_consumer_explain,
        outcome="each consumer takes one item, none pops from an empty buffer and none is left waiting",
    )
