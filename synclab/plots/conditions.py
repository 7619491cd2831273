"""Plots of the bounded-buffer experiment (notebook 05)."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synclab.experiments.conditions import BufferResult
from synclab.plots._style import (
    GREEN,
    OKABE_ITO,
    few_ticks,
    fmt_seconds,
    lab_axes,
    limit_line,
    require,
    target_axes,
    thread_order,
    timeline_bars,
    timeline_rows,
)
from synclab.plots.locks import thread_bars

#: Producers are drawn orange, consumers blue, in every buffer plot.
PRODUCER_COLOUR = OKABE_ITO[0]
CONSUMER_COLOUR = OKABE_ITO[3]
_COLOURS = {"producer": PRODUCER_COLOUR, "consumer": CONSUMER_COLOUR}


def _waited(who: str, seconds: float, what: str) -> str:
    if seconds <= 0:
        return f"{who} never waited for {what}"
    return f"{who} waited {fmt_seconds(seconds)} for {what}"


def buffer_headline(result: BufferResult) -> str:
    """One line saying which side waited, like ``producers waited longer for room (55 ms) ...``."""
    require(result, BufferResult, "result", " from run_buffer()")
    producers = ("producers", result.producer_wait, "room", f"full {result.share_full:.0%}")
    consumers = ("consumers", result.consumer_wait, "items", f"empty {result.share_empty:.0%}")
    if producers[1] == consumers[1]:
        return "nobody had to wait"
    more, less = (producers, consumers) if producers[1] > consumers[1] else (consumers, producers)
    share = f"the buffer was {more[3]} of the time"
    if less[1] <= 0:
        return f"only the {more[0]} waited, {fmt_seconds(more[1])} for {more[2]}: {share}"
    waits = f"({fmt_seconds(more[1])}) than {less[0]} for {less[2]} ({fmt_seconds(less[1])})"
    return f"{more[0]} waited longer for {more[2]} {waits}: {share}"


def plot_buffer_length(result: BufferResult, ax: Axes | None = None) -> Figure:
    """The number of items in the buffer over time, with its capacity."""
    require(result, BufferResult, "result", " from run_buffer()")
    fig, ax = target_axes(ax, width=7.0, height=3.0)
    times_ms = [t * 1e3 for t in result.times] + [result.duration * 1e3]
    lengths = [*result.lengths, result.lengths[-1]]
    ax.step(times_ms, lengths, where="post", color=GREEN, linewidth=1.5)
    limit_line(ax, result.capacity, f"capacity {result.capacity}")
    ax.set(xlim=(0, max(times_ms[-1], 1e-3)), ylim=(-0.2, result.capacity + max(0.6, result.capacity * 0.12)))
    ax.set(ylabel="items in the buffer", xlabel="time since the start (ms)")
    few_ticks(ax.yaxis, integer=True)
    ax.set_title(f"The buffer was full {result.share_full:.0%} of the time and empty {result.share_empty:.0%}")
    return fig


def plot_wait_timeline(result: BufferResult, ax: Axes | None = None) -> Figure:
    """Who waits when: one row per thread (producers first), a bar for each wait."""
    require(result, BufferResult, "result", " from run_buffer()")
    fig, ax = target_axes(ax, width=7.0, height=2.4)
    roles = {t.thread: t.role for t in result.threads}
    names = sorted(thread_order(roles), key=lambda name: roles[name] != "producer")
    row = timeline_rows(ax, names)
    spans = [span for span in result.spans if span.thread in row]
    bars = [(s.start * 1e3, (s.start + max(s.duration, 1e-6)) * 1e3, row[s.thread]) for s in spans]
    timeline_bars(ax, bars, [_COLOURS[roles[s.thread]] for s in spans], 0.35, edgecolors="none")
    ax.set(xlim=(0, max(result.duration * 1e3, 1e-3)), xlabel="time since the start (ms)")
    few_ticks(ax.xaxis, steps=[1, 2, 5, 10])
    ax.set_title("Who waits in wait(), and when")
    return fig


def plot_buffer_waits(result: BufferResult, ax: Axes | None = None) -> Figure:
    """Bar chart of the time each thread spent waiting in ``wait()``."""
    require(result, BufferResult, "result", " from run_buffer()")
    fig, ax = target_axes(ax, width=4.5, height=3.6)
    names, waits = [t.thread for t in result.threads], [t.total_wait * 1e3 for t in result.threads]
    thread_bars(ax, names, waits, [_COLOURS[t.role] for t in result.threads])
    ax.set(xlabel="thread (orange: producers, blue: consumers)", ylabel="time spent waiting in wait() (ms)")
    few_ticks(ax.yaxis, steps=[1, 2, 5, 10])
    producers = _waited("Producers", result.producer_wait, "room")
    ax.set_title(f"{producers},\n{_waited('consumers', result.consumer_wait, 'an item')}")
    return fig


def plot_buffer_run(result: BufferResult, fig: Figure | None = None) -> Figure:
    """Buffer length and who waits when (left, one time axis), and the waiting per thread (right)."""
    require(result, BufferResult, "result", " from run_buffer()")
    fig, (length_ax, timeline_ax, waits_ax) = lab_axes(fig, "buffer", _buffer_panels, size=(12.0, 5.2))
    plot_buffer_length(result, length_ax)
    length_ax.set_xlabel("")
    length_ax.tick_params(labelbottom=False)  # the timeline below shares and labels the time axis
    plot_wait_timeline(result, timeline_ax)
    plot_buffer_waits(result, waits_ax)
    return fig


def _buffer_panels(fig: Figure) -> list[Axes]:
    grid = fig.add_gridspec(2, 2, width_ratios=(2.0, 1.0), height_ratios=(1.25, 1.0))
    grid.update(left=0.055, right=0.985, bottom=0.09, top=0.9, wspace=0.2, hspace=0.3)
    length_ax = fig.add_subplot(grid[0, 0])
    timeline_ax = fig.add_subplot(grid[1, 0], sharex=length_ax)
    return [length_ax, timeline_ax, fig.add_subplot(grid[:, 1])]
