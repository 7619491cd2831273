"""The counter lab, driven headless: controls re-run the experiment and redraw."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from conftest import figures_alive, png_of

import synclab


def test_lab_runs_once_when_created_and_shows_one_figure():
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


def test_toggling_the_lock_makes_the_count_exact_and_fills_the_lock_plots():
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
    lab.increments.value = 300
    assert lab.result.increments == 300
    lab.run_button.click()
    assert lab.runs == 5


def test_sliders_only_report_when_released():
    lab = synclab.counter_lab(increments=200)
    assert lab.threads.continuous_update is False
    assert lab.increments.continuous_update is False


def test_reruns_reuse_one_figure_and_do_not_pile_up():
    lab = synclab.counter_lab(increments=100)
    figure = lab.figure
    before = figures_alive()
    for _ in range(20):
        lab.rerun()
    assert lab.figure is figure
    assert len(lab.output.outputs) == 1
    assert figures_alive() <= before


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
