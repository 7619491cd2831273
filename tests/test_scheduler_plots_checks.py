"""Plots of the explorer, and the notebook 09 checks, which judge every schedule."""

from __future__ import annotations

import pytest
from conftest import figures_alive
from matplotlib.figure import Figure

import synclab
from synclab.plots.scheduler import fmt_share
from synclab.scheduler import counter_scenario, explore, sweep_schedules
from synclab.scheduler.library import IF_CONSUMER, TRANSFER_B_TO_A, WHILE_CONSUMER

# -- plots -------------------------------------------------------------------------------------


def test_endings_plot_has_a_bar_per_ending_and_states_the_count():
    fig = synclab.plot_schedules(explore(counter_scenario(2, 1)))
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [18, 2]  # bad at the bottom, good on top
    assert ax.get_title() == "2 threads x 1 increment:\n18 of 20 schedules end badly"
    assert "schedules" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == ["counter = 1, expected 2", "counter = 2"]
    locked = synclab.plot_schedules(explore(counter_scenario(2, 1, use_lock=True))).axes[0]
    assert locked.get_title().endswith("all 2 schedules end well")


def test_sweep_plot_titles_the_growth_and_names_what_the_cap_left_out():
    sweep = sweep_schedules(threads=(1, 2, 3), increments=(1, 2), max_states=1_000)
    fig = synclab.plot_schedules(sweep)
    share, count = fig.axes
    assert share.get_title() == "no lock: 90 % of schedules lose an update\nat 2 threads x 1, 99.64 % at 3 x 1"
    assert share.get_ylabel() == "schedules that lose an update (%)"
    assert share.get_xlabel() == "threads"
    (note,) = [t.get_text() for t in share.texts]
    assert note.replace("\n", " ") == "not explored (over the cap of 1,000 states): 3 x 2"
    assert count.get_yscale() == "log"
    line = share.lines[0]  # 1 increment per thread: 1, 2, 3 threads
    assert list(line.get_xdata()) == [1, 2, 3]
    assert list(line.get_ydata()) == pytest.approx([0, 90, 100 * 1674 / 1680])
    assert len(share.lines[1].get_xdata()) == 2  # 3 x 2 was over the cap


def test_sweep_plot_into_given_axes_draws_the_share_only():
    fig = Figure()
    ax = fig.add_subplot()
    assert synclab.plot_schedules(sweep_schedules(threads=(2,), increments=(1,)), ax=ax) is fig
    assert len(fig.axes) == 1


def test_locked_sweep_says_nothing_is_lost():
    sweep = sweep_schedules(threads=(1, 2, 3), increments=(1,), use_lock=True)
    assert synclab.plot_schedules(sweep).axes[0].get_title() == "with a lock: no schedule loses an update"


def test_share_formatting_never_rounds_up_to_100():
    assert fmt_share(18, 20) == "90 %"
    assert fmt_share(918, 924) == "99.35 %"
    assert fmt_share(369576, 369600) == "99.9935 %"
    assert fmt_share(20, 20) == "100 %"
    assert fmt_share(0, 20) == "0 %"
    with pytest.raises(ValueError):
        fmt_share(1, 0)


def test_plots_refuse_other_results_and_leave_no_figures_behind():
    with pytest.raises(TypeError, match="result must be an Exploration or a ScheduleSweep"):
        synclab.plot_schedules(counter_scenario())  # type: ignore[arg-type]
    result = explore(counter_scenario(2, 1))
    before = figures_alive()
    for _ in range(10):
        synclab.plot_schedules(result)
    assert figures_alive() <= before


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
    ordered = "with lock_a:\n    with lock_b:\n        b -= 1\n        a += 1\n"
    assert synclab.check_exercise("9.2", ordered)
    unlocked = synclab.check_exercise("9.2", "b -= 1\na += 1\n")
    assert not unlocked and "a = " in unlocked.message
    assert not synclab.check_exercise("9.2", "pass")


def test_while_consumer_check():
    stub = synclab.check_exercise("9.3", IF_CONSUMER)
    # the if-consumer ends well on 22 of 24 schedules, and still fails
    assert not stub and "2 of 24 schedules end badly" in stub.message and "while not buffer" in stub.hint
    assert synclab.check_exercise("9.3", WHILE_CONSUMER)
    spinning = synclab.check_exercise("9.3", "with cond:\n    while not buffer:\n        pass\n    buffer.pop()")
    assert not spinning and "loop forever" in spinning.message
    greedy = synclab.check_exercise("9.3", WHILE_CONSUMER + "buffer.pop()\n")
    assert not greedy


def test_check_messages_are_the_same_every_time():
    first = [str(synclab.check_exercise(n, "counter += 1")) for n in ("9.1", "9.2", "9.3")]
    again = [str(synclab.check_exercise(n, "counter += 1")) for n in ("9.1", "9.2", "9.3")]
    assert first == again
