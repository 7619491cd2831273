"""Check for the exercise of notebook 10: write the test that catches a race on every run.

The learner's test runs against a racy office three times (it must fail each time) and two correct
ones (it must pass); all come from one class with one name, so only behaviour tells them apart. In the
last run each buyer waits at the door of ``sell`` until the test is seen waiting for its threads.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

from synclab._threads.testing import RunOutcome, judge_run
from synclab.checks._base import CheckResult, Trial, first_fault, not_yet, passed, waits_for_others

EXERCISE = "10.1"
#: Seconds one run of the learner's test may take...
RUN_SECONDS = 2.0
#: ...and the most it may take while it keeps calling ``sell`` (a slow test on a busy machine is not a hung one).
SLOW_SECONDS = 6.0
#: Seconds between two looks of a held buyer at the test's thread.
HOLD_POLL = 0.0005
#: The runs, in order: (how the office sells, whether buyers are held until the test waits).
#: The held run comes early, so that a test which asserts before its buyers finish always fails
#: there, with the message that names the missing join, whatever the racy runs did.
PLAN = (("reserve", False), ("reserve", True), ("racy", False), ("racy", False), ("racy", False), ("through", False))
RACY_RUNS = sum(style == "racy" for style, _ in PLAN)
CORRECT_RUNS = len(PLAN) - RACY_RUNS

_OFFICES = {
    "racy": "the racy TicketOffice",
    "reserve": "a correct TicketOffice (it takes the seat under its lock and prints the ticket after)",
    "through": "a correct TicketOffice (it keeps its lock through the whole sale)",
}
_WINDOW_HINT = (
    "Make the race show every time: start the buyers together (a threading.Barrier they all wait at before "
    "calling sell), and give issue() a window (time.sleep(0.001) before it records the ticket) so that every "
    "buyer reaches the check for a free seat before the first sale is counted. Then join the buyers and "
    "assert how many tickets were issued."
)
_JOIN_HINT = (
    "Wait for every buyer with thread.join(timeout=...) before you assert: a sleep only guesses how long the "
    "threads take, and on a busy machine the guess is wrong."
)


class _Watch:
    """What the check sees of one run: calls of ``sell``, the test's thread, and the held buyers."""

    def __init__(self, hold: bool) -> None:
        self.hold = hold
        self.trial: Trial | None = None
        self.test_thread: threading.Thread | None = None
        self.test_done = False
        self.sells = 0
        self.callers: set[threading.Thread] = set()  # the threads themselves: idents are reused
        self.held_too_long = False
        self.offices: list[Any] = []
        self._guard = threading.Lock()

    def started(self, thread: threading.Thread) -> None:
        self.test_thread = thread

    def enter(self) -> None:
        """A buyer is at the door of ``sell``."""
        me = threading.current_thread()
        with self._guard:
            self.sells += 1
            self.callers.add(me)
        if not self.hold or me is self.test_thread or self.trial is None:
            return
        test_thread = self.test_thread
        while not self.test_done and not (test_thread is not None and waits_for_others(test_thread)):
            self.trial.check()  # the run was called off: leave
            time.sleep(HOLD_POLL)
        if self.test_done:
            self.held_too_long = True

    def oversold(self) -> bool:
        """Whether some office issued more tickets than it had seats."""
        for office in self.offices:
            try:
                if office.sold > office.seats:
                    return True
            except TypeError:  # seats was not a number
                continue
        return False


def _office_class(trial: Trial, style: str, watch: _Watch) -> type:

    class TicketOffice:
        """Sells at most ``seats`` tickets; ``issue(buyer)`` prints each ticket (it may take a while)."""

        def __init__(self, seats: int, issue: Callable[[Any], object]) -> None:
            self.seats = seats
            self.sold = 0
            self._issue = issue
            self._lock = trial.lock("the office's lock")
            watch.offices.append(self)

        def sell(self, buyer: Any) -> bool:
            """Sell ``buyer`` a ticket if a seat is left; return whether it did."""
            watch.enter()
            if style == "racy":
                with self._lock:
                    available = self.sold < self.seats
                if not available:
                    return False
                self._issue(buyer)
                with self._lock:
                    self.sold += 1
                return True
            if style == "through":
                with self._lock:
                    if self.sold >= self.seats:
                        return False
                    self._issue(buyer)
                    self.sold += 1
                    return True
            with self._lock:
                if self.sold >= self.seats:
                    return False
                self.sold += 1
            self._issue(buyer)
            return True

    return TicketOffice


