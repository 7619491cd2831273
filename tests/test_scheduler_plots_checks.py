"""Plots of the explorer, and the notebook 09 checks, which judge every schedule."""

from __future__ import annotations

import pytest
from conftest import numbers_in
from matplotlib.figure import Figure

import synclab
from synclab.plots.scheduler import fmt_share
from synclab.scheduler import counter_scenario, explore, sweep_schedules
from synclab.scheduler.library import IF_CONSUMER, TRANSFER_B_TO_A, WHILE_CONSUMER

# -- plots -------------------------------------------------------------------------------------


def test_endings_plot_has_a_bar_per_ending_and_states_the_count():
    fig = synclab.plots.plot_schedules(explore(counter_scenario(2, 1)))
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [18, 2]  # bad at the bottom, good on top
    assert numbers_in(ax.get_title()) == [2, 1, 18, 20] and "end badly" in ax.get_title()  # 2 x 1: 18 of 20
    assert "schedules" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["counter = 1, expected 2", "counter = 2"]
    locked = synclab.plots.plot_schedules(explore(counter_scenario(2, 1, use_lock=True))).axes[0]
    assert numbers_in(locked.get_title())[-1] == 2 and "end well" in locked.get_title()  # all 2 schedules


def test_sweep_plot_titles_the_growth_and_names_what_the_cap_left_out():
    sweep = sweep_schedules(threads=(1, 2, 3, 4), increments=(1, 2))
    fig = synclab.plots.plot_schedules(sweep)
    share, count = fig.axes
    assert numbers_in(share.get_title()) == [90, 2, 1, 99.99947, 3, 2]  # 90 % at 2 threads x 1, 99.99947 % at 3 x 2
    assert "no lock" in share.get_title()
    assert share.get_ylabel() == "schedules that lose an update (%)"
    assert share.get_xlabel() == "threads"
    (note,) = [t.get_text() for t in share.texts]
    assert note.replace("\n", " ") == "not explored (over the cap of 10,000 states): 4 x 2"
    assert count.get_yscale() == "log"
    line = share.lines[0]  # 1 increment per thread: 1, 2, 3, 4 threads
    assert list(line.get_xdata()) == [1, 2, 3, 4]
    assert list(line.get_ydata()) == pytest.approx([0, 90, 100 * 1674 / 1680, 100 * 369576 / 369600])
    assert len(share.lines[1].get_xdata()) == 3  # 4 x 2 was over the cap


def test_sweep_plot_into_given_axes_draws_the_share_only():
    fig = Figure()
    ax = fig.add_subplot()
    assert synclab.plots.plot_schedules(sweep_schedules(threads=(2,), increments=(1,)), ax=ax) is fig
    assert len(fig.axes) == 1


def test_locked_sweep_says_nothing_is_lost():
    sweep = sweep_schedules(threads=(1, 2, 3), increments=(1,), use_lock=True)
    title = synclab.plots.plot_schedules(sweep).axes[0].get_title()
    assert numbers_in(title) == [] and "no schedule loses an update" in title


def test_share_formatting_never_rounds_up_to_100():
    assert fmt_share(18, 20) == "90 %"
    assert fmt_share(918, 924) == "99.35 %"
    assert fmt_share(369576, 369600) == "99.9935 %"
    assert fmt_share(20, 20) == "100 %"
    assert fmt_share(0, 20) == "0 %"
    with pytest.raises(ValueError):
        fmt_share(1, 0)


def test_plots_refuse_other_results():
    with pytest.raises(TypeError, match="result must be an Exploration or a ScheduleSweep"):
        synclab.plots.plot_schedules(counter_scenario())  # type: ignore[arg-type]


# -- checks: every schedule, so a lucky fix fails -------------------------------------------------------------


def test_increment_check():
    stub = synclab.check_exercise("9.1", "counter += 1\n")
    assert not stub and "18 of 20 schedules end badly" in stub.message and "with lock:" in stub.hint
    assert synclab.check_exercise("9.1", "with lock:\n    counter += 1\n")
    assert synclab.check_exercise("9.1", "lock.acquire()\ncounter += 1\nlock.release()\n")


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("with lock:\n    tmp = counter\ntmp += 1\nwith lock:\n    counter = tmp", "schedules end badly"),
        ("tmp = counter\ntmp += 1\nwith lock:\n    counter = tmp", "schedules end badly"),
        ("counter = 2", "counter = 2, expected 3"),  # right for 2 threads, wrong for 3
        ("lock.acquire()\ncounter += 1", "blocked forever"),
        ("with lock:\n    counter += 1\n    lock.release()", "RuntimeError"),
        ("import threading", "the model cannot run increment"),
        (None, "increment must be a string"),
    ],
)
def test_increment_check_refuses_fixes_that_only_work_on_lucky_schedules(answer, says):
    result = synclab.check_exercise("9.1", answer)
    assert not result.passed and says in result.message and result.hint


