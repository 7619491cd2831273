"""Checks for the exercises of notebook 09: the learner's program runs in a few scenarios, on *every* schedule.

A fix that only works when the threads take turns nicely fails, with a schedule that breaks it as
the example. Each near-miss has a scenario that shows it: 9.1 runs 2 and 3 threads (a hard-coded
total fits only one); 9.2 adds an audit that takes both locks and adds up ``a + b`` (it catches a
transfer that lets go half-way), then two deposits that each take one lock (they catch a balance
changed without its lock); 9.3 runs 2 and 3 consumers, then C2 taking more items in a row than C1
has ``wait()`` calls or counts to (it robs ``if`` written twice once more than it tests).

While exploring, the check watches which locks the learner's threads hold at each step; hints and
the pass message come from that and from the program, never from what a right answer would do.
Nothing runs in real threads and the explorer has a state cap: a check cannot hang, and says the
same on every run.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field

from synclab.checks._base import CheckResult
from synclab.scheduler.declare import scenario
from synclab.scheduler.explore import Exploration, ExplorationLimit, explore
from synclab.scheduler.library import PRODUCE_ONE, TRANSFER_A_TO_B, deadlock_scenario, if_consumer_scenario
from synclab.scheduler.model import RUNNING, Problem, Scenario, State
from synclab.scheduler.program import (
    ACQUIRE,
    APPEND,
    CONST,
    LOAD,
    LOCKED,
    MAX_STEPS,
    POP,
    RELEASE,
    SHARED,
    STORE,
    TEST,
    WAIT,
    Program,
    Step,
    passes,
)

__all__ = ["check_lock_order", "check_locked_increment", "check_while_consumer"]

#: Most states a check explores, over all its scenarios: the accepted answers need at most a few thousand, and
#: this many take a second or two on a loaded machine.
MAX_CHECK_STATES = 40_000

#: Longest answer a check reads, in characters; the answers are a few lines.
MAX_SOURCE_CHARS = 2_000

_MODEL_HINT = "Use only what the model understands here: {}, if or while with a simple test, pass."
_INCREMENT_WORDS = "counter += 1, tmp = counter, counter = tmp, with lock:, lock.acquire(), lock.release()"
_TRANSFER_WORDS = "a += 1, b -= 1, tmp = a, a = tmp, with lock_a:, lock_a.acquire(), lock_a.release() (and lock_b)"
_CONSUMER_WORDS = (
    "with cond:, cond.acquire(), cond.release(), cond.wait(), cond.wait_for(lambda: buffer), cond.notify(), "
    "buffer.pop(), len(buffer)"
)
_SHORTER_HINT = "Keep only the lines the task needs: the fix changes one or two lines of the stub."


# -- what the learner's threads did ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class _At:
    """A step of the learner's program: its line, kind, what it touches and its source text."""

    line: int
    kind: str
    name: str
    text: str


@dataclass(slots=True)
class _Watch:
    """``held[at]``: every set of lock names a learner thread held when about to run ``at``, while exploring."""

    held: dict[_At, set[frozenset[str]]] = field(default_factory=dict)

    def observer(self, case: Scenario, learners: tuple[str, ...], lines: int) -> Callable[[State], None]:
        """An ``observe`` for :func:`explore` (``lines``: of one run of the program; a thread may repeat it)."""
        watched = []
        for name in learners:
            i = case.threads.index(name)
            program = case.programs[i]
            watched.append((i, tuple(_at(case, program, step, lines) for step in program.steps)))
        locks, held = case.locks, self.held

        def observe(state: State) -> None:
            for i, ats in watched:
                if state.status[i] == RUNNING:
                    mine = frozenset(locks[k] for k, holder in enumerate(state.holders) if holder == i)
                    held.setdefault(ats[state.pcs[i]], set()).add(mine)

        return observe

    def lines_without(self, lock: str, kinds: tuple[str, ...], name: str) -> list[_At]:
        """The steps of these kinds on ``name`` that ran at least once without ``lock``."""
        return sorted(
            {
                at
                for at, sets in self.held.items()
                if at.kind in kinds and at.name == name and any(lock not in s for s in sets)
            }
        )

    def touches(self, kinds: tuple[str, ...], name: str) -> bool:
        """Whether a learner thread ran a step of these kinds on ``name``."""
        return any(at.kind in kinds and at.name == name for at in self.held)

    def always_under(self, locks: set[str], kinds: tuple[str, ...], name: str) -> bool:
        """Whether every step of these kinds on ``name`` ran holding all of ``locks`` (and there was one)."""
        found = [sets for at, sets in self.held.items() if at.kind in kinds and at.name == name]
        return bool(found) and all(locks <= s for sets in found for s in sets)

    def orders(self) -> set[tuple[str, str]]:
        """Pairs (held, wanted): a learner thread asked for ``wanted`` while holding ``held``."""
        return {(h, at.name) for at, sets in self.held.items() if at.kind == ACQUIRE for s in sets for h in s}


