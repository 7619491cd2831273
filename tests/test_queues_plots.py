"""Notebook 06's plots: units on the axes, titles computed from the data, one figure reused."""

from __future__ import annotations

import math

import pytest
from conftest import numbers_in, seconds_in

import synclab
from synclab.experiments.queues import ConcurrencyResult, PipelineResult
from synclab.plots.queues import concurrency_headline, pipeline_headline, plot_pipeline_lengths


def pipeline(channel: str = "Queue", delivered=(0, 1, 2, 3), crashes=()) -> PipelineResult:
    """A made-up run of 4 items through 2 stages: lengths and times known exactly."""
    return PipelineResult(
        stages=2,
        workers=2,
        items=4,
        capacity=2,
        channel=channel,
        delivered=tuple(delivered),
        delivery_times=tuple(0.002 * (i + 1) for i in range(len(delivered))),
        length_times=((0.0, 0.001, 0.002), (0.0, 0.003)),
        lengths=((0, 2, 1), (0, 1)),
        crashes=tuple(crashes),
        duration=0.010,
        python="3.x",
    )


def concurrency(gil: bool = True, processes: int = 2) -> ConcurrencyResult:
    nan = float("nan")
    return ConcurrencyResult(
        tasks=4,
        io_seconds=0.05,
        cpu_seconds=0.03,
        processes=processes,
        cores=2,
        process_start=0.5 if processes else nan,
        io_times=(0.2, 0.05, 0.1 if processes else nan, 0.05),
        cpu_times=(0.12, 0.12, 0.06 if processes else nan, 0.12),
        thread_cpu_use=1.0,
        gil=gil,
        python="3.x",
    )


def test_pipeline_headlines_say_what_came_out():
    delivered = pipeline()
    assert numbers_in(pipeline_headline(delivered)) == [4, pytest.approx(delivered.throughput, abs=0.5)]  # 400 items/s
    assert "delivered once" in pipeline_headline(delivered)
    spoiled = pipeline("list", delivered=(0, 0, 2), crashes=("S1-2: IndexError: x",))
    assert spoiled.lost == 2 and spoiled.duplicates == 1
    assert numbers_in(pipeline_headline(spoiled)) == [2, 4, 1, 1]  # lost of items, extra copy, worker died
    assert "IndexError" in pipeline_headline(spoiled)


def test_plot_pipeline_has_units_and_states_the_finding():
    fig = synclab.plots.plot_pipeline(pipeline("list", delivered=(0, 0, 2)))
    lengths, throughput, outcome = fig.axes[:3]
    assert lengths.get_ylabel() == "items waiting\nin the inbox"
    assert throughput.get_xlabel() == "time since the start (ms)"
    assert throughput.get_ylabel() == "delivered\n(items/s)"
    assert numbers_in(fig.get_suptitle()) == [2, 2, 2, 4, 1]  # 2 stages × 2 workers: 2 of 4 lost, 1 extra copy
    assert "list" in fig.get_suptitle() and "lost" in fig.get_suptitle()
    assert [p.get_height() for p in outcome.patches] == [2, 1, 2]
    assert numbers_in(lengths.get_title()) == [2] and "no limit" in lengths.get_title()


def test_queue_lengths_show_the_maxsize_line_and_steps_per_stage():
    fig = plot_pipeline_lengths(pipeline())
    ax = fig.axes[0]
    assert numbers_in(ax.get_title()) == [2, 2] and "maxsize" in ax.get_title()  # at most 2 waited, maxsize 2
    assert any(t.get_text() == "maxsize 2" for t in ax.texts)
    assert [line.get_label() for line in ax.get_lines()[:2]] == ["into stage 1", "into stage 2"]


@pytest.mark.statistical
def test_queue_vs_condition_states_the_same_behaviour():
    """Statistical for "in both the producers did the waiting": over 10 pairs of runs the producers waited 5.6-35x as
    long as the consumers with the Condition buffer and 27-35x with the Queue (CPython 3.11 here, both cores busy with
    other work); the test needs more than 1x in both (as test_buffer.py and test_queues.py, where one run in a loaded
    test matrix once came out the other way)."""
    by_hand, queued = synclab.run_buffer(), synclab.run_queue_buffer()
    fig = synclab.plots.plot_queue_vs_condition(by_hand, queued)
    title = fig.get_suptitle()
    assert "same behaviour" in title and "producers did the waiting" in title
    top, bottom, waits = fig.axes
    for ax, result, name in ((top, by_hand, "Condition"), (bottom, queued, "Queue")):
        full = [pytest.approx(result.share_full * 100, abs=0.5), result.max_length, result.capacity]
        assert name in ax.get_title() and numbers_in(ax.get_title()) == full  # full %, at most n of capacity
    assert waits.get_ylabel() == "time spent waiting, all threads (ms)"
    assert bottom.get_xlabel() == "time since the start (ms)"


def test_concurrency_plot_and_headlines():
    result = concurrency()
    assert result.speedup("io", "threads") == 4.0
    speedups = [result.speedup("io", way) for way in ("threads", "processes", "asyncio")]
    assert numbers_in(concurrency_headline(result, "io")) == speedups == [4.0, 2.0, 4.0]
    fig = synclab.plots.plot_concurrency(result)
    io_ax, cpu_ax = fig.axes
    assert numbers_in(io_ax.get_title()) == [4.0, 4, 50.0] and "threads helped" in io_ax.get_title()  # 4 tasks
    assert numbers_in(cpu_ax.get_title()) == [1.0, 4, 30.0] and "did not help" in cpu_ax.get_title()
    assert seconds_in(io_ax.get_title()) == [0.05] and seconds_in(cpu_ax.get_title()) == [0.03]
    assert io_ax.get_xlabel() == "wall time for the whole job (ms)"
    assert [t.get_text() for t in io_ax.get_yticklabels()] == ["one thread", "threads", "processes", "asyncio"]
    assert numbers_in(fig.get_suptitle()) == [2, 3, 2, 500.0]  # 2 cores, Python 3.x; 2 processes took 500 ms
    assert seconds_in(fig.get_suptitle()) == [0.5] and "with the GIL" in fig.get_suptitle()


def test_concurrency_plot_without_processes_or_gil():
    result = concurrency(gil=False, processes=0)
    assert math.isnan(result.speedup("io", "processes"))
    fig = synclab.plots.plot_concurrency(result)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["one thread", "threads", "asyncio"]
    assert numbers_in(fig.get_suptitle()) == [2, 3] and "without the GIL" in fig.get_suptitle()  # no processes
    assert "processes" not in concurrency_headline(result, "cpu")


@pytest.mark.parametrize(
    "call",
    [
        lambda: synclab.plots.plot_pipeline("not a result"),
        lambda: synclab.plots.plot_concurrency(None),
        lambda: synclab.plots.plot_queue_vs_condition(pipeline(), pipeline()),
        lambda: pipeline_headline(3),
    ],
)
def test_plots_refuse_the_wrong_result_clearly(call):
    with pytest.raises(TypeError, match="must be a"):
        call()