def test_lock_order_check():
    stub = synclab.check_exercise("9.2", TRANSFER_B_TO_A)
    assert not stub and "deadlock" in stub.message and "same order" in stub.hint
    assert "your T2 asks for lock_a while holding lock_b" in stub.hint  # what it saw the answer do
    ordered = "with lock_a:\n    with lock_b:\n        b -= 1\n        a += 1\n"
    passed = synclab.check_exercise("9.2", ordered)
    assert passed and "takes lock_a before lock_b" in passed.message and "holds both locks" in passed.message
    unlocked = synclab.check_exercise("9.2", "b -= 1\na += 1\n")
    assert not unlocked and "a = " in unlocked.message
    assert not synclab.check_exercise("9.2", "pass")


def test_lock_order_check_needs_both_locks_held_across_the_whole_transfer():
    one_at_a_time = synclab.check_exercise("9.2", "with lock_b:\n    b -= 1\nwith lock_a:\n    a += 1\n")
    assert not one_at_a_time and "audit_sum = 19, expected 20" in one_at_a_time.message
    assert "money in flight" in one_at_a_time.hint
    assert "lock_a first" not in one_at_a_time.message  # the old message praised an order it never used
    only_a = synclab.check_exercise("9.2", "with lock_a:\n    b -= 1\n    a += 1\n")
    assert not only_a and "with two deposits" in only_a.message
    assert "b without holding lock_b at line 2 (b -= 1)" in only_a.hint


def test_lock_order_pass_message_says_what_the_answer_does():
    # takes lock_b late and lets lock_a go early: right, but it does not hold both while changing a
    hand_over_hand = "lock_a.acquire()\na += 1\nlock_b.acquire()\nlock_a.release()\nb -= 1\nlock_b.release()\n"
    passed = synclab.check_exercise("9.2", hand_over_hand)
    assert passed and "holds lock_a while it changes a and lock_b while it changes b" in passed.message
    assert "both locks" not in passed.message


def test_while_consumer_check():
    stub = synclab.check_exercise("9.3", IF_CONSUMER)
    # the if-consumer ends well on 22 of 24 schedules, and still fails
    assert not stub and "2 of 24 schedules end badly" in stub.message and "while not buffer" in stub.hint
    passed = synclab.check_exercise("9.3", WHILE_CONSUMER)
    assert passed and "tests the buffer again (while not buffer:)" in passed.message
    spinning = synclab.check_exercise("9.3", "with cond:\n    while not buffer:\n        pass\n    buffer.pop()")
    assert not spinning and "forever while holding cond" in spinning.message and "cond.wait()" in spinning.hint
    greedy = synclab.check_exercise("9.3", WHILE_CONSUMER + "buffer.pop()\n")
    assert not greedy


@pytest.mark.parametrize("ifs", [2, 3, 4, 6])
def test_while_consumer_check_robs_a_consumer_once_more_than_it_tests(ifs):
    consumer = "with cond:\n" + "    if not buffer:\n        cond.wait()\n" * ifs + "    buffer.pop()\n"
    result = synclab.check_exercise("9.3", consumer)
    assert not result and "IndexError" in result.message and "Test again in a loop" in result.hint
    if ifs == 2:
        assert result.message.startswith("three consumers: 6 of 726 schedules end badly")


def test_while_consumer_check_accepts_wait_for():
    result = synclab.check_exercise("9.3", "with cond:\n    cond.wait_for(lambda: buffer)\n    buffer.pop()\n")
    assert result and "(cond.wait_for(lambda: buffer))" in result.message


def test_check_messages_are_the_same_every_time():
    first = [str(synclab.check_exercise(n, "counter += 1")) for n in ("9.1", "9.2", "9.3")]
    again = [str(synclab.check_exercise(n, "counter += 1")) for n in ("9.1", "9.2", "9.3")]
    assert first == again


class _Odd(str):
    def __str__(self):
        raise RuntimeError("a learner's str subclass")


@pytest.mark.parametrize("exercise", ["9.1", "9.2", "9.3"])
@pytest.mark.parametrize(
    "answer",
    [None, 3, b"pass", ["pass"], _Odd("pass"), "", "\x00", "(" * 200 + ")" * 200, "x" * 5_000, "while True:\n    pass"],
)
def test_checks_never_raise_and_give_a_hint(exercise, answer):
    result = synclab.check_exercise(exercise, answer)
    assert not result.passed and result.hint


def test_a_program_too_large_to_explore_gets_advice_a_learner_can_follow():
    result = synclab.check_exercise("9.1", "tmp = 0\nwhile tmp < 100000:\n    tmp = tmp + 1\n")
    assert not result and "too many different states" in result.message and "max_states" not in str(result)
    assert "one or two lines of the stub" in result.hint
