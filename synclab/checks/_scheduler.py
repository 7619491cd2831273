"""The machinery of notebook 09's checks: run the learner's program in scenarios, on every schedule, and watch it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from synclab.checks._base import CheckResult, not_yet, passed
from synclab.scheduler.compiler import dedent
from synclab.scheduler.explore import Exploration, ExplorationLimit, explore
from synclab.scheduler.model import RUNNING, Problem, Scenario, State
from synclab.scheduler.program import CONST, LOCKED, SHARED, Program, Step, passes

#: Most states a check explores, over all its scenarios: the accepted answers need at most a few thousand, and
#: this many take a second or two on a loaded machine.
MAX_CHECK_STATES = 40_000

#: Longest answer a check reads, in characters; the answers are a few lines.
MAX_SOURCE_CHARS = 2_000

SHORTER_HINT = "Keep only the lines the task needs: the fix changes one or two lines of the stub."


@dataclass(frozen=True, slots=True, order=True)
class At:
    """A step of the learner's program: its line, kind, what it touches and its source text."""

    line: int
    kind: str
    name: str
    text: str


@dataclass(slots=True)
class Watch:
    """``held[at]``: every set of lock names a learner thread held when about to run ``at``, while exploring."""

    held: dict[At, set[frozenset[str]]] = field(default_factory=dict)

    def observer(self, case: Scenario, learners: tuple[str, ...], lines: int) -> Callable[[State], None]:
        """An ``observe`` for :func:`explore` (``lines``: of one run of the program; a thread may repeat it)."""
        programs = [(case.threads.index(name), case.programs[case.threads.index(name)]) for name in learners]
        watched = [(i, tuple(step_at(case, program, step, lines) for step in program.steps)) for i, program in programs]
        locks, held = case.locks, self.held

        def observe(state: State) -> None:
            for i, ats in watched:
                if state.status[i] == RUNNING:
                    mine = frozenset(locks[k] for k, holder in enumerate(state.holders) if holder == i)
                    held.setdefault(ats[state.pcs[i]], set()).add(mine)

        return observe

    def on(self, kinds: tuple[str, ...], name: str) -> dict[At, set[frozenset[str]]]:
        """The watched steps of these kinds on ``name``, each with the lock sets held when it ran."""
        return {at: sets for at, sets in self.held.items() if at.kind in kinds and at.name == name}

    def lines_without(self, lock: str, kinds: tuple[str, ...], name: str) -> list[At]:
        """The steps of these kinds on ``name`` that ran at least once without ``lock``."""
        return sorted(at for at, sets in self.on(kinds, name).items() if any(lock not in s for s in sets))

    def touches(self, kinds: tuple[str, ...], name: str) -> bool:
        """Whether a learner thread ran a step of these kinds on ``name``."""
        return bool(self.on(kinds, name))

    def always_under(self, locks: set[str], kinds: tuple[str, ...], name: str) -> bool:
        """Whether every step of these kinds on ``name`` ran holding all of ``locks`` (and there was one)."""
        found = self.on(kinds, name).values()
        return bool(found) and all(locks <= s for sets in found for s in sets)

    def orders(self) -> set[tuple[str, str]]:
        """Pairs (held, wanted): a learner thread asked for ``wanted`` while holding ``held``."""
        return {(h, at.name) for at, sets in self.held.items() if at.kind == "acquire" for s in sets for h in s}


def step_at(case: Scenario, program: Program, step: Step, lines: int) -> At:
    kind, name = step.kind, ""
    if kind in ("load", "store", "append", "pop"):
        name = case.variables[step.target]
    elif kind in ("acquire", "release"):
        name = case.locks[step.target]
    elif kind == "wait":
        name = case.conditions[step.target]
    elif kind == "test":
        read = [o for o in (step.a, step.b) if o[0] in (SHARED, LOCKED)]
        if read:
            name = (case.variables if read[0][0] == SHARED else case.locks)[int(read[0][1])]
    return At((step.line - 1) % lines + 1, kind, name, program.lines[step.line - 1].strip())


