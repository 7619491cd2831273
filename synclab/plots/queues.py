"""Plots of notebook 06: a queue against the hand-built buffer, the pipeline lab, threads or processes."""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from synclab.experiments.conditions import BufferResult
from synclab.experiments.queues import WAYS, ConcurrencyResult, PipelineResult
from synclab.plots._style import (
    EDGE,
    GREEN,
    GREY,
    OKABE_ITO,
    RED,
    blank_figure,
    fmt_seconds,
    lab_axes,
    limit_line,
    plural,
    require,
    target_axes,
)
from synclab.plots.conditions import CONSUMER_COLOUR, PRODUCER_COLOUR, plot_buffer_length

#: One colour per stage's inbox.
STAGE_COLOURS = (OKABE_ITO[0], OKABE_ITO[3], OKABE_ITO[5], OKABE_ITO[1])


def _who_waited(result: BufferResult) -> str:
    producers, consumers = result.producer_wait, result.consumer_wait
    return "producers" if producers > consumers else "consumers" if consumers > producers else "nobody"


def plot_queue_vs_condition(condition: BufferResult, queued: BufferResult, fig: Figure | None = None) -> Figure:
    """The same workload through notebook 05's ``Condition`` buffer and through ``queue.Queue``: the items in
    each buffer over time (left) and the time producers and consumers spent waiting (right)."""
    require(condition, BufferResult, "condition")
    require(queued, BufferResult, "queued")
    fig = blank_figure(fig, (12.0, 5.4))
    grid = fig.add_gridspec(
        2, 2, width_ratios=(2.0, 1.0), left=0.06, right=0.985, bottom=0.1, top=0.84, wspace=0.22, hspace=0.55
    )
    top = fig.add_subplot(grid[0, 0])
    bottom = fig.add_subplot(grid[1, 0], sharex=top, sharey=top)
    waits = fig.add_subplot(grid[:, 1])
    for ax, result, name in ((top, condition, "hand-built Condition buffer"), (bottom, queued, "queue.Queue")):
        plot_buffer_length(result, ax)
        full = f"full {result.share_full:.0%} of the time"
        ax.set_title(f"{name}: {full}, at most {result.max_length} of {result.capacity} items", fontsize="medium")
    longest = max(condition.duration, queued.duration) * 1e3
    top.set(xlabel="", xlim=(0, max(longest, 1e-3)))
    width = 0.38
    for offset, result, label, hatch in ((-width / 2, condition, "Condition", ""), (width / 2, queued, "Queue", "//")):
        heights = [result.producer_wait * 1e3, result.consumer_wait * 1e3]
        colours = [PRODUCER_COLOUR, CONSUMER_COLOUR]
        waits.bar([offset, 1 + offset], heights, width, color=colours, hatch=hatch, label=label, **EDGE)
    waits.set_xticks([0, 1], ["producers\n(waiting for room)", "consumers\n(waiting for an item)"])
    waits.set_ylabel("time spent waiting, all threads (ms)")
    waits.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
    waits.legend(title="buffer", fontsize="small", loc="upper right")
    waits.set_title("Who waited (plain: Condition, hatched: Queue)", fontsize="medium")
    same_cap = condition.max_length <= condition.capacity and queued.max_length <= queued.capacity
    by_hand, queue = _who_waited(condition), _who_waited(queued)
    if same_cap and by_hand == queue:
        same = "Same workload, same behaviour: neither buffer went over its capacity"
        fig.suptitle(f"{same}, and in both the {queue} did the waiting")
    else:
        over = "" if same_cap else "; a buffer went over its capacity"
        fig.suptitle(f"Condition buffer: {by_hand} waited more; Queue: {queue} waited more{over}")
    return fig


