"""Plots and the comparison table of notebook 08 (choosing a primitive)."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from synclab._threads.primitives import COMMON_CLAIMS, OverheadResult
from synclab.experiments.primitives import GateResult, PhaseResult, PoolResult, StopResult
from synclab.plots._style import (
    EDGE,
    GREEN,
    GREY,
    OKABE_ITO,
    RED,
    few_ticks,
    fmt_seconds,
    lab_axes,
    require,
    target_axes,
    thread_colour,
    thread_order,
    timeline_rows,
    wait_hold_bars,
)

#: The pool figure's margins, fixed so that a lab's redraw need not lay it out again.
_POOL_GRID = {"left": 0.09, "right": 0.80, "top": 0.89, "bottom": 0.1, "hspace": 0.08}


def pool_headline(result: PoolResult) -> str:
    """One line: ``Semaphore(3): at most 3 of 8 threads in the pool at once``, or ``no semaphore: up to 8
    threads in the pool at once (limit 3)``."""
    require(result, PoolResult, "result")
    guard = "no semaphore" if result.guard == "none" else f"{result.guard}({result.limit})"
    if result.extra_release:
        guard += " + an extra release"
    if result.exceeded:
        head = f"{guard}: up to {result.max_holders} threads in the pool at once (limit {result.limit})"
    else:
        head = f"{guard}: at most {result.max_holders} of {result.threads} threads in the pool at once"
    if result.release_errors:
        error = result.release_errors[0]
        who = "the extra release" if error.extra else f"a later, correct release in {error.thread}"
        head += f"; ValueError from {who}"
    return head


def plot_pool(result: PoolResult, fig: Figure | None = None) -> Figure:
    """Who used the pool when (top: pale while waiting for a permit, solid while holding one) and how many
    used it at once (bottom), against the limit; anything above the limit is red."""
    require(result, PoolResult, "result")
    rows = min(max(result.threads, 3), 8)  # the timeline's share of the height
    fig, (top, bottom) = lab_axes(
        fig,
        ("pool", rows),
        lambda fig: fig.subplots(2, 1, sharex=True, height_ratios=(rows, 4), gridspec_kw=_POOL_GRID),
        size=(9.5, 5.2),
    )
    uses = result.pool_uses
    origin = min((u.requested for u in uses), default=0.0)
    names = thread_order(u.thread for u in uses) or [f"T{i}" for i in range(1, result.threads + 1)]
    row = timeline_rows(top, names)
    style = {"edgecolors": "black", "linewidths": 0.3, "alpha": 1.0}
    wait_hold_bars(top, uses, row, origin, style, "using the pool", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    end = max((u.released for u in uses), default=origin)
    top.set_xlim(-0.02 * (end - origin) * 1e3, (end - origin) * 1e3 * 1.02 or 1.0)
    top.tick_params(axis="y", labelsize="small" if len(names) > 12 else rcParams["ytick.labelsize"])
    top.set_title(textwrap.fill(pool_headline(result), 90), color=RED if result.exceeded else "black")

    steps = [(result.changes[0][0], 0), *result.changes] if result.changes else []  # from 0 at the first change
    times = [(t - origin) * 1e3 for t, _ in steps]
    counts = [n for _, n in steps]
    bottom.step(times, counts, where="post", color=thread_colour(4), linewidth=1.5, label="threads in the pool")
    over = [max(n, result.limit) for n in counts]
    bottom.fill_between(times, result.limit, over, step="post", color=RED, alpha=0.5, label="above the limit")
    bottom.axhline(result.limit, color=GREY, linestyle="--", linewidth=1.2, label=f"limit = {result.limit}")
    bottom.set(ylim=(0, max(result.max_holders, result.limit) + 0.8), ylabel="threads in the pool\n(measured)")
    bottom.set_xlabel("time since the first request (ms)")
    few_ticks(bottom.yaxis, integer=True)
    bottom.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    return fig


def plot_start_gate(result: GateResult, ax: Axes | None = None) -> Figure:
    """A row for setup and one per worker (pale while waiting at the gate, solid while working), the end of
    setup dotted, each worker labelled with the setup steps it saw when it began."""
    require(result, GateResult, "result")
    fig, ax = target_axes(ax, width=8.0, height=1.2 + 0.45 * (result.workers + 1))
    names = ["setup", *(t.thread for t in result.threads)]
    row = timeline_rows(ax, names)
    setup = [(result.setup_began * 1e3, (result.setup_done - result.setup_began) * 1e3)]
    ax.broken_barh(setup, (row["setup"] - 0.4, 0.8), facecolors=GREY)
    note = {"xytext": (4, 0), "textcoords": "offset points", "va": "center", "fontsize": "small"}
    for t in result.threads:
        y = (row[t.thread] - 0.4, 0.8)
        colour = thread_colour(t.thread)
        if t.began > t.ready:
            ax.broken_barh([(t.ready * 1e3, (t.began - t.ready) * 1e3)], y, facecolors=colour, alpha=0.25)
        ax.broken_barh([(t.began * 1e3, (t.ended - t.began) * 1e3)], y, facecolors=colour)
        saw = f"saw {t.seen_steps}/{result.setup_steps}"
        complete = t.seen_steps == result.setup_steps
        ax.annotate(saw, (t.ended * 1e3, row[t.thread]), color=GREEN if complete else RED, **note)
    label = "setup done: gate.set()" if result.use_gate else "setup done"
    ax.axvline(result.setup_done * 1e3, color="black", linestyle=":", linewidth=1.2, label=label)
    end = max([result.setup_done, *(t.ended for t in result.threads)]) * 1e3
    ax.set(xlim=(0, end * 1.2), xlabel="time since the run began (ms)")
    handles: list[Patch | Line2D] = [Patch(color=GREY, label="setup"), Patch(color="#555555", label="working")]
    if result.use_gate:
        handles.append(Patch(color="#555555", alpha=0.25, label="waiting at the gate"))
    handles.append(Line2D([], [], color="black", linestyle=":", label=label))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    if result.early:
        ax.set_title(f"No gate: {len(result.early)} of {result.workers} workers began before setup was done", color=RED)
    elif result.use_gate:
        ax.set_title(f"With the gate: all {result.workers} workers began after setup was done")
    else:
        ax.set_title(f"No gate, but all {result.workers} workers happened to begin after setup")
    return fig


def _stop_label(result: StopResult) -> str:
    return f"{'shutdown.wait' if result.wait == 'event' else 'time.sleep'}({result.period:g})"


def plot_stop_signal(results: StopResult | Sequence[StopResult], ax: Axes | None = None) -> Figure:
    """How long each worker took to stop after ``shutdown.set()``, per way of waiting, on a log axis."""
    runs = [results] if isinstance(results, StopResult) else list(results)
    if not runs:
        raise ValueError("results must hold at least one StopResult, got none")
    for run in runs:
        require(run, StopResult, "each of results")
    fig, ax = target_axes(ax, width=8.0, height=3.6)
    names = thread_order(w.thread for run in runs for w in run.workers)
    width = 0.8 / len(runs)
    hatches = ("", "//", "..", "xx")
    colours = [thread_colour(n) for n in names]
    for k, run in enumerate(runs):
        latency = {w.thread: max(w.exited - run.signalled, 1e-7) * 1e3 for w in run.workers}
        xs = [i + (k - (len(runs) - 1) / 2) * width for i in range(len(names))]
        heights = [latency.get(n, 0.0) for n in names]
        hatch = hatches[k % len(hatches)]
        bars = ax.bar(xs, heights, width, color=colours, hatch=hatch, label=_stop_label(run), **EDGE)
        ax.bar_label(bars, labels=[fmt_seconds(h / 1e3) for h in heights], fontsize="small")
    ax.set_xticks(range(len(names)), names)
    ax.set(xlabel="worker thread", yscale="log", ylabel="time from shutdown.set()\nto the worker's exit (ms, log)")
    ax.margins(y=0.25)
    ax.legend(title="waiting between jobs with", fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    parts = [f"{_stop_label(run)}: all stopped within {fmt_seconds(run.max_latency)}" for run in runs]
    ax.set_title("\n".join(parts))
    return fig


def plot_phases(result: PhaseResult, ax: Axes | None = None) -> Figure:
    """Timeline of a :func:`~synclab.run_phases` run: phases coloured, barrier releases dotted."""
    require(result, PhaseResult, "result")
    fig, ax = target_axes(ax, width=8.0, height=1.4 + 0.45 * result.threads)
    names = [f"T{i}" for i in range(1, result.threads + 1)]
    row = timeline_rows(ax, names)
    for span in result.spans:
        bar = [(span.started * 1e3, (span.finished - span.started) * 1e3)]
        y = (row[span.thread] - 0.4, 0.8)
        ax.broken_barh(bar, y, facecolors=thread_colour(span.phase), edgecolor="black", linewidth=0.4)
    for released in result.released:
        ax.axvline(released * 1e3, color="black", linestyle=":", linewidth=1)
    for thread, phase, waited in result.broken:
        finished = max(s.finished for s in result.spans if s.thread == thread and s.phase == phase)
        ax.plot([finished * 1e3, (finished + waited) * 1e3], [row[thread]] * 2, color=RED, linewidth=1)
        ax.plot([(finished + waited) * 1e3], [row[thread]], marker="X", color=RED, markersize=9)
    phases = sorted({s.phase for s in result.spans})  # coloured as threads are numbered
    handles: list[Patch | Line2D] = [Patch(color=thread_colour(p), label=f"phase {p}") for p in phases]
    if result.released:
        handles.append(Line2D([], [], color="black", linestyle=":", label="barrier lets all through"))
    if result.broken:
        handles.append(Line2D([], [], color=RED, marker="X", label="BrokenBarrierError"))
    ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small")
    ax.set(xlabel="time since the run began (ms)", xlim=(0, None))
    if result.broken:
        left = f"{names[-1]} left after phase 1: the others waited {fmt_seconds(result.barrier_timeout)} at the barrier"
        ax.set_title(f"{left},\nthen got BrokenBarrierError instead of waiting forever", color=RED)
    elif result.use_barrier:
        ax.set_title("With a barrier: no thread began a phase before all had finished the previous one")
    elif result.overlapping:
        ax.set_title("No barrier: fast threads ran ahead into later phases", color=RED)
    else:
        ax.set_title("No barrier, but the phases happened not to overlap")
    return fig


@dataclass(frozen=True, slots=True)
class Table:
    """A small table that shows as HTML in a notebook and as aligned text elsewhere; ``details`` is a
    second table folded away under ``details_title``."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    details: Table | None = None
    details_title: str = ""

    def __str__(self) -> str:
        widths = [max(len(h), *(len(r[i]) for r in self.rows)) for i, h in enumerate(self.headers)]
        lines = [self.caption] if self.caption else []
        rows = [self.headers, tuple("-" * w for w in widths), *self.rows]  # the header underlined
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
        if self.details is not None:
            lines += ["", self.details_title, str(self.details)]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.headers)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in r) + "</tr>"
            for r in self.rows
        )
        caption = f"<caption style='text-align:left'>{html.escape(self.caption)}</caption>" if self.caption else ""
        folded = ""
        if self.details is not None:
            summary = f"<summary>{html.escape(self.details_title)}</summary>"
            folded = f"<details>{summary}{self.details._repr_html_()}</details>"
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{folded}"


