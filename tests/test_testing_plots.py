"""Plots of notebook 10: titles state what was measured, one cell per run (leaks: test_lab_figures.py)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from conftest import numbers_in

import synclab
from synclab.experiments.testing import RepeatResult
from synclab.plots.testing import livelock_headline, repeat_headline, starvation_headline


def repeats(test: str, target: str, outcomes: tuple[str, ...]) -> RepeatResult:
    return RepeatResult(test, target, outcomes, "", 0, (0.001,) * len(outcomes))


NAIVE = repeats("test_naive", "Cache", ("passed",) * 99 + ("failed",))
NAIVE_FIXED = repeats("test_naive", "LockedCache", ("passed",) * 100)
FORCED = repeats("test_forced", "Cache", ("failed",) * 98 + ("error", "hung"))


@pytest.fixture(scope="module")
def livelocks():
    return [synclab.run_livelock(strategy) for strategy in ("polite", "random", "ordered")]


@pytest.fixture(scope="module")
def starvation():
    return [synclab.run_starvation(kind, duration=0.05) for kind in ("Lock", "FIFO")]


def test_repeat_headline_groups_the_runs_of_each_test():
    lines = repeat_headline([NAIVE, NAIVE_FIXED, FORCED]).splitlines()
    assert [line.split(":")[0] for line in lines] == ["test_naive", "test_forced"]
    # failed of runs on Cache, of runs on LockedCache; failed of runs on Cache, errors, hung
    assert [numbers_in(line) for line in lines] == [[1, 100, 0, 100], [98, 100, 1, 1]]
    assert "LockedCache" in lines[0] and "hung" in lines[1]
    assert numbers_in(repeat_headline(NAIVE)) == [1, 100] and "test_naive" in repeat_headline(NAIVE)


def test_every_run_is_drawn_in_the_colour_of_its_outcome():
    fig = synclab.plots.plot_test_runs([NAIVE, FORCED])
    (ax,) = fig.axes
    assert ax.get_title() == repeat_headline([NAIVE, FORCED])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["test_forced\non Cache", "test_naive\non Cache"]
    widths = {}
    for bars in ax.collections:  # one broken_barh per outcome and row: streaks of runs
        colour = tuple(bars.get_facecolor()[0])
        for path in bars.get_paths():
            xs = path.vertices[:, 0]
            widths[colour] = widths.get(colour, 0) + round(xs.max() - xs.min())
    assert sum(widths.values()) == 200  # every run of both tests, once
    assert ax.get_xlabel() == "run number"
    assert {text.get_text() for text in ax.texts} == {"failed 1 of 100", "failed 98 of 100"}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["passed", "failed", "error", "hung"]


def test_livelock_plot_states_who_finished(livelocks):
    phrases = livelock_headline(livelocks).split(";\n")
    assert "polite" in phrases[0] and "random" in phrases[1] and "order" in phrases[2]
    # polite: done of 2 after rounds (attempts); the others: both done by round
    assert [numbers_in(p) for p in phrases] == [[0, 2, 100, 200], [livelocks[1].rounds], [2]]
    assert "both done" in phrases[1] and "both done" in phrases[2]
    fig = synclab.plots.plot_livelock(livelocks)
    (ax,) = fig.axes
    assert ax.get_title() == livelock_headline(livelocks)
    assert ax.get_ylabel() == "threads done (of 2)" and ax.get_xlabel().startswith("round")
    polite, _random, ordered = ax.get_lines()
    assert max(polite.get_ydata()) < 0.5 and round(max(ordered.get_ydata())) == 2


def test_starvation_plot_has_a_bar_per_thread_and_lock(starvation):
    unfair, fair = starvation
    fig = synclab.plots.plot_starvation(starvation)
    (ax,) = fig.axes
    assert ax.get_title() == starvation_headline(starvation)
    shares = [pytest.approx(100 * unfair.polite_share, abs=0.5), pytest.approx(100 * fair.polite_share, abs=0.5)]
    assert numbers_in(ax.get_title()) == [4, *shares]  # the polite thread T4 got %, FIFO lock %
    assert "FIFO" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "T4\n(polite)"
    assert len(ax.patches) == 8 and "(%)" in ax.get_ylabel()
    heights = [p.get_height() for p in ax.patches]
    assert heights[:4] == pytest.approx([100 * s for s in unfair.shares])
    assert heights[4:] == pytest.approx([100 * s for s in fair.shares])


def test_plots_draw_into_given_axes_and_refuse_other_results(livelocks):
    fig, ax = plt.subplots()
    try:
        assert synclab.plots.plot_test_runs(NAIVE, ax=ax) is fig
        assert synclab.plots.plot_livelock(livelocks[0], ax=ax) is fig
    finally:
        plt.close(fig)
    for plot in (synclab.plots.plot_test_runs, synclab.plots.plot_livelock, synclab.plots.plot_starvation):
        with pytest.raises(TypeError, match="results must be"):
            plot("a result")
        with pytest.raises(TypeError, match="results must be"):
            plot([])
    with pytest.raises(TypeError, match="RepeatResults"):
        synclab.plots.plot_test_runs([NAIVE, livelocks[0]])
