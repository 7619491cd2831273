"""Plots of deadlocks (notebook 07) and of locking strategies (notebook 11): the resource-allocation graph
(who holds and who waits for which lock, the cycle in red) and the bank-transfer results."""

from __future__ import annotations

import math
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synclab._threads.deadlock import ResourceAllocationGraph
from synclab.experiments.deadlock import START_BALANCE, TransferRuns, TransferSweep
from synclab.plots._style import (
    GREEN,
    GREY,
    OKABE_ITO,
    RED,
    empty_message,
    fmt_seconds,
    key_text,
    lab_axes,
    new_figure,
    require,
    target_axes,
    thread_colour,
)

#: How each strategy is named in legends, and (``_SHORT``) in titles.
STRATEGY_LABELS = {
    "naive": "naive: from-account first",
    "ordered": "ordered: lower account number first",
    "retry": "timeout + back-off",
    "global": "one lock for the bank",
}
_SHORT = {"naive": "naive order", "ordered": "ordered", "retry": "timeout + back-off", "global": "one bank lock"}
_STRATEGY_COLOURS = {"naive": OKABE_ITO[4], "ordered": OKABE_ITO[2], "retry": OKABE_ITO[0], "global": OKABE_ITO[3]}


def _ring(names: list[str], radius: float, offset: float = 0.0) -> dict[str, tuple[float, float]]:
    angles = [math.pi / 2 - offset - 2 * math.pi * i / max(len(names), 1) for i in range(len(names))]
    return {name: (radius * math.cos(a), radius * math.sin(a)) for name, a in zip(names, angles, strict=True)}


def plot_resource_allocation_graph(graph: ResourceAllocationGraph | None, ax: Axes | None = None) -> Figure:
    """Threads as circles, locks as squares; an arrow from a thread to a lock means "waits for", from a
    lock to a thread "is held by". A deadlock is a closed loop of arrows, drawn in red."""
    fig, ax = target_axes(ax, width=4.6, height=4.2)
    if graph is not None:
        require(graph, ResourceAllocationGraph, "graph")
    if graph is None or not (graph.holds or graph.waits):
        empty = "no cycle was seen:\nnothing to draw" if graph is None else "no thread held or waited\nfor these locks"
        empty_message(ax, "Resource-allocation graph", empty)
        return fig
    threads = list(dict.fromkeys(thread for thread, _ in (*graph.holds, *graph.waits)))  # in order of first mention
    used = {lock for _, lock in (*graph.holds, *graph.waits)}
    inner = list(graph.cycle)
    outer = [n for n in [*threads, *(lock for lock in graph.locks if lock in used)] if n not in inner]
    # Rings wide enough that neighbouring nodes do not touch: about 1.4 units apart.
    r_inner = max(1.0, 1.4 * len(inner) / (2 * math.pi)) if inner else 0.0
    r_outer = max(r_inner + 1.4 if inner else 1.0, 1.4 * len(outer) / (2 * math.pi))
    pos = {**_ring(inner, r_inner), **_ring(outer, r_outer, offset=math.pi / max(len(outer), 1))}
    cycle_edges = set(zip(inner, inner[1:] + inner[:1], strict=True))
    edges = [(t, lock, "--") for t, lock in graph.waits] + [(lock, t, "-") for t, lock in graph.holds]
    for src, dst, line in edges:
        red = (src, dst) in cycle_edges
        arrow = {"arrowstyle": "-|>", "color": RED if red else "#777777", "lw": 2.6 if red else 1.0, "linestyle": line}
        arrow.update(shrinkA=15, shrinkB=15, mutation_scale=14)
        ax.annotate("", xy=pos[dst], xytext=pos[src], arrowprops=arrow, zorder=3 if red else 1)
    thread_nodes = [n for n in pos if n in threads]
    lock_nodes = [n for n in pos if n not in threads]
    for nodes, marker, size, colours in (
        (thread_nodes, "o", 700, [thread_colour(n) for n in thread_nodes]),
        (lock_nodes, "s", 750, "#DDDDDD"),
    ):
        if nodes:
            xs, ys = [pos[n][0] for n in nodes], [pos[n][1] for n in nodes]
            ax.scatter(xs, ys, s=size, marker=marker, c=colours, edgecolors="black", zorder=4)
    for name, (x, y) in pos.items():
        label = name if len(name) <= 6 or " " not in name else name.replace(" ", "\n", 1)
        ax.text(x, y, label, ha="center", va="center", fontsize=7, zorder=5)
    span = max(r_inner, r_outer if outer else 0.0)
    ax.set(xlim=(-span - 0.6, span + 0.6), ylim=(-span - 0.75, span + 0.6), aspect="equal")
    ax.set_axis_off()
    key_text(ax, "dashed arrow: waits for   solid arrow: is held by   red: the cycle", 0.0, "bottom")
    finding = "no cycle,\nevery wait can end"
    if graph.cycle:
        finding = f"a cycle,\n{len(graph.cycle_threads)} threads wait for each other (deadlock)"
    ax.set_title(f"Resource-allocation graph: {finding}", fontsize="medium")
    return fig