def _run(test: Callable[[Any], object], style: str, hold: bool) -> tuple[RunOutcome, _Watch]:
    watch = _Watch(hold)

    def make_target(trial: Trial) -> Callable[[int, Callable[[Any], object]], Any]:
        watch.trial = trial
        office = _office_class(trial, style, watch)

        def make_office(seats: int, issue: Callable[[Any], object]) -> Any:
            """A new ticket office with ``seats`` seats that calls ``issue(buyer)`` for each ticket it sells."""
            return office(seats, issue)

        return make_office

    def test_ticket_office(make_office: Any) -> object:
        try:
            return test(make_office)
        finally:
            watch.test_done = True

    outcome = judge_run(
        test_ticket_office,
        make_target,
        timeout=RUN_SECONDS,
        what="your test",
        on_start=watch.started,
        stopper="the check",
        progress=lambda: watch.sells,
        slow_limit=SLOW_SECONDS,
    )
    return outcome, watch


def _thread_error(outcome: RunOutcome) -> tuple[str, str]:
    name, error = outcome.thread_errors[0]
    kind = type(error).__name__
    if default := re.fullmatch(r"Thread-\d+(?: \((.+)\))?", name):
        name = f"running {default.group(1)}()" if default.group(1) else "(one you started)"
    return name, f"{kind}: {error}" if str(error) else kind


def _common_trouble(outcome: RunOutcome, style: str) -> CheckResult | None:
    if outcome.outcome == "hung" and outcome.seconds >= SLOW_SECONDS:
        return not_yet(
            EXERCISE,
            f"against {_OFFICES[style]}, your test was still calling sell() after {SLOW_SECONDS:g} s, so the check "
            "stopped it: it does not end on its own.",
            "A test must end on its own: run a fixed number of rounds (for _ in range(3): ...), not until the race "
            "shows, since against a correct office it never does.",
        )
    if outcome.outcome == "hung":
        return not_yet(
            EXERCISE,
            f"against {_OFFICES[style]}, {outcome.message}",
            "Give every wait a time limit: threading.Barrier(n, timeout=2), thread.join(timeout=2), "
            "event.wait(timeout=2). A test that can hang is worse than one that fails: it stops the whole suite. (If "
            f"your test is just slow: the check gives each run {RUN_SECONDS:g} s, up to {SLOW_SECONDS:g} s while it "
            "keeps calling sell(); a well-aimed window needs far less.)",
        )
    if outcome.outcome == "error" and outcome.error is None:  # it returned, leaving threads behind
        return not_yet(EXERCISE, f"against {_OFFICES[style]}, {outcome.message}", _JOIN_HINT)
    if outcome.interval_left is not None:
        return not_yet(
            EXERCISE,
            f"your test left the switch interval at {outcome.interval_left:g} s: it is process-wide, so every test "
            "that runs after yours would run with it.",
            "Save it first (old = sys.getswitchinterval()) and put it back in a finally: block, so it is restored "
            "even when an assertion fails.",
        )
    return None