def pipeline_headline(result: PipelineResult) -> str:
    """One line: ``Queue: all 40 items delivered once, 1,150 items/s``, or ``list: 26 of 40 items lost, ...``."""
    require(result, PipelineResult, "result")
    if result.delivered_once:
        return f"{result.channel}: all {result.items} items delivered once, {result.throughput:,.0f} items/s"
    parts = []
    if result.lost:
        parts.append(f"{result.lost} of {result.items} items lost")
    if result.duplicates:
        copies = "extra copy" if result.duplicates == 1 else "extra copies"
        parts.append(f"{result.duplicates} {copies} delivered")
    if result.crashes:
        parts.append(f"{plural(len(result.crashes), 'worker')} died of IndexError")
    return f"{result.channel}: " + ", ".join(parts)


def plot_pipeline_lengths(result: PipelineResult, ax: Axes | None = None) -> Figure:
    """How many items waited in each stage's inbox, over time."""
    require(result, PipelineResult, "result")
    fig, ax = target_axes(ax, width=7.0, height=3.0)
    end_ms = result.duration * 1e3
    highest = 1
    for stage, (times, lengths) in enumerate(zip(result.length_times, result.lengths, strict=True)):
        xs = [t * 1e3 for t in times] + [end_ms]
        ys = [*lengths, lengths[-1]]
        ax.step(xs, ys, where="post", color=STAGE_COLOURS[stage % len(STAGE_COLOURS)], label=f"into stage {stage + 1}")
        highest = max(highest, *lengths)
    if result.channel == "Queue":
        limit_line(ax, result.capacity, f"maxsize {result.capacity}", right=True)
        highest = max(highest, result.capacity)
    ax.set(xlim=(0, max(end_ms, 1e-3)), ylim=(-0.3, highest * 1.15 + 0.5), ylabel="items waiting\nin the inbox")
    ax.set_xlabel("time since the start (ms)")
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax.legend(loc="upper left", fontsize="small", ncols=min(4, result.stages))
    bound = f"each at most {result.capacity} (maxsize)" if result.channel == "Queue" else "no limit"
    ax.set_title(f"Inboxes: at most {max(map(max, result.lengths))} items waited ({bound})", fontsize="medium")
    return fig


def plot_pipeline_throughput(result: PipelineResult, ax: Axes | None = None) -> Figure:
    """Items out of the last stage per second, over time (counted in equal time bins)."""
    require(result, PipelineResult, "result")
    fig, ax = target_axes(ax, width=7.0, height=2.4)
    duration = max(result.duration, 1e-6)
    bins = max(4, min(20, len(result.delivered) // 4 or 4))
    width = duration / bins
    counts = [0] * bins
    for t in result.delivery_times:
        counts[min(bins - 1, int(t / width))] += 1
    edges_ms = [i * width * 1e3 for i in range(bins + 1)]
    rates = [c / width for c in counts]
    ax.stairs(rates, edges_ms, fill=True, color=GREEN if result.delivered_once else RED, alpha=0.6)
    ax.set(xlim=(0, duration * 1e3), ylim=(0, max(rates + [1.0]) * 1.15), ylabel="delivered\n(items/s)")
    ax.set_xlabel("time since the start (ms)")
    ax.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10]))
    deliveries = f"{len(result.delivered)} deliveries in {fmt_seconds(result.duration)}"
    ax.set_title(f"Throughput: {deliveries}, {result.items - result.lost} of them different items", fontsize="medium")
    return fig


def plot_pipeline(result: PipelineResult, fig: Figure | None = None) -> Figure:
    """The pipeline lab's figure: inbox lengths and throughput over time, and what came out."""
    require(result, PipelineResult, "result")
    fig, (lengths, throughput, outcome) = lab_axes(fig, "pipeline", _pipeline_panels, size=(10.0, 4.6))
    plot_pipeline_lengths(result, lengths)
    lengths.set_xlabel("")
    plot_pipeline_throughput(result, throughput)
    once = result.items - result.lost
    bars = outcome.bar([0, 1, 2], [once, result.duplicates, result.lost], color=[GREEN, RED, RED], **EDGE)
    outcome.set_xticks([0, 1, 2], ["delivered", "extra\ncopies", "lost"])
    outcome.bar_label(bars, padding=2)
    outcome.set(ylim=(0, max(result.items, len(result.delivered), 1) * 1.15), ylabel="items")
    outcome.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    outcome.set_title(f"What came out, of {result.items} items put in", fontsize="medium")
    finding = pipeline_headline(result)[len(result.channel) + 2 :]
    layout = f"{plural(result.stages, 'stage')} × {plural(result.workers, 'worker')}"
    fig.suptitle(f"{layout}, through a {result.channel}: {finding}", color="black" if result.delivered_once else RED)
    return fig


