"""The buffer lab, driven headless: controls re-run the experiment and redraw one figure."""

from __future__ import annotations

import threading

import ipywidgets as widgets
import pytest
from conftest import png_of

import synclab
from synclab.widgets.conditions import LAB_ITEMS


def test_lab_runs_once_when_created_with_the_defaults():
    baseline = threading.active_count()
    lab = synclab.buffer_lab()
    assert threading.active_count() == baseline
    assert lab.runs == 1
    result = lab.result
    assert (result.producers, result.consumers, result.capacity) == (2, 2, 5)
    assert (result.produce_rate, result.consume_rate) == (800.0, 200.0)
    assert result.consumed == LAB_ITEMS and result.delivered_once
    assert len(lab.output.outputs) == 1 and png_of(lab)
    assert "each delivered once" in lab.status.value


@pytest.mark.statistical
def test_the_default_headline_says_the_producers_waited():
    """At the defaults (producers 4x as fast), 200 runs on each of CPython 3.10-3.13 under load never
    came out the other way, but a producer held up by the OS for 20 ms can turn one short run around;
    so one re-run is allowed: a false failure needs two such runs in a row."""
    lab = synclab.buffer_lab()
    if "Producers waited longer for room" not in lab.status.value:
        lab.run_button.click()
    assert lab.result.producer_wait > lab.result.consumer_wait
    assert "Producers waited longer for room" in lab.status.value
    assert lab.output.outputs[0]["data"]["text/plain"].startswith("Producers waited longer")


@pytest.mark.parametrize(
    ("control", "value", "field"),
    [
        ("producers", 4, "producers"),
        ("consumers", 3, "consumers"),
        ("capacity", 2, "capacity"),
        ("produce_rate", 1_000, "produce_rate"),
        ("consume_rate", 1_500, "consume_rate"),
    ],
)
def test_each_control_reruns_with_its_value(control, value, field):
    lab = synclab.buffer_lab()
    first_png = png_of(lab)
    getattr(lab, control).value = value
    assert lab.runs == 2
    assert getattr(lab.result, field) == value
    assert png_of(lab) != first_png
    assert len(lab.output.outputs) == 1


def test_every_setting_moves_the_same_items():
    lab = synclab.buffer_lab(produce_rate=2_000, consume_rate=2_000)
    for producers in (1, 3, 5):
        lab.producers.value = producers
        assert lab.result.items * producers >= LAB_ITEMS > (lab.result.items - 1) * producers
        assert lab.result.delivered_once


@pytest.mark.statistical
def test_fast_consumers_turn_the_headline_around():
    """Producers at 200/s against consumers at 2,000/s: the consumers wait about 90 % of a run, so only an
    OS stall of most of a run could turn it around; one re-run is allowed, as above."""
    lab = synclab.buffer_lab()
    lab.produce_rate.value = 200
    lab.consume_rate.value = 2_000
    if not lab.result.consumer_wait > lab.result.producer_wait:
        lab.run_button.click()
    assert lab.result.consumer_wait > lab.result.producer_wait
    assert "onsumers waited" in lab.status.value  # "Only the consumers waited" or "Consumers waited longer"


def test_sliders_only_report_when_released_and_run_again_repeats():
    lab = synclab.buffer_lab()
    for control in lab.controls:
        assert control.continuous_update is False
    lab.run_button.click()
    assert lab.runs == 2


def test_the_browser_test_can_find_the_thread_slider():
    lab = synclab.buffer_lab()
    assert "synclab-lab" in lab.widget._dom_classes
    assert "synclab-threads" in lab.producers._dom_classes


def test_lab_displays_as_a_widget():
    lab = synclab.buffer_lab()
    assert isinstance(lab.widget, widgets.VBox)
    assert "application/vnd.jupyter.widget-view+json" in lab._repr_mimebundle_()


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"producers": 0}, ValueError, "producers must be between 1 and 8, got 0"),
        ({"producers": 9}, ValueError, "producers"),
        ({"consumers": "2"}, TypeError, "consumers"),
        ({"capacity": 21}, ValueError, "capacity must be between 1 and 20, got 21"),
        ({"produce_rate": 50}, ValueError, "produce_rate must be between 100 and 2,000, got 50"),
        ({"produce_rate": 425}, ValueError, "produce_rate must be a multiple of 50"),
        ({"consume_rate": 200.0}, TypeError, "consume_rate"),
        ({"consume_rate": -200}, ValueError, "consume_rate"),
    ],
)
def test_bad_lab_settings_are_refused_before_any_thread_starts(kwargs, error, words):
    baseline = threading.active_count()
    with pytest.raises(error, match=words):
        synclab.buffer_lab(**kwargs)
    assert threading.active_count() == baseline