def _at(case: Scenario, program: Program, step: Step, lines: int) -> _At:
    kind, name = step.kind, ""
    if kind in (LOAD, STORE, APPEND, POP):
        name = case.variables[step.target]
    elif kind in (ACQUIRE, RELEASE):
        name = case.locks[step.target]
    elif kind == WAIT:
        name = case.conditions[step.target]
    elif kind == TEST:
        read = [o for o in (step.a, step.b) if o[0] in (SHARED, LOCKED)]
        if read:
            name = (case.variables if read[0][0] == SHARED else case.locks)[int(read[0][1])]
    return _At((step.line - 1) % lines + 1, kind, name, program.lines[step.line - 1].strip())


def _quote(ats: list[_At]) -> str:
    """``line 2 (tmp = counter)`` or ``lines 1 (...) and 3 (...)``."""
    shown = [f"{line} ({text})" for line, text in sorted({(at.line, at.text) for at in ats})]
    if len(shown) == 1:
        return f"line {shown[0]}"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


# -- running the cases -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Case:
    """A scenario around the learner's source, named for messages, and which threads run that source."""

    label: str
    build: Callable[[str], Scenario]
    learners: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Failure:
    case: _Case
    scenario: Scenario
    problems: tuple[Problem, ...]
    final: State

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(p.kind for p in self.problems)


def _source(exercise: str, answer: object, name: str) -> str | CheckResult:
    """The learner's program as a plain string, or the result that says why it is not one."""
    if not isinstance(answer, str):
        return CheckResult(
            exercise,
            False,
            f"{name} must be a string holding a thread's program, got {type(answer).__name__}.",
            f'Write {name} = """...""" with the lines of Python between the triple quotes.',
        )
    source = str.__str__(answer)  # a plain str, even from a subclass
    if len(source) > MAX_SOURCE_CHARS:
        return CheckResult(
            exercise,
            False,
            f"{name} is {len(source):,} characters long; the check reads programs of up to "
            f"{MAX_SOURCE_CHARS:,} characters.",
            _SHORTER_HINT,
        )
    return source


def _normal(source: str) -> str:
    """The source as the model reads it: dedented, without blank lines around it."""
    return textwrap.dedent(source).strip("\n")


def _judge(
    exercise: str,
    answer: object,
    name: str,
    cases: Callable[[str], tuple[_Case, ...]],
    *,
    model_hint: Callable[[str, str], str],
    loop_hint: str,
    fail_hint: Callable[[_Failure, _Watch, str], str],
    explain: Callable[[_Watch, str], str],
    outcome: str,
) -> CheckResult:
    """Explore every case; fail on the first with a bad schedule, else pass, saying what was seen."""
    source = _source(exercise, answer, name)
    if isinstance(source, CheckResult):
        return source
    lines = max(1, len(_normal(source).splitlines()))
    watch = _Watch()
    explored: list[tuple[_Case, Exploration]] = []
    budget = MAX_CHECK_STATES
    for case in cases(source):
        try:
            built = case.build(source)
        except Exception as exc:  # the model refuses it (ValueError), or the parser gives up on it
            text = str(exc).rstrip(".") or type(exc).__name__
            hint = _SHORTER_HINT if "at most" in text else model_hint(source, text)
            return CheckResult(exercise, False, f"the model cannot run {name}: {text}.", hint)
        try:
            result = explore(built, max_states=max(budget, 1), observe=watch.observer(built, case.learners, lines))
        except ExplorationLimit as exc:
            if exc.kind == "loop":
                return CheckResult(exercise, False, f"{case.label}: {_loop_text(built, exc, lines)}", loop_hint)
            return CheckResult(
                exercise,
                False,
                f"{case.label}: your program gives too many different states for the check to try every "
                f"schedule (it stops at {MAX_CHECK_STATES:,}).",
                _SHORTER_HINT,
            )
        budget -= result.states
        if result.bad:
            ending = result.bad_endings[0]
            run = built.start().steps(*ending.example)
            failure = _Failure(case, built, run.problems(), run.state)
            if result.schedules == 1:
                shown = f" ({ending.example_text})" if ending.example else ""
                seen = f"{case.label}: the only schedule{shown} ends with: {ending.description}."
            else:
                seen = (
                    f"{case.label}: {result.bad:,} of {result.schedules:,} schedules end badly, for example "
                    f"{ending.example_text}, which ends with: {ending.description}."
                )
            return CheckResult(exercise, False, seen, fail_hint(failure, watch, source))
        explored.append((case, result))
    counted = "; ".join(
        f"{case.label}: {r.schedules:,} schedule{'s' if r.schedules != 1 else ''}" for case, r in explored
    )
    because = explain(watch, source)
    return CheckResult(exercise, True, f"On every schedule {outcome} ({counted}).{' ' + because if because else ''}")