def _pipeline_panels(fig: Figure) -> list[Axes]:
    box = {"left": 0.09, "right": 0.985, "bottom": 0.1, "top": 0.86, "wspace": 0.25, "hspace": 0.55}
    grid = fig.add_gridspec(2, 2, width_ratios=(2.3, 1.0), height_ratios=(1.3, 1.0), **box)
    top = fig.add_subplot(grid[0, 0])
    return [top, fig.add_subplot(grid[1, 0], sharex=top), fig.add_subplot(grid[:, 1])]


def concurrency_headline(result: ConcurrencyResult, job: str) -> str:
    """``"I/O-bound: threads 3.9×, processes 2.0×, asyncio 3.9× the speed of one thread"``."""
    require(result, ConcurrencyResult, "result")
    name = "I/O-bound" if job == "io" else "CPU-bound"
    times = result.io_times if job == "io" else result.cpu_times
    parts = [f"{way} {result.speedup(job, way):.1f}×" for way in WAYS[1:] if not math.isnan(times[WAYS.index(way)])]
    return f"{name}: " + ", ".join(parts) + " the speed of one thread"


def plot_concurrency(result: ConcurrencyResult, fig: Figure | None = None) -> Figure:
    """Wall time of the I/O-bound and the CPU-bound job, done each of the four ways."""
    require(result, ConcurrencyResult, "result")
    fig = blank_figure(fig, (12.0, 3.6))
    axes = fig.subplots(1, 2, gridspec_kw={"left": 0.09, "right": 0.98, "bottom": 0.16, "top": 0.78, "wspace": 0.3})
    colours = (GREY, OKABE_ITO[0], OKABE_ITO[3], OKABE_ITO[2])
    for ax, job, each in ((axes[0], "io", result.io_seconds), (axes[1], "cpu", result.cpu_seconds)):
        times = result.io_times if job == "io" else result.cpu_times
        shown = [(way, t, c) for way, t, c in zip(WAYS, times, colours, strict=True) if not math.isnan(t)]
        rows = range(len(shown))
        ax.barh(rows, [t * 1e3 for _, t, _ in shown], color=[c for _, _, c in shown], edgecolor="black", lw=0.5)
        ax.set_yticks(rows, [way for way, _, _ in shown])
        ax.invert_yaxis()
        for row, (way, t, _) in zip(rows, shown, strict=True):
            label = fmt_seconds(t) if way == WAYS[0] else f"{fmt_seconds(t)}, {result.speedup(job, way):.1f}×"
            ax.annotate(label, (t * 1e3, row), xytext=(3, 0), textcoords="offset points", va="center")
        ax.set(xlim=(0, max(t for _, t, _ in shown) * 1e3 * 1.35), xlabel="wall time for the whole job (ms)")
        kind = "waiting (time.sleep)" if job == "io" else "computing (sum(range(n)))"
        threads = result.speedup(job, "threads")
        verdict = "threads helped" if threads >= 1.5 else "threads did not help"
        head = f"{'I/O' if job == 'io' else 'CPU'}-bound job: {verdict} ({threads:.1f}× the speed of one thread)"
        ax.set_title(f"{head}\n{result.tasks} tasks, each {kind} about {fmt_seconds(each)}", fontsize="medium")
    pool = f"; starting {result.processes} processes took {fmt_seconds(result.process_start)} more"
    pool = pool if result.processes else ""
    gil = "with the GIL" if result.gil else "without the GIL (free-threaded)"
    machine = f"{result.cores} cores, Python {result.python} {gil}"
    fig.suptitle(f"The same job four ways, on this machine ({machine}){pool}", fontsize="medium")
    return fig