def quote(ats: list[At]) -> str:
    """``line 2 (tmp = counter)`` or ``lines 1 (...) and 3 (...)``."""
    shown = [f"{line} ({text})" for line, text in sorted({(at.line, at.text) for at in ats})]
    if len(shown) == 1:
        return f"line {shown[0]}"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


@dataclass(frozen=True, slots=True)
class Case:
    """A scenario around the learner's source, named for messages, and which threads run that source."""

    label: str
    build: Callable[[str], Scenario]
    learners: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Failure:
    case: Case
    scenario: Scenario
    problems: tuple[Problem, ...]
    final: State

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(p.kind for p in self.problems)


def judge(
    exercise: str,
    answer: object,
    name: str,
    cases: Callable[[str], tuple[Case, ...]],
    *,
    model_hint: Callable[[str, str], str],
    loop_hint: str,
    fail_hint: Callable[[Failure, Watch, str], str],
    explain: Callable[[Watch, str], str],
    outcome: str,
) -> CheckResult:
    """Explore every case; fail on the first with a bad schedule, else pass, saying what was seen."""
    if not isinstance(answer, str):
        return not_yet(
            exercise,
            f"{name} must be a string holding a thread's program, got {type(answer).__name__}.",
            f'Write {name} = """...""" with the lines of Python between the triple quotes.',
        )
    source = str.__str__(answer)  # a plain str, even from a subclass
    if len(source) > MAX_SOURCE_CHARS:
        return not_yet(
            exercise,
            f"{name} is {len(source):,} characters long; the check reads programs of up to "
            f"{MAX_SOURCE_CHARS:,} characters.",
            SHORTER_HINT,
        )
    lines = max(1, len(dedent(source).splitlines()))
    watch = Watch()
    explored: list[tuple[Case, Exploration]] = []
    budget = MAX_CHECK_STATES
    for case in cases(source):
        try:
            built = case.build(source)
        except Exception as exc:  # the model refuses it (ValueError), or the parser gives up on it
            text = str(exc).rstrip(".") or type(exc).__name__
            hint = SHORTER_HINT if "at most" in text else model_hint(source, text)
            return not_yet(exercise, f"the model cannot run {name}: {text}.", hint)
        try:
            result = explore(built, max_states=max(budget, 1), observe=watch.observer(built, case.learners, lines))
        except ExplorationLimit as exc:
            if exc.kind == "loop":
                return not_yet(exercise, f"{case.label}: {_loop_text(built, exc, lines)}", loop_hint)
            return not_yet(
                exercise,
                f"{case.label}: your program gives too many different states for the check to try every "
                f"schedule (it stops at {MAX_CHECK_STATES:,}).",
                SHORTER_HINT,
            )
        budget -= result.states
        if result.bad:
            ending = result.bad_endings[0]
            run = built.start().steps(*ending.example)
            failure = Failure(case, built, run.problems(), run.state)
            example = " ".join(ending.example)
            if result.schedules == 1:
                shown = f" ({example})" if example else ""
                seen = f"{case.label}: the only schedule{shown} ends with: {ending.description}."
            else:
                seen = (
                    f"{case.label}: {result.bad:,} of {result.schedules:,} schedules end badly, for example "
                    f"{example}, which ends with: {ending.description}."
                )
            return not_yet(exercise, seen, fail_hint(failure, watch, source))
        explored.append((case, result))
    counted = "; ".join(f"{c.label}: {r.schedules:,} schedule{'s' if r.schedules != 1 else ''}" for c, r in explored)
    because = explain(watch, source)
    return passed(exercise, f"On every schedule {outcome} ({counted}).{' ' + because if because else ''}")


