"""Plots of notebook 10: how often a test catches a race, livelock round by round, who gets a lock."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from synclab.experiments.testing import LivelockResult, RepeatResult, StarvationResult
from synclab.plots._style import EDGE, GREY, OKABE_ITO, target_axes

#: Colour of each way a run can end.
OUTCOME_COLOURS = {"passed": OKABE_ITO[2], "failed": OKABE_ITO[4], "error": OKABE_ITO[5], "hung": "#000000"}
_STRATEGY_STYLE = {
    "polite": (OKABE_ITO[4], "polite back-off, in lockstep"),
    "random": (OKABE_ITO[0], "random back-off"),
    "ordered": (OKABE_ITO[3], "one lock order"),
}
_LOCK_COLOURS = {"Lock": OKABE_ITO[4], "FIFO": OKABE_ITO[3]}
_LOCK_NAMES = {"Lock": "threading.Lock", "FIFO": "FIFO lock"}


def _sequence(results: object, kind: type, what: str) -> list:
    items = [results] if isinstance(results, kind) else results
    if not isinstance(items, Sequence) or isinstance(items, (str, bytes)) or not items:
        raise TypeError(f"results must be a {what} or a non-empty list of them, got {results!r}")
    for item in items:
        if not isinstance(item, kind):
            raise TypeError(f"results must be {what}s, got {type(item).__name__}")
    return list(items)


def repeat_headline(results: RepeatResult | Sequence[RepeatResult]) -> str:
    """One line per test: ``test_naive: failed in 0 of 100 runs on Cache, 0 of 100 on LockedCache``."""
    items = _sequence(results, RepeatResult, "RepeatResult")
    parts: dict[str, list[str]] = {}  # for each test, a part per target
    for result in items:
        done = parts.setdefault(result.test, [])
        part = f"{result.failed} of {result.runs}{'' if done else ' runs'} on {result.target}"
        extra = [f"{n} {what}" for n, what in ((result.errors, "errors"), (result.hung, "hung")) if n]
        done.append(part + (f" ({', '.join(extra)})" if extra else ""))
    return "\n".join(f"{test}: failed in {', '.join(group)}" for test, group in parts.items())


def _spans(outcomes: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """``{outcome: [(first run, how many runs in a row), ...]}``: one bar per streak, not per run."""
    spans: dict[str, list[tuple[int, int]]] = {}
    start = 0
    for i in range(1, len(outcomes) + 1):
        if i == len(outcomes) or outcomes[i] != outcomes[start]:
            spans.setdefault(outcomes[start], []).append((start, i - start))
            start = i
    return spans


def plot_test_runs(results: RepeatResult | Sequence[RepeatResult], ax: Axes | None = None) -> Figure:
    """Every run of each test (one or several ``repeat_test`` results), a cell per run coloured by its outcome."""
    items = _sequence(results, RepeatResult, "RepeatResult")
    fig, ax = target_axes(ax, width=9.0, height=1.5 + 0.75 * len(items))
    most = max(r.runs for r in items)
    for row, result in enumerate(reversed(items)):
        for outcome, spans in _spans(result.outcomes).items():
            ax.broken_barh(spans, (row - 0.35, 0.7), facecolors=OUTCOME_COLOURS[outcome])
        ax.text(most * 1.01, row, f"failed {result.failed} of {result.runs}", va="center", fontsize="small")
    ax.set_yticks(range(len(items)), [f"{r.test}\non {r.target}" for r in reversed(items)], fontsize="small")
    ticks = [t for t in MaxNLocator(integer=True).tick_values(0, most) if 0 <= t <= most]
    ax.set(xlim=(0, most * 1.2), xticks=ticks, xlabel="run number")
    seen = [o for o in OUTCOME_COLOURS if any(o in r.outcomes for r in items)]
    handles = [Patch(color=OUTCOME_COLOURS[o], label=o) for o in seen]
    key = {"loc": "lower center", "bbox_to_anchor": (0.5, 1.0), "ncol": len(seen), "frameon": False}
    ax.legend(handles=handles, fontsize="small", **key)
    ax.set_title(repeat_headline(items), fontsize="medium", pad=24)
    return fig


def _strategy_phrase(result: LivelockResult) -> str:
    name = _STRATEGY_STYLE[result.strategy][1]
    if result.finished == 2:
        return f"{name}: both done by round {result.rounds}"
    return f"{name}: {result.finished} of 2 done after {result.rounds} rounds ({sum(result.attempts)} attempts)"


def livelock_headline(results: LivelockResult | Sequence[LivelockResult]) -> str:
    """``polite back-off, in lockstep: 0 of 2 done after 100 rounds (200 attempts); ...``."""
    return ";\n".join(_strategy_phrase(r) for r in _sequence(results, LivelockResult, "LivelockResult"))


def plot_livelock(results: LivelockResult | Sequence[LivelockResult], ax: Axes | None = None) -> Figure:
    """Threads that have finished their transfer, round by round, for each back-off strategy."""
    items = _sequence(results, LivelockResult, "LivelockResult")
    fig, ax = target_axes(ax, width=7.0, height=3.8)
    done_rounds = [r.rounds for r in items if r.finished == 2]
    last = max(r.rounds for r in items)
    shown = min(last, max(20, 2 * max(done_rounds, default=0) + 2))
    rounds = np.arange(0, shown + 1)
    for offset, result in enumerate(items):
        colour, name = _STRATEGY_STYLE[result.strategy]
        finished = [result.finished_by(n) for n in rounds]
        played = rounds <= result.rounds
        ys = np.array(finished)[played] + 0.04 * (offset - 1)  # apart, so that equal lines stay visible
        label = f"{name} ({sum(result.attempts)} attempts)"
        ax.step(rounds[played], ys, where="post", color=colour, linewidth=2, label=label)
    ax.set(xlim=(0, shown), ylim=(-0.2, 2.3), yticks=[0, 1, 2], ylabel="threads done (of 2)")
    ax.set_xlabel("round" + (f" (first {shown} of {last} shown)" if shown < last else ""))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(fontsize="small", loc="center right")
    ax.set_title(livelock_headline(items), fontsize="medium")
    return fig


def _percent(share: float) -> str:
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


def starvation_headline(results: StarvationResult | Sequence[StarvationResult]) -> str:
    """``threading.Lock: the polite thread T4 got 0.8% of the turns; FIFO lock: 13%``."""
    first, *rest = _sequence(results, StarvationResult, "StarvationResult")
    polite = f"the polite thread {first.threads[-1]} got {_percent(first.polite_share)} of the turns"
    tail = [f"{_LOCK_NAMES[r.lock]}: {_percent(r.polite_share)}" for r in rest]
    return "; ".join([f"{_LOCK_NAMES[first.lock]}: {polite}", *tail])


def plot_starvation(results: StarvationResult | Sequence[StarvationResult], ax: Axes | None = None) -> Figure:
    """Each thread's share of the lock's turns, one group of bars per thread, one bar per lock."""
    items = _sequence(results, StarvationResult, "StarvationResult")
    fig, ax = target_axes(ax, width=7.0, height=3.8)
    names = list(items[0].threads)
    x = np.arange(len(names))
    width = 0.8 / len(items)
    for k, result in enumerate(items):
        shares = [100 * s for s in result.shares]
        label = f"{_LOCK_NAMES[result.lock]} ({result.total:,} turns in {result.duration:g} s)"
        colour = _LOCK_COLOURS.get(result.lock, GREY)
        bars = ax.bar(x - 0.4 + width * (k + 0.5), shares, width, color=colour, label=label, **EDGE)
        ax.bar_label(bars, labels=[_percent(s) for s in result.shares], padding=2, fontsize="x-small")
    fair = 100 / len(names)
    ax.axhline(fair, color=GREY, linestyle="--", linewidth=1)
    ax.text(len(names) - 0.5, fair, " equal share", va="bottom", ha="right", fontsize="x-small", color="#555555")
    labels = [f"{n}\n(greedy)" for n in names[:-1]] + [f"{names[-1]}\n(polite)"]
    ax.set_xticks(x, labels)
    ax.set(ylabel="share of the lock's turns (%)", ylim=(0, max(100 * max(r.shares) for r in items) * 1.25 + 1))
    ax.legend(fontsize="small", loc="upper left")
    ax.set_title(starvation_headline(items), fontsize="medium")
    return fig
