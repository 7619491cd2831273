"""The transfer lab, driven headless."""

from __future__ import annotations

import threading

import pytest
from conftest import png_of

import synclab
import synclab.widgets.deadlock as lab_module


@pytest.mark.statistical
def test_lab_runs_once_when_created_and_shows_deadlocks_at_its_defaults():
    """Statistical for the deadlocks: at the lab's defaults (10 transfers a thread) every run deadlocked: 130 of 130
    runs idle and 60 of 60 with both cores busy (CPython 3.11 here); one deadlocked run of the 6 is needed."""
    baseline = threading.active_count()
    lab = synclab.transfer_lab()
    assert threading.active_count() == baseline
    assert lab.runs == 1 and lab.result.runs == lab_module.LAB_RUNS
    assert lab.result.deadlocked_runs > 0
    assert "runs deadlocked" in lab.status.value and "money conserved in every run" in lab.status.value
    assert len(lab.output.outputs) == 1 and png_of(lab)
    assert len(lab.figure.axes) == 3


def test_switching_ordering_on_removes_every_deadlock():
    lab = synclab.transfer_lab()
    assert lab.ordered.description.startswith("ordering off")
    lab.ordered.value = True
    assert lab.ordered.description.startswith("ordering on")
    assert lab.runs == 2
    assert lab.result.strategy == "ordered"
    assert lab.result.deadlocked_runs == 0
    assert lab.result.completed == lab.result.attempted
    assert f"ordered: no deadlock in {lab_module.LAB_RUNS} runs" in lab.status.value


def test_every_control_reruns_with_its_value():
    lab = synclab.transfer_lab(transfers=10)
    lab.accounts.value = 6
    assert lab.result.results[0].accounts == 6
    lab.threads.value = 3
    assert lab.result.results[0].threads == 3
    lab.transfers.value = 15
    assert lab.result.results[0].transfers == 15
    lab.window.value = "none"
    assert lab.result.results[0].window == "none"
    lab.ordered.value = True
    assert lab.result.strategy == "ordered"
    lab.run_button.click()
    assert lab.runs == 7
    assert lab.accounts.continuous_update is False and lab.threads.continuous_update is False
    assert "synclab-threads" in lab.threads._dom_classes and "synclab-lock" in lab.ordered._dom_classes
    assert lab.transfers.continuous_update is False


def test_a_rerun_over_budget_says_so_in_the_status_line(monkeypatch):
    monkeypatch.setattr(lab_module, "LAB_BUDGET", 0.0)
    lab = synclab.transfer_lab(ordered=True, transfers=5)
    assert lab.result is None
    assert f"only 1 of {lab_module.LAB_RUNS} runs fitted in 0 s" in lab.status.value


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"accounts": 1}, ValueError, "accounts must be between 2 and 16, got 1"),
        ({"threads": 9}, ValueError, "threads must be between 2 and 8, got 9"),
        ({"transfers": 1000}, ValueError, "transfers must be between 5 and 100"),
        ({"transfers": "25"}, TypeError, "transfers must be an integer"),
        ({"ordered": 0}, TypeError, "ordered must be True or False"),
        ({"window": 3}, TypeError, "window must be one of"),
    ],
)
def test_lab_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        synclab.transfer_lab(**kwargs)
