"""Plots of the ledger lab (notebook 04): three panels, a headline that states the finding."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import histogram_counts, numbers_in, seconds_in
from matplotlib.figure import Figure

import synclab
from synclab.experiments.reentrant import SELF_DEADLOCK_TIMEOUT
from synclab.plots.reentrant import DESIGN_LABELS, ledger_headline, plot_ledger_entries

T1_TO_T4 = ["T1", "T2", "T3", "T4"]


@pytest.fixture(scope="module")
def results():
    return {design: synclab.run_ledger(design=design) for design in synclab.LEDGER_DESIGNS}


@pytest.mark.parametrize("design", ["Lock", "RLock", "helper"])
def test_plot_ledger_has_three_panels_under_the_headline(results, design):
    result = results[design]
    fig = synclab.plots.plot_ledger(result)
    assert isinstance(fig, Figure)
    entries, hold, timeline = fig.axes
    assert fig.get_suptitle() == ledger_headline(result)
    assert [t.get_text() for t in entries.get_xticklabels()] == T1_TO_T4
    assert sum(histogram_counts(hold)) == len(result.lock.events) == result.lock.acquisitions
    assert [t.get_text() for t in timeline.get_yticklabels()] == T1_TO_T4
    assert "(ms)" in timeline.get_xlabel()


def test_headline_says_the_re_entered_lock_waited_for_itself(results):
    headline = ledger_headline(results["Lock"])
    assert DESIGN_LABELS["Lock"] in headline and "every thread waited for itself" in headline
    assert seconds_in(headline) == pytest.approx([SELF_DEADLOCK_TIMEOUT])  # gave up after
    assert numbers_in(headline)[-2:] == [0, 160]  # entries recorded
    some = dataclasses.replace(results["Lock"], stuck=("T2", "T3"))
    assert numbers_in(ledger_headline(some))[0] == 2 and "waited for itself" in ledger_headline(some)


def test_headline_says_the_other_designs_are_exact(results):
    # entries of expected; acquire() calls per batch; the RLock's count at most
    assert numbers_in(ledger_headline(results["RLock"])) == [160, 160, 5, 2]
    assert numbers_in(ledger_headline(results["helper"])) == [160, 160, 1]
    for design in ("RLock", "helper"):
        assert DESIGN_LABELS[design] in ledger_headline(results[design])
        assert "total exact" in ledger_headline(results[design])
    for design in ("RLock", "helper"):
        assert "waited for itself" not in ledger_headline(results[design])
    assert "total exact" not in ledger_headline(results["Lock"])


def test_headline_of_a_wrong_total_gives_both_totals(results):
    lost = dataclasses.replace(results["helper"], total=397)
    assert numbers_in(ledger_headline(lost)) == [160, 160, 397, 400, 1]  # total 397, expected 400
    assert "total exact" not in ledger_headline(lost)


@pytest.mark.parametrize("design", ["Lock", "RLock", "helper"])
def test_entry_bars_are_what_each_thread_recorded(results, design):
    result = results[design]
    ax = plot_ledger_entries(result).axes[0]
    to_record, recorded = ax.containers
    assert [p.get_height() for p in to_record] == [result.batches * result.batch_size] * 4
    assert tuple(p.get_height() for p in recorded) == result.per_thread
    stuck = [t for t in ax.texts if t.get_text() == "stuck"]
    assert len(stuck) == len(result.stuck) == (4 if design == "Lock" else 0)
    assert ax.get_ylabel() == "ledger entries recorded"
    assert numbers_in(ax.get_title())[:2] == [result.entries, 160]  # entries recorded of 160


def test_more_than_eight_threads_turn_the_thread_labels():
    many = synclab.run_ledger(threads=12, batches=1, batch_size=1, design="helper")
    ax = plot_ledger_entries(many).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [f"T{i}" for i in range(1, 13)]
    assert all(t.get_rotation() == 90 for t in ax.get_xticklabels())


def test_a_reused_figure_takes_each_designs_headline(results):
    fig = synclab.plots.plot_ledger(results["RLock"])
    for design in [*synclab.LEDGER_DESIGNS, "RLock"]:
        result = results[design]
        assert synclab.plots.plot_ledger(result, fig) is fig
        assert len(fig.axes) == 3
        assert fig.get_suptitle() == ledger_headline(result)


@pytest.mark.parametrize("function", [synclab.plots.plot_ledger, plot_ledger_entries, ledger_headline])
@pytest.mark.parametrize("not_a_result", [None, 3, "RLock"])
def test_anything_but_a_ledger_result_is_refused(function, not_a_result):
    with pytest.raises(TypeError, match="result must be a LedgerResult from run_ledger"):
        function(not_a_result)


def test_a_lock_costs_result_is_refused_too():
    costs = synclab.measure_lock_costs(depths=(1,), calls=100, repeat=1)
    with pytest.raises(TypeError, match="got LockCosts"):
        synclab.plots.plot_ledger(costs)