def _loop_text(case: Scenario, exc: ExplorationLimit, lines: int) -> str:
    """Who loops forever, at which line, holding what."""
    run = case.start().steps(*exc.schedule)
    start = run.state
    tests: set[At] = set()
    for thread in exc.loop:
        i = case.threads.index(thread)
        step = case.programs[i].steps[run.state.pcs[i]]
        if step.kind == "test":
            tests.add(step_at(case, case.programs[i], step, lines))
        run = run.step(thread)
    who = sorted(set(exc.loop), key=case.threads.index)
    held = sorted({case.locks[k] for k, h in enumerate(start.holders) if h is not None and case.threads[h] in who})
    where = f" round {quote(sorted(tests))}" if tests else ""
    names = " and ".join(who)
    if held:
        return (
            f"{names} can go{where} forever while holding {' and '.join(held)}, so no other thread can take "
            f"{'it' if len(held) == 1 else 'them'} to change what {'it waits' if len(who) == 1 else 'they wait'} for."
        )
    return f"{names} can go{where} forever if the scheduler keeps picking {'it' if len(who) == 1 else 'them'}."


def self_deadlock(failure: Failure) -> str:
    """The lock a thread waits for while holding it (empty if none)."""
    case, state = failure.scenario, failure.final
    cycle = case.deadlock(state)
    return case.locks[case.blocked_on(state, cycle[0])] if len(cycle) == 1 else ""  # type: ignore[index]


#: Most items a scenario of 9.3 puts in the buffer, for deciding which branch of a test means "found one".
_MOST_ITEMS = 5


def _found_branch(step: Step, buffer: int) -> bool | None:
    """Which outcome of a test on the buffer means "there is an item" (``None``: it does not tell)."""
    other = step.b if step.a == (SHARED, buffer) else step.a  # a truth test's is (CONST, 0)
    if step.kind != "test" or (SHARED, buffer) not in (step.a, step.b) or other[0] != CONST:
        return None

    def outcome(size: int) -> bool:
        return passes(step.op, *((size, other[1]) if step.a == (SHARED, buffer) else (other[1], size)))

    found = {outcome(size) for size in range(1, _MOST_ITEMS + 1)}
    return found.pop() if len(found) == 1 and outcome(0) not in found else None


def blind_pops(program: Program, buffer: int, lock: int) -> list[tuple[str, int]]:
    """Ways the program reaches ``buffer.pop()`` without a test that has just found an item.

    Follows every path of the program from its start and after each ``wait()``; a test that finds
    an item makes the path safe until the lock is released or an item is popped. Each way is
    ``("start", -1)``, ``("wake", pc)``, ``("release", pc)`` or ``("pop", pc of an earlier pop)``.
    """
    steps = program.steps
    found: set[tuple[str, int]] = set()
    todo = [(0, False, ("start", -1))] + [
        (step.next_pc, False, ("wake", pc)) for pc, step in enumerate(steps) if step.kind == "wait"
    ]
    seen = set()
    while todo:
        pc, safe, origin = todo.pop()
        if (pc, safe, origin) in seen or pc >= len(steps):
            continue
        seen.add((pc, safe, origin))
        step = steps[pc]
        if step.kind == "wait":
            continue
        if step.kind == "pop":
            if not safe:
                found.add(origin)
            todo.append((step.next_pc, False, ("pop", pc)))
        elif step.kind == "release" and step.target == lock:
            todo.append((step.next_pc, False, ("release", pc) if safe else origin))
        elif step.kind == "test":
            branch = _found_branch(step, buffer)
            for outcome, target in ((True, step.next_pc), (False, step.else_pc)):
                todo.append((target, safe if branch is None else branch == outcome, origin))
        else:
            todo.append((step.next_pc, safe, origin))
    return sorted(found, key=lambda item: (item[1], item[0]))


def retests(program: Program, buffer: int) -> list[str]:
    """The lines of the first test of the buffer after each ``wait()`` returns."""
    steps, lines = program.steps, set()
    todo = [step.next_pc for step in steps if step.kind == "wait"]
    seen = set()
    while todo:
        pc = todo.pop()
        if pc in seen or pc >= len(steps):
            continue
        seen.add(pc)
        step = steps[pc]
        if step.kind == "test" and (SHARED, buffer) in (step.a, step.b):
            lines.add(line_of(program, pc))
        elif step.kind == "test":
            todo.extend((step.next_pc, step.else_pc))
        elif step.kind not in ("wait", "pop"):
            todo.append(step.next_pc)
    return sorted(lines)


def line_of(program: Program, pc: int) -> str:
    return program.lines[program.steps[pc].line - 1].strip()