#: Use cases, in the course's own words.
_USE = {
    "Lock": "one thread at a time in a critical section",
    "RLock": "a lock its holder may take again (nested calls)",
    "Condition": "wait until shared state is right (producer-consumer)",
    "Semaphore": "at most N threads at once (a pool)",
    "Event": "a one-way signal: start gate, stop flag",
    "Event.is_set": "check the signal without waiting",
    "Queue": "hand items from one thread to another",
}


def overhead_table(result: OverheadResult) -> Table:
    """The comparison table: use, reentrant (observed) and cost relative to ``with lock:`` measured here,
    against what a comparison table found in many tutorials claims; the nanoseconds folded away."""
    require(result, OverheadResult, "result")
    rows, timings = [], []
    for cost in result.costs:
        reentrant = {True: "yes", False: "no", None: "n/a (nothing to hold)"}[cost.reentrant]
        claim = COMMON_CLAIMS.get(cost.name)
        claimed = f"{claim[1]}, {claim[2]}" if claim else "not in the common table"
        rows.append((cost.name, _USE.get(cost.name, ""), reentrant, f"{result.relative(cost.name):.1f}×", claimed))
        timings.append((cost.name, cost.code, f"{cost.seconds * 1e9:,.0f} ns"))
    repeats = len(result.costs[0].repeats) if result.costs else 0
    loop = f"minus the timing loop's own cost ({result.loop_seconds * 1e9:,.0f} ns)"
    caption = f"Fastest of {repeats} repeats of {result.number:,} operations, {loop}"
    details = Table(("primitive", "operation timed", "cost per operation"), tuple(timings), caption)
    python = f"{result.implementation} {result.python}"
    return Table(
        ("primitive", "use it for", "reentrant (measured)", "cost × a Lock", "common claim: reentrant, overhead"),
        rows=tuple(rows),
        caption=f"Uncontended cost of one operation, relative to with lock: pass ({python})",
        details=details,
        details_title=f"Under the hood: nanoseconds per operation on this machine ({python})",
    )


