"""Plots of the bank-account experiment (notebook 03)."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synclab.experiments.bank import BankResult, BankSweep
from synclab.plots._style import (
    EDGE,
    GREY,
    OKABE_ITO,
    RED,
    few_ticks,
    fmt_seconds,
    lab_axes,
    new_figure,
    plural,
    require,
    target_axes,
)
from synclab.plots.locks import plot_contention, plot_hold_histogram, plot_lock_timeline, visible_holds

#: How each style is named in titles and legends, and where the question is the balance.
STYLE_LABELS = {
    "short": "slow work outside the lock",
    "long": "slow work inside the lock",
    "check_outside": "balance checked outside the lock",
}
#: Fixed colour per style.
STYLE_COLOURS = {"short": OKABE_ITO[2], "long": OKABE_ITO[4], "check_outside": OKABE_ITO[5]}
_SHORT = {"short": "outside", "long": "inside", "check_outside": "check outside"}


def bank_headline(result: BankResult) -> str:
    """One line stating what a run found: ``4 threads, slow work inside the lock: 888 withdrawals/s``."""
    head = f"{plural(result.threads, 'thread')}, {STYLE_LABELS[result.style]}"
    if result.overdrawn:
        return f"{head}: balance overdrawn to {result.closing:,}"
    if result.refused:
        return f"{head}: {result.approved:,} approved, {result.refused:,} refused, balance {result.closing:,}"
    return f"{head}: {result.throughput:,.0f} withdrawals/s"


def plot_throughput(result: BankResult, ax: Axes | None = None) -> Figure:
    """Withdrawals per second, between ``1 / work`` (taking turns) and ``threads / work`` (all at once)."""
    fig, ax = target_axes(ax)
    bar = ax.bar([0], [result.throughput], color=STYLE_COLOURS[result.style], width=0.5, **EDGE)
    ax.set_xticks([0], ["measured"])
    ax.bar_label(bar, labels=[f"{result.throughput:,.0f}/s"], padding=2)
    top = result.throughput
    if result.work > 0:
        all_at_once = result.threads / result.work
        ax.axhline(1 / result.work, color=GREY, linestyle=":", label="one at a time: 1 / work")
        if result.threads > 1:
            ax.axhline(all_at_once, color=GREY, linestyle="--", label="all at once: threads / work")
        top = max(top, all_at_once)
        ax.legend(loc="upper center", fontsize="x-small", framealpha=0.9)
        ax.set_title(f"{result.throughput * result.work:.1f} slow checks running at a time")
    else:
        ax.set_title(f"{result.throughput:,.0f} withdrawals/s (no slow work)")
    ax.set(ylim=(0, top * 1.6 if top > 0 else 1), xlim=(-0.8, 0.8), ylabel="withdrawals per second")
    few_ticks(ax.yaxis)
    return fig


def plot_balance(result: BankResult, ax: Axes | None = None) -> Figure:
    """The balance after each approved withdrawal, over the run."""
    fig, ax = target_axes(ax)
    times = [0.0] + [t * 1e3 for t, _ in result.history]
    balances = [result.opening] + [b for _, b in result.history]
    end = max(result.elapsed * 1e3, times[-1])
    times.append(end)
    balances.append(balances[-1])
    ax.step(times, balances, where="post", color=STYLE_COLOURS[result.style], linewidth=2, label="balance")
    ax.axhline(0, color="black", linewidth=0.8)
    low = min(balances)
    if low < 0:
        below = [b < 0 for b in balances]
        ax.fill_between(times, balances, 0, where=below, step="post", color=RED, alpha=0.3, label="overdrawn")
        ax.legend(loc="upper right", fontsize="small")
    span = max(result.opening, 1)
    ylim = (min(low, 0) - 0.1 * span, result.opening + 0.1 * span)
    ax.set(ylim=ylim, xlim=(0, end * 1.04), xlabel="time since the start (ms)", ylabel="balance (€)")
    affordable = result.opening // result.amount
    verdict = f"overdrawn to {result.closing:,}" if result.overdrawn else f"ends at {result.closing:,}, never below 0"
    checked = STYLE_LABELS["check_outside"] if result.style == "check_outside" else "balance checked inside the lock"
    ax.set_title(f"{checked}:\n{verdict}; {result.approved:,} approved, {affordable:,} affordable")
    return fig


def plot_bank(result: BankResult, fig: Figure | None = None) -> Figure:
    """Throughput, contention per thread and hold durations, above a lock timeline (``fig``: redraw it)."""
    fig, (throughput_ax, contention_ax, hold_ax, timeline_ax) = lab_axes(fig, "bank", _bank_panels, size=(12.0, 6.4))
    plot_throughput(result, throughput_ax)
    plot_contention(result.lock, contention_ax)
    plot_hold_histogram(result.lock, hold_ax)
    hold_ax.xaxis.label.set_fontsize("small")  # the shared label is wider than this panel
    plot_lock_timeline(result.lock, timeline_ax)
    visible_holds(timeline_ax)
    fig.suptitle(bank_headline(result), fontweight="bold")
    return fig


def _bank_panels(fig: Figure) -> list[Axes]:
    grid = fig.add_gridspec(2, 3, height_ratios=(1.25, 1.0), width_ratios=(0.8, 1.0, 1.0))
    grid.update(left=0.07, right=0.99, top=0.83, bottom=0.09, wspace=0.34, hspace=0.62)
    return [fig.add_subplot(grid[0, i]) for i in range(3)] + [fig.add_subplot(grid[1, :])]


def plot_bank_sweep(sweep: BankSweep, fig: Figure | None = None) -> Figure:
    """Throughput, mean wait and mean hold per withdrawal against the threads (or the slow work) the sweep varied."""
    require(sweep, BankSweep, "sweep", " from sweep_bank()")
    fig, axes = new_figure(3, width=4.6, height=3.8, fig=fig)
    threads = sorted({r.threads for r in sweep.results})
    if len(threads) > 1 or len({r.work for r in sweep.results}) == 1:
        key, label, xs = "threads", "threads", [float(n) for n in threads]
    else:
        key, label, xs = "work", "slow work per withdrawal (ms)", sorted({r.work * 1e3 for r in sweep.results})

    def x_of(r: BankResult) -> float:
        return float(r.threads) if key == "threads" else r.work * 1e3

    lines = (
        (axes[0], "throughput (withdrawals per second)", lambda r: r.throughput),
        (axes[1], "mean wait for the lock per withdrawal (ms)", lambda r: r.lock.mean_wait * 1e3),
        (axes[2], "mean time the lock was held (ms)", lambda r: r.lock.mean_hold * 1e3),
    )
    for ax, ylabel, value in lines:
        for style in sweep.styles:
            runs = sorted(sweep.of_style(style), key=x_of)
            points = [x_of(r) for r in runs], [value(r) for r in runs]
            ax.plot(*points, "-o", color=STYLE_COLOURS[style], label=STYLE_LABELS[style])
        ax.set(xlabel=label, ylabel=ylabel, ylim=(0, None))
        if key == "threads":
            ax.set_xticks(xs)
    axes[0].legend(fontsize="small")
    last = {style: max(sweep.of_style(style), key=x_of) for style in sweep.styles}
    first = {style: min(sweep.of_style(style), key=x_of) for style in sweep.styles}
    at = f"{int(xs[-1])} threads" if key == "threads" else f"{xs[-1]:g} ms of work"
    if key == "threads":
        gains = ", ".join(f"{_SHORT[s]} {last[s].throughput / first[s].throughput:.1f}x" for s in sweep.styles)
        axes[0].set_title(f"Throughput with {int(xs[-1])} threads\nagainst {int(xs[0])}: {gains}")
    elif {"short", "long"} <= set(sweep.styles):
        n = last["long"].threads
        ratios = [
            f"{short.throughput / long.throughput:.1f}x at {short.work * 1e3:g} ms"
            for short, long in ((first["short"], first["long"]), (last["short"], last["long"]))
        ]
        axes[0].set_title(f"{plural(n, 'thread')}, outside the lock against inside:\n{', '.join(ratios)}")
    else:
        axes[0].set_title(f"Throughput as the slow work grows\nfrom {xs[0]:g} to {xs[-1]:g} ms")
    for ax, what in ((axes[1], "wait"), (axes[2], "hold")):
        values = ", ".join(f"{_SHORT[s]} {fmt_seconds(getattr(last[s].lock, f'mean_{what}'))}" for s in sweep.styles)
        ax.set_title(f"Mean {what} at {at}:\n{values}")
    return fig