def _judge_correct(outcome: RunOutcome, watch: _Watch, style: str) -> CheckResult | None:
    if watch.held_too_long:
        ended = "returned" if outcome.outcome == "passed" else "ended"
        return not_yet(
            EXERCISE,
            "your test checked the tickets while its buyers were still buying: in this run the check kept each buyer "
            f"from starting its purchase until your test waited for it, and your test {ended} without waiting.",
            _JOIN_HINT,
        )
    if outcome.outcome in ("failed", "error"):
        hint = (
            "With one seat and several buyers, a correct office issues exactly one ticket: check what your "
            "assertion expects, and test what the office does (the tickets issued), not how its code looks."
        )
        if isinstance(outcome.error, SystemExit):
            hint = "A test fails by raising an exception (assert ...), never with sys.exit(): just return to pass."
        return not_yet(
            EXERCISE, f"against {_OFFICES[style]}, {outcome.message}. A test must pass when the code is right.", hint
        )
    if outcome.thread_errors:
        name, error = _thread_error(outcome)
        return not_yet(
            EXERCISE,
            f"against {_OFFICES[style]}, your test passed but its thread {name} raised {error}.",
            "A test must run cleanly against correct code: find out why that thread raised.",
        )
    return None


def _judge_racy(outcome: RunOutcome, watch: _Watch) -> CheckResult | None:
    if isinstance(outcome.error, Exception):
        return None
    if outcome.error is not None:
        return not_yet(
            EXERCISE,
            f"against the racy TicketOffice, {outcome.message}. A test fails by raising an exception (assert), "
            "it does not exit.",
            "Replace the exit with an assert that says what went wrong.",
        )
    if outcome.thread_errors:
        name, error = _thread_error(outcome)
        return not_yet(
            EXERCISE,
            f"against the racy TicketOffice, your test's thread {name} raised {error}, but the test function "
            "itself returned normally: an exception in a thread ends only that thread, so pytest would report "
            "this test as passed.",
            "Collect what the threads saw (append to a list), join them, and assert in the test function itself.",
        )
    if watch.sells == 0:
        return not_yet(
            EXERCISE,
            "your test passed against the racy TicketOffice without ever calling office.sell(): it cannot catch "
            "a race in selling.",
            "Make an office with make_office(1, issue), let several buyer threads call office.sell(buyer), and "
            "assert on the tickets issued.",
        )
    if len(watch.callers) <= 1:
        return not_yet(
            EXERCISE,
            "your test passed against the racy TicketOffice: every call to sell() came from one thread, so no two "
            "buyers were ever inside sell() at once and there was nothing to race.",
            "Call sell() from several threads: threading.Thread(target=office.sell, args=(buyer,)) for each buyer.",
        )
    if watch.oversold():
        return not_yet(
            EXERCISE,
            "your test passed against the racy TicketOffice although the office sold more tickets than it had "
            "seats in that run: the race happened and your assertion did not see it (does it look at the "
            "tickets issued, after every buyer has finished?).",
            "Record each ticket in issue() (append the buyer to a list), join every buyer, then assert "
            "len(tickets) == seats.",
        )
    return not_yet(
        EXERCISE,
        f"your test passed against the racy TicketOffice in one of {RACY_RUNS} runs: the race did not show, because "
        "no two buyers were between the check for a free seat and the count of the sale at the same moment.",
        _WINDOW_HINT,
    )


def check_race_test(test_ticket_office: Callable[[Any], object]) -> CheckResult:
    """Exercise 10.1: a test that fails against the racy office every time and passes against correct ones."""
    if (fault := first_fault(EXERCISE, test_ticket_office, "def test_ticket_office(make_office):")) is not None:
        return fault
    first_failure = ""
    for style, hold in PLAN:
        outcome, watch = _run(test_ticket_office, style, hold)
        verdict = _common_trouble(outcome, style)
        if verdict is None:
            verdict = _judge_racy(outcome, watch) if style == "racy" else _judge_correct(outcome, watch, style)
        if verdict is not None:
            return verdict
        if style == "racy" and not first_failure:
            # the exception's type only: the learner's own message may hold a count that varies
            first_failure = type(outcome.error).__name__
    return passed(
        EXERCISE,
        f"against the racy TicketOffice your test failed in all {RACY_RUNS} runs (first: {first_failure}); against "
        f"two correct offices it passed in all {CORRECT_RUNS} runs, also when the check held every buyer back until "
        "your test waited for it.",
    )