def _loop_text(case: Scenario, exc: ExplorationLimit, lines: int) -> str:
    """Who loops forever, at which line, holding what."""
    run = case.start().steps(*exc.schedule)
    start = run.state
    tests: set[_At] = set()
    for thread in exc.loop:
        i = case.threads.index(thread)
        step = case.programs[i].steps[run.state.pcs[i]]
        if step.kind == TEST:
            tests.add(_at(case, case.programs[i], step, lines))
        run = run.step(thread)
    who = sorted(set(exc.loop), key=case.threads.index)
    held = sorted({case.locks[k] for k, h in enumerate(start.holders) if h is not None and case.threads[h] in who})
    where = f" round {_quote(sorted(tests))}" if tests else ""
    names = " and ".join(who)
    if held:
        return (
            f"{names} can go{where} forever while holding {' and '.join(held)}, so no other thread can take "
            f"{'it' if len(held) == 1 else 'them'} to change what {'it waits' if len(who) == 1 else 'they wait'} for."
        )
    return f"{names} can go{where} forever if the scheduler keeps picking {'it' if len(who) == 1 else 'them'}."


def _self_deadlock(failure: _Failure) -> str:
    """The lock a thread waits for while holding it (empty if none)."""
    case, state = failure.scenario, failure.final
    cycle = case.deadlock(state)
    return case.locks[case.blocked_on(state, cycle[0])] if len(cycle) == 1 else ""  # type: ignore[index]


_NOT_REENTRANT = "A Lock is not reentrant: a thread that asks for {lock} while holding it waits forever. Take it once."
_RELEASE_HINT = "Release only a lock the thread holds, once for each acquire(): a with block pairs them for you."
_STUCK_HINT = (
    "A thread was left blocked on a lock that nobody will release: release every lock you take, once (a with block "
    "does it for you)."
)


# -- 9.1 --------------------------------------------------------------------------------------------


