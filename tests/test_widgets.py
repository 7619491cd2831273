"""The counter lab, driven headless: controls re-run the experiment and redraw."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from conftest import png_of

import synclab


@pytest.mark.statistical
def test_lab_runs_once_when_created_and_shows_one_figure():
    """Statistical for "updates lost": 4 threads x 200 increments with the sleep window lost 582-600 of 800 in 20 of 20
    runs (CPython 3.11 here, both cores busy with other work); one lost update is enough."""
    lab = synclab.counter_lab(increments=200)
    assert lab.runs == 1
    assert lab.result is not None and lab.result.threads == 4
    assert len(lab.output.outputs) == 1 and png_of(lab)
    assert "updates lost" in lab.status.value


def test_moving_the_thread_slider_reruns_and_redraws():
    lab = synclab.counter_lab(increments=200)
    first_png = png_of(lab)
    lab.threads.value = 8
    assert lab.runs == 2
    assert lab.result.threads == 8 and lab.result.expected == 1_600
    assert png_of(lab) != first_png
    assert len(lab.output.outputs) == 1
    assert "8 threads" in lab.status.value


@pytest.mark.statistical
def test_toggling_the_lock_makes_the_count_exact_and_fills_the_lock_plots():
    """Statistical for ``lost > 0`` only (the run with the lock is exact): 4 threads x 200 increments lost 582-600 of
    800 in 20 of 20 runs (CPython 3.11 here, both cores busy with other work)."""
    lab = synclab.counter_lab(increments=200)
    assert lab.result.lost > 0
    lab.use_lock.value = True
    assert lab.use_lock.description == "lock on"
    assert lab.result.use_lock and lab.result.lost == 0
    assert lab.result.lock is not None and lab.result.lock.acquisitions == 800
    contention_ax = lab.figure.axes[1]
    assert len(contention_ax.patches) == 4  # one bar per thread
    assert "all 800 updates counted" in lab.status.value


def test_other_controls_rerun_too():
    lab = synclab.counter_lab(increments=200)
    lab.race_window.value = "none"
    assert lab.result.race_window == "none"
    lab.switch_interval.value = 1e-5
    assert lab.result.switch_interval == pytest.approx(1e-5)
    lab.increments.value = 3_000
    assert lab.result.increments == 3_000
    lab.run_button.click()
    assert lab.runs == 5


def test_each_race_window_has_its_own_range_of_increments_and_runs_once_per_change():
    lab = synclab.counter_lab()
    assert (lab.increments.min, lab.increments.max, lab.increments.value) == (50, 400, 100)
    lab.increments.value = 250
    runs = lab.runs
    lab.race_window.value = "call"
    assert lab.runs == runs + 1  # one re-run, not one for the slider and one for the window
    assert (lab.increments.min, lab.increments.max, lab.increments.value) == (1_000, 6_000, 5_000)
    assert lab.result.increments == 5_000 and lab.result.race_window == "call"
    lab.race_window.value = "sleep"
    assert lab.increments.value == 250 and lab.result.increments == 250  # the value chosen for that window
    with pytest.raises(ValueError, match="increments must be between 50 and 400"):
        synclab.counter_lab(increments=5_000)
    assert synclab.counter_lab(increments=2_000, race_window="call").result.increments == 2_000


def test_the_status_line_says_what_runs_and_then_how_long_it_took():
    lab = synclab.counter_lab(threads=3, increments=50)
    seen: list[str] = []
    lab.status.observe(lambda change: seen.append(change["new"]), names="value")
    lab.use_lock.value = True
    assert seen[0].startswith("<i>⏳ running 3 threads x 50 increments, a sleep between read and write, with the lock")
    assert "drawing the plots" in seen[1]
    assert "all 150 updates counted" in seen[-1] and "this re-run took" in seen[-1]
    timings = lab.last_timings
    assert timings is not None and 0 < timings.encoding <= timings.rendering
    assert timings.total == pytest.approx(timings.experiment + timings.drawing + timings.rendering)
    assert lab.last_seconds >= timings.total


def test_a_refused_run_says_why_in_the_status_line(monkeypatch):
    lab = synclab.counter_lab(increments=50)

    def too_slow():
        raise TimeoutError("run_counter did not finish within 10 s and was stopped")

    monkeypatch.setattr(lab, "run", too_slow)
    assert lab.rerun() is None
    assert "did not finish within 10 s" in lab.status.value and "after" in lab.status.value
    assert lab.result is None and lab.last_timings is None


def test_controls_changed_quietly_do_not_rerun():
    lab = synclab.counter_lab(increments=50)
    with lab.quietly():
        lab.threads.value = 2
        lab.use_lock.value = True
    assert lab.runs == 1
    lab.rerun()
    assert lab.result.threads == 2 and lab.result.use_lock


def test_sliders_only_report_when_released():
    lab = synclab.counter_lab(increments=200)
    assert lab.threads.continuous_update is False
    assert lab.increments.continuous_update is False


def test_lab_displays_as_a_widget():
    lab = synclab.counter_lab(increments=100)
    assert isinstance(lab.widget, widgets.VBox)
    bundle = lab._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_widgets_check_answers_a_click():
    box = synclab.widgets_check()
    button, answer = box.children
    button.click()
    assert "Widgets work" in answer.value