def plot_overhead(result: OverheadResult, ax: Axes | None = None) -> Figure:
    """Bar chart of the measured cost of each primitive's operation, in nanoseconds."""
    require(result, OverheadResult, "result")
    fig, ax = target_axes(ax, width=8.0, height=3.8)
    costs = list(result.costs)
    labels = [f"{c.name}\n{c.code}" for c in costs]
    ns = [c.seconds * 1e9 for c in costs]
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(costs))]
    bars = ax.barh(labels, ns, color=colours, **EDGE)
    notes = [f"{v:,.0f} ns ({result.relative(c.name):.1f}× Lock)" for v, c in zip(ns, costs, strict=True)]
    ax.bar_label(bars, labels=notes, padding=3, fontsize="small")
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize="small")
    ax.set(xlim=(0, max(ns, default=1.0) * 1.45 or 1.0), xlabel="cost per operation, nobody waiting (ns)")
    dearest = max(costs, key=lambda c: c.seconds)
    cheapest = min(costs, key=lambda c: c.seconds)
    dear = f"{dearest.name} costs {result.relative(dearest.name):.0f}× a Lock"
    cheap = f"{cheapest.name} {result.relative(cheapest.name):.1f}×"
    ax.set_title(f"{dear}, {cheap} ({result.implementation} {result.python})")
    return fig
