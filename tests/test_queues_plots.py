"""Notebook 06's plots: units on the axes, titles computed from the data, one figure reused."""

from __future__ import annotations

import math

import pytest

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
        work=0.001,
        channel=channel,
        delivered=tuple(delivered),
        delivery_times=tuple(0.002 * (i + 1) for i in range(len(delivered))),
        length_times=((0.0, 0.001, 0.002), (0.0, 0.003)),
        lengths=((0, 2, 1), (0, 1)),
        max_lengths=(2, 1),
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
        cpu_size=1_000_000,
        threads=4,
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
    assert pipeline_headline(pipeline()) == "Queue: all 4 items delivered once, 400 items/s"
    spoiled = pipeline("list", delivered=(0, 0, 2), crashes=("S1-2: IndexError: x",))
    assert spoiled.lost == 2 and spoiled.duplicates == 1
    assert pipeline_headline(spoiled) == (
        "list: 2 of 4 items lost, 1 extra copy delivered, 1 worker died of IndexError"
    )


def test_plot_pipeline_has_units_and_states_the_finding():
    fig = synclab.plots.plot_pipeline(pipeline("list", delivered=(0, 0, 2)))
    lengths, throughput, outcome = fig.axes[:3]
    assert lengths.get_ylabel() == "items waiting\nin the inbox"
    assert throughput.get_xlabel() == "time since the start (ms)"
    assert throughput.get_ylabel() == "delivered\n(items/s)"
    assert "through a list: 2 of 4 items lost, 1 extra copy delivered" in fig._suptitle.get_text()
    assert [p.get_height() for p in outcome.patches] == [2, 1, 2]
    assert "no limit" in lengths.get_title()


def test_queue_lengths_show_the_maxsize_line_and_steps_per_stage():
    fig = plot_pipeline_lengths(pipeline())
    ax = fig.axes[0]
    assert "each at most 2 (maxsize)" in ax.get_title()
    assert any(t.get_text() == "maxsize 2" for t in ax.texts)
    assert [line.get_label() for line in ax.get_lines()[:2]] == ["into stage 1", "into stage 2"]


def test_queue_vs_condition_states_the_same_behaviour():
    by_hand, queued = synclab.run_buffer(), synclab.run_queue_buffer()
    fig = synclab.plots.plot_queue_vs_condition(by_hand, queued)
    title = fig._suptitle.get_text()
    assert title.startswith("Same workload, same behaviour: neither buffer went over its capacity")
    assert "producers did the waiting" in title
    top, bottom, waits = fig.axes
    assert top.get_title().startswith("hand-built Condition buffer: full ")
    assert bottom.get_title().startswith("queue.Queue: full ")
    assert waits.get_ylabel() == "time spent waiting, all threads (ms)"
    assert bottom.get_xlabel() == "time since the start (ms)"


def test_concurrency_plot_and_headlines():
    result = concurrency()
    assert result.speedup("io", "threads") == 4.0
    assert concurrency_headline(result, "io") == (
        "I/O-bound: threads 4.0×, processes 2.0×, asyncio 4.0× the speed of one thread"
    )
    fig = synclab.plots.plot_concurrency(result)
    io_ax, cpu_ax = fig.axes
    assert io_ax.get_title().startswith("I/O-bound job: threads helped (4.0× the speed of one thread)")
    assert cpu_ax.get_title().startswith("CPU-bound job: threads did not help (1.0× the speed of one thread)")
    assert io_ax.get_xlabel() == "wall time for the whole job (ms)"
    assert [t.get_text() for t in io_ax.get_yticklabels()] == ["one thread", "threads", "processes", "asyncio"]
    assert "starting 2 processes took 500.0 ms more" in fig._suptitle.get_text()
    assert "with the GIL" in fig._suptitle.get_text()


def test_concurrency_plot_without_processes_or_gil():
    result = concurrency(gil=False, processes=0)
    assert math.isnan(result.speedup("io", "processes"))
    fig = synclab.plots.plot_concurrency(result)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["one thread", "threads", "asyncio"]
    assert "without the GIL (free-threaded)" in fig._suptitle.get_text()
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
