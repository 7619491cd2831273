"""The scheduler lab, driven headless: button clicks change the model's state."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

import synclab
from synclab.scheduler import counter_scenario, explore, scenario
from synclab.widgets.scheduler import SchedulerLab


def click(lab: SchedulerLab, *threads: str) -> None:
    for thread in threads:
        lab.step_buttons[thread].click()


def test_the_lab_starts_on_the_lost_update_challenge():
    lab = synclab.scheduler_lab()
    assert isinstance(lab, SchedulerLab)
    assert lab.challenge is not None and lab.challenge.key == "lost update"
    assert list(lab.step_buttons) == ["T1", "T2"]
    assert lab.run.schedule == () and lab.undo_button.disabled
    assert "Lose an update" in lab.goal.value
    assert "plays notebook 01 (race conditions)" in lab.goal.value
    assert "➜ 1  counter += 1" in lab.thread_views["T1"].value
    assert "next: <code>load counter</code> (step 1 of 3 on this line)" in lab.thread_views["T1"].value


def test_clicking_step_buttons_runs_steps_and_shows_values():
    lab = synclab.scheduler_lab()
    click(lab, "T1")
    assert lab.run.schedule == ("T1",)
    assert "(stack) = 0" in lab.thread_views["T1"].value
    assert "step 2 of 3 on this line" in lab.thread_views["T1"].value
    assert "T1: load counter -&gt; (stack) = 0" in lab.status.value
    click(lab, "T1", "T1")
    assert lab.run.state.values[0] == 1  # counter
    assert "<code>counter</code> = <b>1</b>" in lab.shared_view.value
    assert lab.step_buttons["T1"].disabled  # finished
    assert "finished" in lab.thread_views["T1"].value


def test_losing_an_update_meets_the_goal():
    lab = synclab.scheduler_lab("lost update")
    click(lab, "T1", "T2", "T1", "T1", "T2")
    assert not lab.won
    click(lab, "T2")
    assert lab.won and lab.run.state.values[0] == 1  # counter
    assert "Goal met in 6 steps" in lab.status.value


def test_a_serial_schedule_does_not_meet_the_goal():
    lab = synclab.scheduler_lab("lost update")
    click(lab, "T1", "T1", "T1", "T2", "T2", "T2")
    assert not lab.won and lab.run.finished
    assert "Every thread has finished: counter = 2" in lab.status.value


def test_undo_and_reset_buttons():
    lab = synclab.scheduler_lab()
    click(lab, "T1", "T2", "T1")
    lab.undo_button.click()
    assert lab.run.schedule == ("T1", "T2")
    assert lab.run.state == lab.run.scenario.start().steps("T1", "T2").state
    lab.reset_button.click()
    assert lab.run.schedule == () and lab.undo_button.disabled
    lab.undo()  # nothing to undo: says so, changes nothing
    assert "Nothing to undo" in lab.status.value and lab.run.schedule == ()


def test_a_blocked_thread_cannot_be_stepped():
    lab = synclab.scheduler_lab("deadlock")
    click(lab, "T1", "T1")  # T1 holds lock_a and lock_b
    assert lab.step_buttons["T2"].disabled
    assert "blocked on lock_b (held by T1)" in lab.thread_views["T2"].value
    assert "held by <b>T1</b>, blocked: T2" in lab.shared_view.value
    before = lab.run
    click(lab, "T2")  # a click on a disabled button still reaches the handler: it must refuse
    assert lab.run is before
    assert "T2 is blocked: it waits for lock_b, which T1 holds" in lab.status.value


def test_reaching_a_deadlock_meets_the_goal():
    lab = synclab.scheduler_lab("deadlock")
    click(lab, "T1", "T2")
    assert lab.won
    assert all(button.disabled for button in lab.step_buttons.values())
    assert "Goal met in 2 steps" in lab.status.value


def test_the_hint_shows_only_when_asked():
    lab = synclab.scheduler_lab("insufficient lock")
    assert lab.hint.value == ""
    lab.hint_button.value = True
    assert "Hint:" in lab.hint.value and "busy" in lab.hint.value
    lab.hint_button.value = False
    assert lab.hint.value == ""


def test_picking_a_challenge_loads_its_threads():
    lab = synclab.scheduler_lab()
    lab.picker.value = "if instead of while"
    assert lab.challenge.key == "if instead of while"
    assert list(lab.step_buttons) == ["P", "C1", "C2"]
    assert len(lab.threads_box.children) == 3
    assert "<code>buffer</code> = <b>0 items</b>" in lab.shared_view.value
    click(lab, "C1", "C1", "C1")  # acquire, test (empty), wait
    assert lab.step_buttons["C1"].disabled
    assert "waiting in cond.wait() until notified" in lab.thread_views["C1"].value
    assert "waiting: C1" in lab.shared_view.value
    click(lab, "P", "P", "P", "P", "C2", "C2", "C2", "C2", "C1", "C1")
    assert lab.won
    assert "crashed: IndexError: pop from empty list" in lab.thread_views["C1"].value


def test_the_insufficient_lock_challenge_is_won_with_both_threads_inside():
    lab = synclab.scheduler_lab("insufficient lock")
    click(lab, "T1", "T1", "T1", "T2", "T2", "T2", "T1", "T1", "T1", "T1")
    assert not lab.won
    click(lab, "T2", "T2", "T2", "T2")
    assert lab.won


def test_replaying_a_schedule_found_by_the_explorer():
    found = explore(counter_scenario(2, 1))
    bad = found.bad_endings[0]
    lab = synclab.scheduler_lab(found, schedule=bad)
    assert lab.challenge is None and lab.plan == bad.example
    assert lab.replay_button.description == f"Replay 1/6: {bad.example[0]}"
    for _ in range(6):
        lab.replay_button.click()
    assert lab.run.schedule == bad.example
    assert lab.replay_button.disabled and not lab.replay_next()
    assert "counter = 1, expected 2" in lab.status.value
    # undo and replay again
    lab.undo_button.click()
    assert not lab.replay_button.disabled
    lab.replay_button.click()
    assert lab.run.schedule == bad.example


def test_leaving_the_replayed_schedule_pauses_the_replay():
    lab = synclab.scheduler_lab("lost update", schedule=["T1", "T2", "T1", "T1", "T2", "T2"])
    click(lab, "T2")
    assert lab.replay_button.disabled
    assert "you have left the schedule being replayed" in lab.history.value
    lab.undo_button.click()
    assert not lab.replay_button.disabled


def test_a_scenario_of_your_own():
    mine = scenario(
        {"A": "with lock:\n    x += 1", "B": "with lock:\n    x += 1"}, shared={"x": 0}, locks=["lock"], title="mine"
    )
    lab = synclab.scheduler_lab(mine)
    assert lab.challenge is None and lab.hint_button.disabled
    assert lab.picker.value == "your scenario"
    click(lab, "A")
    assert lab.step_buttons["B"].disabled
    lab.picker.value = "deadlock"
    assert lab.challenge.key == "deadlock"
    lab.picker.value = "your scenario"
    assert list(lab.step_buttons) == ["A", "B"]


def test_bad_lab_arguments():
    with pytest.raises(ValueError, match="start must be one of 'lost update'"):
        synclab.scheduler_lab("race")
    with pytest.raises(TypeError, match="start must be a challenge name, a Scenario or an Exploration"):
        synclab.scheduler_lab(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="schedule must be a list of thread names"):
        synclab.scheduler_lab("lost update", schedule="T1 T2")
    with pytest.raises(ValueError, match="schedule step 1 cannot run: thread must be one of 'T1', 'T2', got 'T3'"):
        synclab.scheduler_lab("lost update", schedule=["T3"])
    with pytest.raises(ValueError, match="schedule step 3 cannot run: T2 is blocked"):
        synclab.scheduler_lab("deadlock", schedule=["T1", "T2", "T2"])


def test_the_lab_displays_as_a_widget():
    lab = synclab.scheduler_lab()
    assert isinstance(lab.widget, widgets.VBox)
    assert "application/vnd.jupyter.widget-view+json" in lab._repr_mimebundle_()


def test_the_lab_can_play_one_challenge_without_the_list():
    lab = synclab.scheduler_lab("lost update", picker=False)
    assert lab.picker.layout.display == "none"
    assert lab.challenge is not None and lab.challenge.key == "lost update"
    click(lab, "T1", "T2", "T1", "T1", "T2", "T2")
    assert lab.won
    assert synclab.scheduler_lab().picker.layout.display != "none"
    with pytest.raises(TypeError, match="picker must be True or False, got 0"):
        synclab.scheduler_lab(picker=0)


def test_picking_a_challenge_with_the_hint_shown_loads_it_and_hides_the_hint():
    lab = synclab.scheduler_lab()
    lab.hint_button.value = True
    lab.picker.value = "if instead of while"
    assert list(lab.step_buttons) == ["P", "C1", "C2"]
    assert not lab.hint_button.value and lab.hint.value == ""
    assert "Break an if-instead-of-while wait" in lab.goal.value
