"""The ledger lab of notebook 04, driven headless: controls re-run the experiment and redraw."""

from __future__ import annotations

import html
import threading

import ipywidgets as widgets
import pytest
from conftest import png_of, started_threads

import synclab
from synclab.plots.reentrant import ledger_headline
from synclab.widgets.reentrant import LAB_BATCHES


def test_lab_runs_once_when_created_with_an_exact_rlock():
    baseline = threading.active_count()
    lab = synclab.reentrant_lab()
    assert threading.active_count() == baseline
    assert lab.runs == 1
    r = lab.result
    assert (r.threads, r.batches, r.batch_size, r.design) == (4, LAB_BATCHES, 4, "RLock")
    assert r.exact and r.max_count == 2
    assert len(lab.output.outputs) == 1 and png_of(lab)
    assert html.escape(ledger_headline(r)) in lab.status.value
    assert lab.output.outputs[0]["data"]["text/plain"].startswith(ledger_headline(r))


def test_moving_the_threads_slider_reruns_with_the_new_count():
    lab = synclab.reentrant_lab(threads=2)
    first = png_of(lab)
    lab.threads.value = 6
    assert lab.runs == 2
    assert lab.result.threads == 6 and len(lab.result.per_thread) == 6
    assert lab.result.exact and lab.result.entries == 6 * LAB_BATCHES * 4
    assert png_of(lab) != first
    assert len(lab.output.outputs) == 1
    assert [t.get_text() for t in lab.figure.axes[0].get_xticklabels()] == [f"T{i}" for i in range(1, 7)]


def test_switching_the_design_reruns_and_says_what_it_found():
    lab = synclab.reentrant_lab(threads=3)
    lab.design.value = "Lock"
    assert lab.runs == 2 and lab.result.design == "Lock"
    assert lab.result.stuck == ("T1", "T2", "T3") and lab.result.entries == 0
    assert "waited for itself" in lab.status.value
    assert "total exact" not in lab.status.value
    lab.design.value = "helper"
    assert lab.runs == 3 and lab.result.design == "helper" and lab.result.exact
    assert "1 acquire() call per batch" in lab.status.value
    assert "waited for itself" not in lab.status.value
    lab.design.value = "RLock"
    assert lab.runs == 4
    assert "5 acquire() calls per batch, RLock count up to 2" in lab.status.value


def test_moving_the_batch_size_slider_reruns():
    lab = synclab.reentrant_lab(threads=2, batch_size=2)
    lab.batch_size.value = 7
    assert lab.runs == 2 and lab.result.batch_size == 7
    assert lab.result.entries == lab.result.expected_entries == 2 * LAB_BATCHES * 7
    assert "8 acquire() calls per batch" in lab.status.value


def test_lab_starts_with_the_settings_given():
    lab = synclab.reentrant_lab(threads=5, batch_size=3, design="helper")
    assert (lab.threads.value, lab.batch_size.value, lab.design.value) == (5, 3, "helper")
    assert (lab.result.threads, lab.result.batch_size, lab.result.design) == (5, 3, "helper")


def test_sliders_only_report_when_released_and_run_button_reruns():
    lab = synclab.reentrant_lab(threads=2)
    assert lab.threads.continuous_update is False and lab.batch_size.continuous_update is False
    lab.run_button.click()
    assert lab.runs == 2


def test_the_browser_test_can_find_the_threads_slider_and_the_design_buttons():
    lab = synclab.reentrant_lab(threads=2)
    assert "synclab-threads" in lab.threads._dom_classes
    assert "synclab-lock" in lab.design._dom_classes
    assert not {"synclab-threads", "synclab-lock"} & set(lab.batch_size._dom_classes)
    assert lab.design._options_values == synclab.LEDGER_DESIGNS


def test_lab_displays_as_a_widget():
    lab = synclab.reentrant_lab(threads=2)
    assert isinstance(lab.widget, widgets.VBox)
    assert "application/vnd.jupyter.widget-view+json" in lab._repr_mimebundle_()


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"threads": 0}, ValueError, "threads must be between 1 and 16, got 0"),
        ({"threads": 17}, ValueError, "threads must be between 1 and 16, got 17"),
        ({"threads": "3"}, TypeError, "threads must be an integer"),
        ({"batch_size": 0}, ValueError, "batch_size must be between 1 and 8, got 0"),
        ({"batch_size": 9}, ValueError, "batch_size must be between 1 and 8, got 9"),
        ({"design": "lock"}, ValueError, "design must be one of 'Lock', 'RLock', 'helper', got 'lock'"),
    ],
)
def test_bad_input_is_refused_before_any_thread_starts(kwargs, error, words, monkeypatch):
    started = started_threads(monkeypatch)
    with pytest.raises(error) as info:
        synclab.reentrant_lab(**kwargs)
    assert words in str(info.value)
    assert started == []