_INCREMENT_CASES = tuple(
    _Case(
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
    return _MODEL_HINT.format(_INCREMENT_WORDS)


def _increment_fail_hint(failure: _Failure, watch: _Watch, source: str) -> str:
    kinds = failure.kinds
    if "deadlock" in kinds and _self_deadlock(failure):
        return _NOT_REENTRANT.format(lock="lock")
    if "crash" in kinds and any("release of" in p.text for p in failure.problems):
        return _RELEASE_HINT
    if "stuck" in kinds:
        return _STUCK_HINT
    gaps = watch.lines_without("lock", (LOAD, STORE), "counter")
    tests_locked = watch.touches((TEST,), "lock")
    if tests_locked:
        return (
            "lock.locked() only says whether the lock was held a moment ago: another thread can take it, or "
            "change counter, right after your test. Hold the lock instead: with lock: around counter += 1."
        )
    if gaps and not watch.touches((ACQUIRE,), "lock"):
        return (
            "Put with lock: around counter += 1, so that no other thread's load or store can come between this "
            "thread's load and its store."
        )
    if gaps:
        return (
            f"Your program reads or writes counter without holding lock at {_quote(gaps)}, so another thread's "
            "increment can come in between. Load, add and store inside one with lock: block."
        )
    if watch.touches((LOAD,), "counter") and watch.touches((STORE,), "counter"):
        return (
            "Every load and store of counter is under lock, yet counter ends wrong. Keep the load and the store in "
            "one with lock: block (a thread that lets go in between lets another increment in), and add exactly 1."
        )
    return "Each thread must add 1 to counter: load it, add 1 and store it, under the lock."


def _increment_explain(watch: _Watch, source: str) -> str:
    if watch.always_under({"lock"}, (LOAD, STORE), "counter"):
        return (
            "Every load and store of counter happens while the thread holds lock, so no other thread's load or "
            "store can come between a thread's load and its store."
        )
    return ""


def check_locked_increment(increment: object) -> CheckResult:
    """Exercise 9.1: ``counter += 1`` made safe with the lock, on every schedule of 2 and of 3 threads."""
    return _judge(
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


def _with_audit(second: str) -> Scenario:
    return scenario(
        {"T1": TRANSFER_A_TO_B, "T2": second, "Audit": AUDIT},
        shared={"a": 10, "b": 10, "audit_sum": 0},
        locks=["lock_a", "lock_b"],
        expect={"a": 10, "b": 10, "audit_sum": 20},
        title="two transfers and an audit",
    )


def _with_deposits(second: str) -> Scenario:
    return scenario(
        {"T1": TRANSFER_A_TO_B, "T2": second, "DepositA": DEPOSIT_A, "DepositB": DEPOSIT_B},
        shared={"a": 10, "b": 10},
        locks=["lock_a", "lock_b"],
        expect={"a": 11, "b": 11},
        title="two transfers and two deposits",
    )


_TRANSFER_CASES = (
    _Case("T1 and your T2", deadlock_scenario, ("T2",)),
    _Case("with an audit (it takes lock_a, then lock_b, and stores a + b in audit_sum)", _with_audit, ("T2",)),
    _Case(
        "with two deposits (DepositA runs a += 1 under lock_a, DepositB b += 1 under lock_b)", _with_deposits, ("T2",)
    ),
)

_BALANCE = (LOAD, STORE)


def _transfer_fail_hint(failure: _Failure, watch: _Watch, source: str) -> str:
    kinds = failure.kinds
    if "deadlock" in kinds:
        lock = _self_deadlock(failure)
        if lock:
            return _NOT_REENTRANT.format(lock=lock)
        if ("lock_b", "lock_a") in watch.orders():
            return (
                "T1 takes lock_a, then lock_b; your T2 asks for lock_a while holding lock_b, so each can hold one "
                "lock and wait for the other. Take them in the same order in T2, and no cycle can form."
            )
        return "Two threads each waited for a lock the other held: take lock_a before lock_b everywhere."
    if "crash" in kinds:
        return _RELEASE_HINT
    if "stuck" in kinds:
        return _STUCK_HINT
    missing = [
        (lock, var, watch.lines_without(lock, _BALANCE, var)) for lock, var in (("lock_a", "a"), ("lock_b", "b"))
    ]
    missing = [m for m in missing if m[2]]
    if failure.case is _TRANSFER_CASES[2] and missing:
        said = "; ".join(f"{var} without holding {lock} at {_quote(ats)}" for lock, var, ats in missing)
        return (
            f"A deposit was lost: your T2 uses {said}, so a deposit that holds only that lock can run in the middle "
            "of your update. Hold lock_a while you change a and lock_b while you change b."
        )
    if failure.case is _TRANSFER_CASES[1]:
        return (
            "The audit saw the money in flight: it ran after your T2 had changed one balance and before it changed "
            "the other. Keep holding the locks from before the first change until after the last."
        )
    if missing:
        said = "; ".join(f"{var} without holding {lock} at {_quote(ats)}" for lock, var, ats in missing)
        return f"Your T2 uses {said}: hold lock_a while you change a and lock_b while you change b."
    return "T2 must move 1 from b to a: subtract 1 from b and add 1 to a, once each, holding the locks."


def _transfer_explain(watch: _Watch, source: str) -> str:
    said = []
    if watch.orders() == {("lock_a", "lock_b")}:
        said.append(
            "Your T2 takes lock_a before lock_b, as T1 does, so no thread holds lock_b while it waits for lock_a"
        )
    if watch.always_under({"lock_a", "lock_b"}, _BALANCE, "a") and watch.always_under(
        {"lock_a", "lock_b"}, _BALANCE, "b"
    ):
        said.append("it holds both locks while it reads and changes a and b")
    elif watch.always_under({"lock_a"}, _BALANCE, "a") and watch.always_under({"lock_b"}, _BALANCE, "b"):
        said.append("it holds lock_a while it changes a and lock_b while it changes b")
    if not said:
        return ""
    text = "; ".join(said)
    return text[0].upper() + text[1:] + "."


def check_lock_order(second: object) -> CheckResult:
    """Exercise 9.2: T2's transfer never deadlocks, loses a deposit or shows the money in flight, on any schedule."""
    return _judge(
        "9.2",
        second,
        "second",
        lambda source: _TRANSFER_CASES,
        model_hint=lambda source, error: _MODEL_HINT.format(_TRANSFER_WORDS),
        loop_hint="Take the locks with with lock_a: and with lock_b:, which wait without spinning.",
        fail_hint=_transfer_fail_hint,
        explain=_transfer_explain,
        outcome="nothing deadlocks, the balances end right, the audit sees a + b = 20 and no deposit is lost",
    )


# -- 9.3 --------------------------------------------------------------------------------------------

#: Most items a scenario of 9.3 puts in the buffer, for deciding which branch of a test means "found one".
_MOST_ITEMS = 5


def _consumers(source: str, counts: tuple[int, ...]) -> Scenario:
    """A producer of as many items as the consumers take, and consumers running ``source`` that many times each."""
    one = _normal(source) + "\n"
    steps = len(_learner_program(source)[1].steps)
    if max(counts) * steps > MAX_STEPS:
        most = max(counts)
        raise ValueError(
            f"C{counts.index(most) + 1} takes {most} items in a row, so it runs your consumer {most} times "
            f"({most * steps} steps), more than the {MAX_STEPS} steps the model runs in a thread"
        )
    threads = {"P": PRODUCE_ONE * sum(counts)}
    threads.update({f"C{k}": one * n for k, n in enumerate(counts, start=1)})
    return scenario(threads, buffers={"buffer": 0}, conditions={"cond": None}, expect={"buffer": 0})


#: Fewest and most items the robbing consumer of 9.3 takes in a row.
_ROBBERIES = (4, 12)


def _robberies(source: str) -> int:
    """One more than the ``wait()`` calls (``if`` written k times waits k times) and than any number it counts to."""
    try:
        steps = _learner_program(source)[1].steps
    except Exception:  # the first case reports what the model cannot run
        return _ROBBERIES[0]
    waits = sum(step.kind == WAIT for step in steps)
    counts = [
        abs(int(operand[1]))
        for step in steps
        for operand in (step.a, step.b)
        if operand[0] == CONST and type(operand[1]) is int
    ]
    return min(_ROBBERIES[1], max(_ROBBERIES[0], waits + 1, max(counts, default=0) + 1))


def _consumer_cases(source: str) -> tuple[_Case, ...]:
    robberies = _robberies(source)
    return (
        _Case("one producer, two consumers", if_consumer_scenario, ("C1", "C2")),
        _Case("three consumers", lambda source: _consumers(source, (1, 1, 1)), ("C1", "C2", "C3")),
        _Case(
            f"C1 taking one item while C2 takes {robberies} in a row",
            lambda source: _consumers(source, (1, robberies)),
            ("C1", "C2"),
        ),
    )


def _found_branch(step: Step, buffer: int) -> bool | None:
    """Which outcome of a test on the buffer means "there is an item" (``None``: it does not tell)."""
    if step.kind != TEST or (SHARED, buffer) not in (step.a, step.b):
        return None
    if step.op not in ("truth", "not"):
        other = step.b if step.a == (SHARED, buffer) else step.a
        if other[0] != CONST:
            return None

    def outcome(size: int) -> bool:
        a = size if step.a == (SHARED, buffer) else step.a[1]
        b = size if step.b == (SHARED, buffer) else step.b[1]
        return passes(step.op, a, b)

    found = {outcome(size) for size in range(1, _MOST_ITEMS + 1)}
    if len(found) != 1 or outcome(0) in found:
        return None
    return found.pop()


def _blind_pops(program: Program, buffer: int, lock: int) -> list[tuple[str, int]]:
    """Ways the program reaches ``buffer.pop()`` without a test that has just found an item.

    Follows every path of the program from its start and after each ``wait()``; a test that finds
    an item makes the path safe until the lock is released or an item is popped. Each way is
    ``("start", -1)``, ``("wake", pc)``, ``("release", pc)`` or ``("pop", pc of an earlier pop)``.
    """
    steps = program.steps
    found: set[tuple[str, int]] = set()
    starts = [(0, False, ("start", -1))] + [
        (step.next_pc, False, ("wake", pc)) for pc, step in enumerate(steps) if step.kind == WAIT
    ]
    seen = set()
    todo = list(starts)
    while todo:
        pc, safe, origin = todo.pop()
        if (pc, safe, origin) in seen or pc >= len(steps):
            continue
        seen.add((pc, safe, origin))
        step = steps[pc]
        if step.kind == WAIT:
            continue
        if step.kind == POP:
            if not safe:
                found.add(origin)
            todo.append((step.next_pc, False, ("pop", pc)))
        elif step.kind == RELEASE and step.target == lock:
            todo.append((step.next_pc, False, ("release", pc) if safe else origin))
        elif step.kind == TEST:
            branch = _found_branch(step, buffer)
            for outcome, target in ((True, step.next_pc), (False, step.else_pc)):
                todo.append((target, safe if branch is None else branch == outcome, origin))
        else:
            todo.append((step.next_pc, safe, origin))
    return sorted(found, key=lambda item: (item[1], item[0]))


def _retests(program: Program, buffer: int) -> list[str]:
    """The lines of the first test of the buffer after each ``wait()`` returns."""
    steps, lines = program.steps, set()
    todo = [step.next_pc for step in steps if step.kind == WAIT]
    seen = set()
    while todo:
        pc = todo.pop()
        if pc in seen or pc >= len(steps):
            continue
        seen.add(pc)
        step = steps[pc]
        if step.kind == TEST and (SHARED, buffer) in (step.a, step.b):
            lines.add(_line_of(program, pc))
        elif step.kind == TEST:
            todo.extend((step.next_pc, step.else_pc))
        elif step.kind not in (WAIT, POP):
            todo.append(step.next_pc)
    return sorted(lines)


def _learner_program(source: str) -> tuple[Scenario, Program]:
    case = if_consumer_scenario(source)
    return case, case.programs[case.threads.index("C1")]


def _line_of(program: Program, pc: int) -> str:
    return program.lines[program.steps[pc].line - 1].strip()


def _consumer_fail_hint(failure: _Failure, watch: _Watch, source: str) -> str:
    texts = " ".join(p.text for p in failure.problems)
    case, program = _learner_program(source)
    buffer, lock = case.variables.index("buffer"), case.locks.index("cond")
    if "without holding cond" in texts:
        return (
            "cond.wait() and cond.notify() need cond held: put the test, the wait and the pop inside one with cond: "
            "block."
        )
    if "release of" in texts:
        return _RELEASE_HINT
    if "pop from empty" in texts:
        unlocked = watch.lines_without("cond", (POP,), "buffer")
        if unlocked:
            return (
                f"Your consumer pops at {_quote(unlocked)} without holding cond, so another consumer can take the "
                "item between your test and your pop. Test and pop inside one with cond: block."
            )
        blind = dict(_blind_pops(program, buffer, lock))
        if "release" in blind:
            release = program.steps[blind["release"]]
            where = (
                f"where the with block of line {release.line} ends"
                if release.text.endswith("(leave with)")
                else f"line {release.line}: {_line_of(program, blind['release'])}"
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
        unlocked = watch.lines_without("cond", (TEST,), "buffer")
        if unlocked:
            return (
                f"Your consumer tests the buffer at {_quote(unlocked)} without holding cond, so the producer can add "
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


def _consumer_explain(watch: _Watch, source: str) -> str:
    case, program = _learner_program(source)
    buffer, lock = case.variables.index("buffer"), case.locks.index("cond")
    if _blind_pops(program, buffer, lock) or not watch.always_under({"cond"}, (TEST, POP), "buffer"):
        return ""
    retests = _retests(program, buffer)
    if not retests:
        return "Your consumer pops only right after a test, made while holding cond, has found an item."
    return (
        f"After every wake-up your consumer tests the buffer again ({'; '.join(retests)}), and it holds cond "
        "from that test to its pop, so an item another consumer took first only means waiting again."
    )


def check_while_consumer(consumer: object) -> CheckResult:
    """Exercise 9.3: consumers that never pop from an empty buffer, however many compete, on any schedule."""
    return _judge(
        "9.3",
        consumer,
        "consumer",
        _consumer_cases,
        model_hint=lambda source, error: _MODEL_HINT.format(_CONSUMER_WORDS),
        loop_hint=(
            "Wait instead of spinning: while not buffer: cond.wait() lets go of cond while it sleeps, and the "
            "producer's notify() wakes it."
        ),
        fail_hint=_consumer_fail_hint,
        explain=_consumer_explain,
        outcome="each consumer takes one item, none pops from an empty buffer and none is left waiting",
    )
