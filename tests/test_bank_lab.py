"""The bank lab, driven headless: each control re-runs the experiment and redraws."""

from __future__ import annotations

import ipywidgets as widgets
import pytest
from conftest import numbers_in, png_of, seconds_in

import synclab


def test_lab_runs_once_when_created_with_four_panels():
    lab = synclab.bank_lab(withdrawals=5)
    assert lab.runs == 1
    r = lab.result
    assert (r.threads, r.style, r.work, r.withdrawals) == (4, "long", 0.001, 5)
    assert len(lab.figure.axes) == 4 and png_of(lab)
    assert "4 threads, slow work inside the lock" in lab.status.value
    assert "withdrawals/s" in lab.output.outputs[0]["data"]["text/plain"]


def test_moving_the_thread_slider_reruns_and_redraws():
    lab = synclab.bank_lab(withdrawals=5)
    first_png = png_of(lab)
    lab.threads.value = 6
    assert lab.runs == 2
    assert lab.result.threads == 6 and lab.result.attempts == 30
    assert png_of(lab) != first_png
    contention_ax = lab.figure.axes[1]
    assert [t.get_text() for t in contention_ax.get_xticklabels()] == [f"T{i}" for i in range(1, 7)]
    assert "6 threads" in lab.status.value


def test_the_work_slider_sets_the_slow_work_in_milliseconds():
    lab = synclab.bank_lab(withdrawals=4)
    lab.work.value = 2.5
    assert lab.result.work == 0.0025
    # inside the lock, every hold lasts at least the slow work
    assert min(e.hold for e in lab.result.lock.events) >= 0.0025
    holds = sorted(e.hold for e in lab.result.lock.events)
    median_and_longest = [holds[len(holds) // 2], lab.result.lock.max_hold]
    assert seconds_in(lab.figure.axes[2].get_title()) == pytest.approx(median_and_longest, rel=0.05, abs=1e-6)


def test_switching_the_style_moves_the_work_out_of_the_lock():
    lab = synclab.bank_lab(withdrawals=5)
    assert lab.work_inside.value and lab.work_inside.description == "slow work inside the lock"
    lab.work_inside.value = False
    assert lab.style == "short" and lab.work_inside.description == "slow work outside the lock"
    assert lab.result.style == "short" and lab.result.closing == 0
    assert "slow work outside the lock" in lab.status.value
    assert numbers_in(lab.figure.get_suptitle()) == pytest.approx([4, lab.result.throughput], abs=0.5)
    assert "outside" in lab.figure.get_suptitle()


def test_run_again_repeats_the_same_settings():
    lab = synclab.bank_lab(withdrawals=3)
    lab.run_button.click()
    assert lab.runs == 2 and lab.result.threads == 4


def test_sliders_only_report_when_released_and_the_browser_test_can_find_them():
    lab = synclab.bank_lab(withdrawals=3, style="short")
    assert lab.threads.continuous_update is False
    assert lab.work.continuous_update is False
    assert "synclab-threads" in lab.threads._dom_classes
    assert "synclab-lock" in lab.work_inside._dom_classes
    assert not lab.work_inside.value and lab.result.style == "short"


def test_changing_where_the_work_runs_keeps_the_figure_and_its_axes():
    lab = synclab.bank_lab(withdrawals=3, work_ms=0.25)
    figure = lab.figure
    axes = list(figure.axes)
    lab.work_inside.value = False
    assert lab.figure is figure and figure.axes == axes
    assert len(lab.output.outputs) == 1


def test_lab_displays_as_a_widget():
    lab = synclab.bank_lab(withdrawals=3)
    assert isinstance(lab.widget, widgets.VBox)
    assert "application/vnd.jupyter.widget-view+json" in lab._repr_mimebundle_()
