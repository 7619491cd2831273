"""Plots of the reentrant-lock measurements (notebook 04)."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synclab.experiments.reentrant import SELF_DEADLOCK_TIMEOUT, LedgerResult, LockCosts
from synclab.plots._style import (
    GREY,
    OKABE_ITO,
    few_ticks,
    fmt_seconds,
    lab_axes,
    plural,
    require,
    target_axes,
    thread_colour,
)
from synclab.plots.locks import plot_hold_histogram, plot_lock_timeline, thread_bars, visible_holds

#: How each design is named in titles and controls.
DESIGN_LABELS = {"Lock": "Lock, re-entered", "RLock": "RLock", "helper": "Lock + unlocked helper"}


def plot_lock_costs(costs: LockCosts, ax: Axes | None = None) -> Figure:
    """Nanoseconds per operation against nesting depth, for both designs."""
    require(costs, LockCosts, "costs", " from measure_lock_costs()")
    fig, ax = target_axes(ax, width=6.0, height=4.0)
    depths = list(costs.depths)
    ax.plot(depths, costs.rlock, "-o", color=OKABE_ITO[4], label="RLock taken at every level")
    ax.plot(depths, costs.helper, "-s", color=OKABE_ITO[2], label="Lock taken once, unlocked helpers below")
    ax.set(xlabel="nesting depth (calls per operation)", xticks=depths)
    ax.set(ylabel="time per operation (ns)", ylim=(0, None))
    ax.legend(fontsize="small")
    title = f"Depth {depths[-1]}: RLock {costs.rlock[-1]:,.0f} ns, Lock + helpers {costs.helper[-1]:,.0f} ns"
    if len(depths) > 1:
        title += f"\nthe RLock design costs about {costs.extra_per_level:,.0f} ns more per extra level"
    ax.set_title(title)
    return fig


def _calls(result: LedgerResult) -> str:
    per_batch = result.calls_per_batch
    calls = f"{per_batch:g} acquire() call{'s' if per_batch != 1 else ''} per batch"
    return calls + (f", RLock count up to {result.max_count}" if result.design == "RLock" else "")


def ledger_headline(result: LedgerResult) -> str:
    """One line: ``RLock: 160 of 160 entries, total exact; 5 acquire() calls per batch, RLock count up to 2``,
    or, for the re-entered Lock, how many threads waited for themselves."""
    require(result, LedgerResult, "result", " from run_ledger()")
    label = DESIGN_LABELS[result.design]
    entries = f"{result.entries:,} of {result.expected_entries:,} entries"
    if result.stuck:
        stuck = len(result.stuck)
        who = "every thread" if stuck == result.threads else plural(stuck, "thread")
        gave_up = f"gave up after {fmt_seconds(SELF_DEADLOCK_TIMEOUT)}"
        return f"{label}: {who} waited for itself ({gave_up}); {entries} recorded"
    verdict = "total exact" if result.exact else f"total {result.total:,}, expected {result.expected_total:,}"
    return f"{label}: {entries}, {verdict}; {_calls(result)}"


def plot_ledger_entries(result: LedgerResult, ax: Axes | None = None) -> Figure:
    """Entries each thread recorded, against the entries it set out to record."""
    require(result, LedgerResult, "result", " from run_ledger()")
    fig, ax = target_axes(ax)
    names = [f"T{i}" for i in range(1, result.threads + 1)]
    wanted = result.batches * result.batch_size
    ax.bar(range(result.threads), wanted, color="none", edgecolor=GREY, linestyle="--", label="to record")
    thread_bars(ax, names, result.per_thread, [thread_colour(n) for n in names], label="recorded")
    for name in result.stuck:
        ax.annotate("stuck", (names.index(name), 0), ha="center", va="bottom", fontsize="small", color=OKABE_ITO[4])
    ax.set(ylim=(0, wanted * 1.25), xlabel="thread", ylabel="ledger entries recorded")
    few_ticks(ax.yaxis, integer=True)
    ax.legend(loc="upper right", fontsize="small", ncols=2)
    title = f"{result.entries:,} of {result.expected_entries:,} entries recorded"
    ax.set_title(title + (f"\n{len(result.stuck)} thread(s) stuck" if result.stuck else f"\n{_calls(result)}"))
    return fig


def plot_ledger(result: LedgerResult, fig: Figure | None = None) -> Figure:
    """Entries per thread and hold durations, above a timeline of who holds the ledger's lock."""
    require(result, LedgerResult, "result", " from run_ledger()")
    fig, (entries_ax, hold_ax, timeline_ax) = lab_axes(fig, "ledger", _ledger_panels, size=(11.0, 6.4))
    plot_ledger_entries(result, entries_ax)
    # Its second line (calls per batch, or who was stuck) is in the headline above: fewer glyphs to draw.
    entries_ax.set_title(entries_ax.get_title().split("\n")[0])
    plot_hold_histogram(result.lock, hold_ax)
    plot_lock_timeline(result.lock, timeline_ax)
    visible_holds(timeline_ax)
    fig.suptitle(ledger_headline(result), fontweight="bold")
    return fig


def _ledger_panels(fig: Figure) -> list[Axes]:
    grid = fig.add_gridspec(
        2, 2, height_ratios=(1.2, 1.0), left=0.07, right=0.99, top=0.85, bottom=0.09, wspace=0.25, hspace=0.6
    )
    return [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])]
