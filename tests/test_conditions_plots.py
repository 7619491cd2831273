"""Buffer plots: labelled with units, titles computed from the data, one figure reused."""

from __future__ import annotations

import pytest
from conftest import numbers_in, seconds_in

import synclab
from synclab.experiments.conditions import BufferResult, ThreadWaits, WaitSpan
from synclab.instruments import InstrumentedLock
from synclab.plots.conditions import (
    CONSUMER_COLOUR,
    PRODUCER_COLOUR,
    buffer_headline,
    plot_buffer_length,
    plot_buffer_waits,
    plot_wait_timeline,
)


def made_up(producer_wait: float = 0.06, consumer_wait: float = 0.004) -> BufferResult:
    """A result with known numbers: full from 20 to 80 ms of 100 ms, empty for the first 10 ms."""
    times = (0.0, 0.010, 0.020, 0.080, 0.090)
    lengths = (0, 1, 2, 1, 0)
    return BufferResult(
        producers=1,
        consumers=1,
        capacity=2,
        produce_rate=400.0,
        consume_rate=200.0,
        items=2,
        consumed=2,
        delivered_once=True,
        max_length=2,
        times=times,
        lengths=lengths,
        duration=0.100,
        threads=(
            ThreadWaits("P1", "producer", 2, 1, producer_wait),
            ThreadWaits("C1", "consumer", 2, 1, consumer_wait),
        ),
        spans=(
            WaitSpan("C1", "consumer", 0.0, consumer_wait),
            WaitSpan("P1", "producer", 0.02, 0.02 + producer_wait),
        ),
        lock=InstrumentedLock().statistics(),
        python="3.x",
    )


def test_shares_are_time_weighted():
    result = made_up()
    assert result.share_full == pytest.approx(0.6)
    assert result.share_empty == pytest.approx(0.1 + 0.1)  # 0-10 ms and 90-100 ms
    assert result.producer_wait == pytest.approx(0.06) and result.consumer_wait == pytest.approx(0.004)


def test_length_plot_states_how_long_the_buffer_was_full_and_empty():
    ax = plot_buffer_length(made_up()).axes[0]
    assert numbers_in(ax.get_title()) == [60, 20]  # % of the time full, then empty
    assert ax.get_ylabel() == "items in the buffer"
    assert "(ms)" in ax.get_xlabel()
    (line,) = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
    assert list(line.get_xdata()) == pytest.approx([0, 10, 20, 80, 90, 100])


def test_waits_plot_has_one_bar_per_thread_coloured_by_role():
    ax = plot_buffer_waits(made_up()).axes[0]
    bars = ax.patches
    assert [round(b.get_height(), 6) for b in bars] == [60.0, 4.0]
    assert [b.get_facecolor()[:3] for b in bars] == [
        pytest.approx(tuple(int(c[i : i + 2], 16) / 255 for i in (1, 3, 5))) for c in (PRODUCER_COLOUR, CONSUMER_COLOUR)
    ]
    assert seconds_in(ax.get_title()) == pytest.approx([0.06, 0.004])  # producers, then consumers
    ax = plot_buffer_waits(made_up(0.0, 0.004)).axes[0]
    assert seconds_in(ax.get_title()) == pytest.approx([0.004]) and "Producers never waited" in ax.get_title()
    assert "(ms)" in ax.get_ylabel()


def test_timeline_has_a_row_per_thread_producers_first():
    result = made_up()
    ax = plot_wait_timeline(result).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["P1", "C1"]
    assert "(ms)" in ax.get_xlabel()
    (bars,) = ax.collections  # one collection, a bar per wait
    assert len(bars.get_paths()) == len(result.spans)
    rows = {
        span.thread: round(path.vertices[:, 1].mean())
        for span, path in zip(result.spans, bars.get_paths(), strict=True)
    }
    assert rows == {"P1": 0, "C1": 1}


@pytest.mark.parametrize(
    ("pw", "cw", "finding", "numbers"),
    [
        (0.06, 0.004, "producers waited longer", [60.0, 4.0, 60]),  # ms, ms, % of the time full
        (0.001, 0.05, "consumers waited longer", [50.0, 1.0, 20]),  # ms, ms, % of the time empty
        (0.06, 0.0, "only the producers waited", [60.0, 60]),
        (0.0, 0.05, "only the consumers waited", [50.0, 20]),
        (0.0, 0.0, "nobody had to wait", []),
    ],
)
def test_headline_names_the_side_that_waited(pw, cw, finding, numbers):
    headline = buffer_headline(made_up(pw, cw))
    assert finding in headline and numbers_in(headline) == numbers


def test_run_figure_reuses_the_figure_it_is_given():
    result = made_up()
    fig = synclab.plots.plot_buffer_run(result)
    assert len(fig.axes) == 3
    assert numbers_in(fig.axes[0].get_title()) == [60, 20]
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == ["P1", "C1"]  # the timeline
    assert synclab.plots.plot_buffer_run(result, fig) is fig
    assert len(fig.axes) == 3


def test_a_real_run_plots_too():
    result = synclab.run_buffer(items=5)
    fig = synclab.plots.plot_buffer_run(result)
    assert len(fig.axes) == 3


@pytest.mark.parametrize(
    "plot", [plot_buffer_length, plot_buffer_waits, plot_wait_timeline, synclab.plots.plot_buffer_run]
)
def test_plots_refuse_other_results(plot):
    with pytest.raises(TypeError, match="BufferResult"):
        plot(synclab.run_counter(threads=1, increments=1))