def transfer_headline(runs: TransferRuns) -> str:
    """One line stating what repeated runs found: ``naive order: 9 of 10 runs deadlocked``."""
    head = _SHORT[runs.strategy]
    if runs.deadlocked_runs:
        return f"{head}: {runs.deadlocked_runs} of {runs.runs} runs deadlocked"
    if runs.strategy == "retry" and runs.retries:
        return f"{head}: no run stuck, {runs.retries:,} timeouts retried"
    return f"{head}: no deadlock in {runs.runs} runs"


def _run_ticks(ax: Axes, runs: int) -> None:
    ax.set(xlabel="run", xlim=(0.4, runs + 0.6), xticks=sorted({1, (runs + 1) // 2, runs}))


def plot_transfer_runs(runs: TransferRuns, fig: Figure | None = None) -> Figure:
    """Repeated transfer runs: outcome per run, money per run, and the first deadlock's graph."""
    require(runs, TransferRuns, "runs", " from repeat_transfers")
    grid = {"left": 0.06, "right": 0.99, "top": 0.84, "bottom": 0.13, "wspace": 0.3}
    panels = lab_axes(fig, "transfers", lambda fig: fig.subplots(1, 3, gridspec_kw=grid), size=(13.8, 4.0))
    fig, (outcomes, money, graph) = panels
    numbers = list(range(1, runs.runs + 1))
    made = [100 * r.completed / r.attempted for r in runs.results]
    colours = [RED if r.deadlocked else GREEN for r in runs.results]
    outcomes.bar(numbers, made, color=colours, edgecolor="black", linewidth=0.4)
    _run_ticks(outcomes, runs.runs)
    outcomes.set(ylabel="transfers made before the run ended (%)", ylim=(0, 125), yticks=[0, 50, 100])
    key_text(outcomes, "green: finished   red: deadlocked, called off", 0.97, "top")
    outcomes.set_title(transfer_headline(runs), fontsize="medium")
    before = runs.results[0].accounts * START_BALANCE
    money.axhline(before, color=GREY, linestyle="--")
    money.plot(numbers, [r.total_after for r in runs.results], "o", color=GREEN if runs.all_conserved else RED)
    money.set(ylim=(0, before * 1.25), yticks=[0, before], ylabel="money in the bank after the run (units)")
    _run_ticks(money, runs.runs)
    lost = sum(not r.conserved for r in runs.results)
    conserved = f"conserved in all {runs.runs} runs" if not lost else f"NOT conserved in {lost} of {runs.runs} runs"
    money.set_title(f"Money {conserved}", fontsize="medium")
    first = next((r for r in runs.results if r.graph is not None), None)  # the first run with a cycle
    plot_resource_allocation_graph(None if first is None else first.graph, graph)
    if first is not None:
        what = "deadlock" if first.deadlocked else "cycle, broken by a timeout"
        graph.set_title(f"Run {runs.results.index(first) + 1}'s {what}:\n{first.graph}", fontsize="small")
    return fig


def _strategy_lines(ax: Axes, sweep: TransferSweep, value: Any, sizes: bool = False) -> tuple[str, list[int]]:
    """One line per strategy against what the sweep varied (accounts or threads), on a log-2 axis."""
    accounts = list(dict.fromkeys(e.results[0].accounts for e in sweep.entries))
    threads = list(dict.fromkeys(e.results[0].threads for e in sweep.entries))
    key, values = ("threads", threads) if len(threads) > 1 and len(accounts) == 1 else ("accounts", accounts)
    for number, strategy in enumerate(sweep.strategies):
        entries = sweep.by_strategy(strategy)
        xs, ys = [getattr(e.results[0], key) for e in entries], [value(e) for e in entries]
        style = {"color": _STRATEGY_COLOURS[strategy], "label": STRATEGY_LABELS[strategy], "lw": 2}
        ax.plot(xs, ys, "-o", **style, markersize=7 - number if sizes else None)
    ax.set_xscale("log", base=2)
    ax.set_xticks(values, [str(v) for v in values])
    ax.set_xlabel(f"{key} (log scale)")
    ax.legend(fontsize="small")
    return key, values


def plot_deadlock_share(sweep: TransferSweep, ax: Axes | None = None) -> Figure:
    """Share of runs that deadlocked, per strategy, against the account (or thread) count."""
    sweep = require(sweep, TransferSweep, "sweep", " from sweep_transfers")
    fig, ax = target_axes(ax, width=6.0, height=3.8)
    _strategy_lines(ax, sweep, lambda e: e.deadlocked_runs / e.runs * 100, sizes=True)
    ax.set(ylabel="runs that deadlocked (%)", ylim=(-5, 105))
    never = [_SHORT[s] for s in sweep.strategies if not any(e.deadlocked_runs for e in sweep.by_strategy(s))]
    finding = f"{' and '.join(never)} never deadlocked" if never else "every strategy deadlocked somewhere"
    if len(never) == len(sweep.strategies):
        finding = "no deadlock anywhere"
    ax.set_title(f"{sweep.entries[0].runs} runs per point: {finding}", fontsize="medium")
    return fig


def plot_strategies(sweep: TransferSweep, fig: Figure | None = None) -> Figure:
    """The fixes side by side: share of runs deadlocked and median time per run, per strategy."""
    sweep = require(sweep, TransferSweep, "sweep", " from sweep_transfers")
    fig, (shares, times) = new_figure(2, width=5.2, height=3.8, fig=fig)
    entries = [sweep.by_strategy(s)[0] for s in sweep.strategies]
    labels = [_SHORT[e.strategy] for e in entries]
    colours = [_STRATEGY_COLOURS[e.strategy] for e in entries]
    percent = [e.deadlocked_runs / e.runs * 100 for e in entries]
    bars = shares.bar(labels, percent, color=colours, edgecolor="black", linewidth=0.5)
    shares.bar_label(bars, labels=[f"{e.deadlocked_runs}/{e.runs}" for e in entries], padding=2)
    shares.set(ylim=(0, 115), ylabel="runs that deadlocked (%)")
    fixed = [e for e in entries if e.strategy != "naive"]
    every_fix = fixed and not any(e.deadlocked_runs for e in fixed)
    title = "Every fix: no deadlock in any run" if every_fix else "Runs that deadlocked, per strategy"
    shares.set_title(title, fontsize="medium")
    ms = [e.median_elapsed * 1e3 for e in entries]
    bars = times.bar(labels, ms, color=colours, edgecolor="black", linewidth=0.5)
    notes = [fmt_seconds(e.median_elapsed) + _time_note(e) for e in entries]
    times.bar_label(bars, labels=notes, padding=2, fontsize="small")
    times.set(ylim=(0, max(ms) * 1.3), ylabel="median time per run (ms)")
    fastest = min((e for e in entries if not e.deadlocked_runs), key=lambda e: e.median_elapsed, default=None)
    title = "Median time per run" if fastest is None else f"Fastest fix here: {_SHORT[fastest.strategy]}"
    times.set_title(title, fontsize="medium")
    for ax in (shares, times):
        ax.tick_params(axis="x", labelrotation=20, labelsize="small")
    return fig


def _time_note(entry: TransferRuns) -> str:
    if entry.deadlocked_runs:
        return "\n(called off)"
    return f"\n{entry.retries:,} retries" if entry.strategy == "retry" else ""


def plot_transfer_throughput(sweep: TransferSweep, ax: Axes | None = None) -> Figure:
    """Completed transfers per second against the thread count, one line per strategy."""
    sweep = require(sweep, TransferSweep, "sweep", " from sweep_transfers")
    fig, ax = target_axes(ax, width=5.4, height=3.8)
    key, values = _strategy_lines(ax, sweep, lambda e: e.median_throughput)
    best = {strategy: sweep.by_strategy(strategy)[-1].median_throughput for strategy in sweep.strategies}
    ax.set(ylabel="completed transfers per second", ylim=(0, None))
    hold = sweep.entries[0].results[0].hold
    work = f"{fmt_seconds(hold)} of I/O in each transfer" if hold else "no I/O in the transfers"
    title = f"Throughput, {work}"
    if len(best) == 2 and "global" in best:
        other = next(s for s in best if s != "global")
        ratio = best[other] / best["global"] if best["global"] else float("inf")
        title = f"{work}: at {values[-1]} {key}, {_SHORT[other]}\nmakes {ratio:.1f}× the transfers of one bank lock"
    ax.set_title(title, fontsize="medium")
    return fig
