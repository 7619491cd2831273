"""The built-in scenarios and the challenges of notebook 09: you pick the schedule, and win when it shows the bug."""

from __future__ import annotations

from dataclasses import dataclass

from synclab.scheduler.declare import scenario
from synclab.scheduler.model import Scenario
from synclab.scheduler.run import Run

__all__ = ["CHALLENGES", "Challenge", "deadlock_scenario", "if_consumer_scenario", "insufficient_lock_scenario"]

#: A check and a claim, each under the lock, but not under the same acquisition.
CHECK_THEN_CLAIM = """\
with lock:
    seen = busy
if not seen:
    with lock:
        busy = True
    critical_section()
"""

TRANSFER_A_TO_B = """\
with lock_a:
    with lock_b:
        a -= 1
        b += 1
"""

TRANSFER_B_TO_A = """\
with lock_b:
    with lock_a:
        b -= 1
        a += 1
"""

PRODUCE_ONE = """\
with cond:
    buffer.append("item")
    cond.notify()
"""

#: A consumer that waits with ``if``: it does not check again after waking.
IF_CONSUMER = """\
with cond:
    if not buffer:
        cond.wait()
    buffer.pop()
"""

#: The correct consumer: ``while`` checks again after every wake-up.
WHILE_CONSUMER = """\
with cond:
    while not buffer:
        cond.wait()
    buffer.pop()
"""


def insufficient_lock_scenario(program: str = CHECK_THEN_CLAIM) -> Scenario:
    """Two threads claim a ``busy`` flag, each read and write under the lock, but in two acquisitions."""
    return scenario(
        {"T1": program, "T2": program},
        shared={"busy": False},
        locks=["lock"],
        title="a busy flag, checked and set under a lock",
    )


def deadlock_scenario(second: str = TRANSFER_B_TO_A) -> Scenario:
    """T1 moves 1 from a to b taking lock_a then lock_b; T2 (by default) moves 1 back in the opposite order."""
    return scenario(
        {"T1": TRANSFER_A_TO_B, "T2": second},
        shared={"a": 10, "b": 10},
        locks=["lock_a", "lock_b"],
        expect={"a": 10, "b": 10},
        title="two transfers, two locks",
    )


def if_consumer_scenario(consumer: str = IF_CONSUMER) -> Scenario:
    """A producer adds two items to a buffer; two consumers (by default waiting with ``if``) take one each."""
    return scenario(
        {"P": PRODUCE_ONE * 2, "C1": consumer, "C2": consumer},
        buffers={"buffer": 0},
        conditions={"cond": None},
        expect={"buffer": 0},
        title="one producer, two consumers, a condition",
    )


@dataclass(frozen=True, slots=True)
class Challenge:
    """A scenario, a goal, a hint, and the :class:`~synclab.scheduler.model.Problem` kind that means it is met."""

    key: str
    title: str
    goal: str
    hint: str
    scenario: Scenario
    win_kind: str
    win_message: str
    notebook: str

    @property
    def plays(self) -> str:
        """``"notebook 01 (race conditions)"``."""
        number, _, topic = self.notebook.removesuffix(".ipynb").partition("-")
        return f"notebook {number} ({topic.replace('-', ' ')})"

    def won(self, run: Run) -> bool:
        return any(problem.kind == self.win_kind for problem in run.problems())


#: The challenges, by key, in the order the notebook plays them.
CHALLENGES: dict[str, Challenge] = {
    c.key: c
    for c in (
        Challenge(
            "lost update",
            "Lose an update",
            "Two threads each add 1 to counter. Pick the steps so that, when both have finished, counter is 1.",
            "Step T1 until it has loaded counter, then run T2 all the way. When T1 stores, it writes back "
            "the stale value it loaded, plus one.",
            scenario(
                {"T1": "counter += 1\n", "T2": "counter += 1\n"},
                shared={"counter": 0},
                expect={"counter": 2},
                title="two threads, counter += 1, no lock",
            ),
            "value",
            "Both threads added 1, but counter ends at 1: T1 wrote back a value it had read before T2's update.",
            "01-race-conditions.ipynb",
        ),
        Challenge(
            "insufficient lock",
            "Beat an insufficient lock",
            "Every read and write of busy is inside with lock:, so only one thread should ever reach "
            "critical_section(). Get both threads there at the same time.",
            "The check and the claim are two separate with blocks. Let T1 read busy and leave the lock, then let "
            "T2 read busy too, before either thread sets it.",
            insufficient_lock_scenario(),
            "exclusion",
            "Both threads are in the critical section: each saw busy == False before either set it. "
            "The check and the claim must happen under one acquisition of the lock.",
            "03-critical-sections-and-lock-scope.ipynb",
        ),
        Challenge(
            "deadlock",
            "Cause a deadlock",
            "T1 takes lock_a then lock_b; T2 takes them in the opposite order. "
            "Reach a state where neither thread can ever move again.",
            "Let T1 take lock_a, then let T2 take lock_b. Now each waits for the lock the other holds.",
            deadlock_scenario(),
            "deadlock",
            "Deadlock: each thread holds one lock and waits for the other. Taking the locks in one global "
            "order makes this impossible.",
            "07-deadlock-and-lock-ordering.ipynb",
        ),
        Challenge(
            "if instead of while",
            "Break an if-instead-of-while wait",
            "The consumers wait with if not buffer: cond.wait(). Make a consumer call buffer.pop() on an empty buffer.",
            "Let C1 find the buffer empty and wait. Let P add an item and notify (C1 is woken), and leave the "
            "lock. Then, before C1 re-acquires the lock, let C2 take the item.",
            if_consumer_scenario(),
            "crash",
            "A consumer popped from an empty buffer: it was woken, but another consumer took the item "
            "first, and if does not check again. while would have made it wait again.",
            "05-condition-variables.ipynb",
        ),
    )
}
