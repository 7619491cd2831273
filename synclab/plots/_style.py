"""Shared look of every synclab plot: colours, units and figure creation (with :class:`~matplotlib.figure.Figure`,
never pyplot, so nothing is registered globally and a figure is freed once nothing refers to it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from matplotlib import rc_context, rcParams
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import AutoLocator, MaxNLocator, NullFormatter, NullLocator, ScalarFormatter

#: The Okabe-Ito palette, safe for the common kinds of colour blindness.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
#: Colour for "expected" reference marks.
GREY = "#999999"
RED, GREEN = OKABE_ITO[4], OKABE_ITO[2]
#: The thin black outline of bars.
EDGE = {"edgecolor": "black", "linewidth": 0.5}
#: Resolution of the labs' figures: matplotlib's default (100) made them wider than a notebook column,
#: which the browser then scaled down; figures shown outside a lab keep the default.
LAB_DPI = 80


def require(value: object, kind: type, name: str, source: str = "") -> Any:
    """``value`` if it is a ``kind``, else a TypeError: ``result must be a BufferResult{source}, got str``."""
    if not isinstance(value, kind):
        article = "an" if kind.__name__[0] in "AEIOU" else "a"
        raise TypeError(f"{name} must be {article} {kind.__name__}{source}, got {type(value).__name__}")
    return value


def thread_colour(thread: str | int) -> str:
    """Fixed colour for a thread, by its number counted from 1 (``"T3"`` and ``3`` agree)."""
    if isinstance(thread, str):
        match = re.search(r"(\d+)$", thread)
        number = int(match.group(1)) if match else sum(map(ord, thread))
    else:
        number = int(thread)
    return OKABE_ITO[(number - 1) % len(OKABE_ITO)]


def thread_order(names: Iterable[str]) -> list[str]:
    """Sort thread names naturally: T2 before T10."""

    def key(name: str) -> tuple[str, int]:
        match = re.search(r"(\d+)$", name)
        return (name[: match.start()] if match else name, int(match.group(1)) if match else -1)

    return sorted(set(names), key=key)


def new_figure(
    ncols: int = 1, *, width: float = 5.0, height: float = 3.6, fig: Figure | None = None
) -> tuple[Figure, list[Axes]]:
    """``ncols`` side-by-side axes on ``fig`` cleared, or on a new figure laid out without overlaps."""
    if fig is None:
        fig = Figure(figsize=(width * ncols, height), layout="constrained")
    else:
        fig.clear()
    return fig, [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]


def lab_axes(
    fig: Figure | None, key: Hashable, build: Callable[[Figure], Sequence[Axes]], *, size: tuple[float, float]
) -> tuple[Figure, list[Axes]]:
    """The axes of a figure a lab redraws on every run: kept from the last run (cleared with
    :func:`clear_data`), or built anew by ``build`` when ``fig`` is new or was built for another ``key``.
    Making and laying out axes is most of the cost of a new figure (constrained layout doubled a redraw)."""
    kept = getattr(fig, "_synclab_layout", None)  # None for no figure
    if kept is not None and kept[0] == key and kept[1] == fig.axes:
        for ax in kept[1]:
            clear_data(ax)
        return fig, list(kept[1])
    fig = blank_figure(fig, size)
    # New axes put their titles just above them, without measuring every tick label on every draw
    # (the labs' axes have no ticks on top).
    with rc_context({"axes.titley": 1.0}):
        axes = list(build(fig))
    fig._synclab_layout = (key, list(fig.axes))  # type: ignore[attr-defined]
    return fig, axes


def clear_data(ax: Axes) -> None:
    """Remove what was drawn on ``ax`` and reset what a plot may have set, but keep the tick objects
    (``ax.clear()`` rebuilt them: a quarter of a lab re-run). A reused figure must draw exactly what a new
    one would. Tick label rotation and size are not reset: functions that change them set them every call."""
    for artist in (*ax.patches, *ax.lines, *ax.collections, *ax.texts, *ax.images, *ax.artists):
        artist.remove()
    ax.containers.clear()
    if ax.legend_ is not None:
        ax.legend_.remove()
    for loc in ("left", "center", "right"):
        ax.set_title("", loc=loc)
    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() != "linear":
            (ax.set_xscale if axis is ax.xaxis else ax.set_yscale)("linear")
        axis.set_label_text("", fontsize=rcParams["axes.labelsize"])
        axis.set_major_locator(AutoLocator())
        axis.set_major_formatter(ScalarFormatter())
        axis.set_minor_locator(NullLocator())
        axis.set_minor_formatter(NullFormatter())
        if axis.get_inverted():
            axis.set_inverted(False)
    ax.set_axis_on()
    ax.set_aspect("auto")
    ax.margins(x=rcParams["axes.xmargin"], y=rcParams["axes.ymargin"])
    ax.relim()
    ax.set_autoscale_on(True)


def target_axes(ax: Axes | None, *, width: float = 5.0, height: float = 3.6) -> tuple[Figure, Axes]:
    """Use ``ax`` if given (matplotlib's helper convention), else a new figure."""
    if ax is None:
        fig, (ax,) = new_figure(1, width=width, height=height)
        return fig, ax
    figure = ax.get_figure()
    assert isinstance(figure, Figure)
    return figure, ax


def blank_figure(fig: Figure | None, size: tuple[float, float]) -> Figure:
    """``fig`` cleared, or a new figure of ``size`` inches without a layout engine."""
    if fig is None:
        return Figure(figsize=size)
    fig.clear()
    return fig


def few_ticks(axis: Axis, *, integer: bool = False, steps: Sequence[float] | None = None) -> None:
    """At most four round ticks on ``axis``: every tick label costs time each time a lab redraws."""
    axis.set_major_locator(MaxNLocator(3, integer=integer, steps=steps, min_n_ticks=2))


def timeline_rows(ax: Axes, names: Sequence[str]) -> dict[str, int]:
    """One row per thread, top to bottom; returns each name's row."""
    ax.set_yticks(range(len(names)), names)
    ax.set(ylim=(len(names) - 0.4, -0.6), ylabel="thread")  # the first row on top
    return {name: i for i, name in enumerate(names)}


def timeline_bars(
    ax: Axes, spans: Sequence[tuple[float, float, int]], colours: Sequence[str], half_height: float = 0.4, **style: Any
) -> None:
    """Bars from start to stop on their rows, all in one collection (far cheaper to draw than one per bar)."""
    if spans:
        h = half_height
        corners = [[(a, row - h), (b, row - h), (b, row + h), (a, row + h)] for a, b, row in spans]
        ax.add_collection(PolyCollection(corners, facecolors=colours, **style))


def wait_hold_bars(
    ax: Axes, events: Sequence[Any], row: dict[str, int], origin: float, hold: dict[str, Any], holding: str, **key: Any
) -> None:
    """Each thread's waits (pale) and holds on its row, in ms since ``origin``, and a key to them."""
    waits = [e for e in events if e.wait > 0]
    for spans, a, b, style in (
        (waits, "requested", "acquired", {"edgecolors": "none", "alpha": 0.25}),
        (events, "acquired", "released", hold),
    ):
        bars = [((getattr(e, a) - origin) * 1e3, (getattr(e, b) - origin) * 1e3, row[e.thread]) for e in spans]
        timeline_bars(ax, bars, [thread_colour(e.thread) for e in spans], **style)
    handles = [Patch(color="#555555", label=holding), Patch(color="#555555", alpha=0.25, label="waiting")]
    ax.legend(handles=handles, fontsize="small", **key)


def limit_line(ax: Axes, value: float, label: str, *, right: bool = False) -> None:
    """A dashed line at ``value`` (a capacity), labelled at the left (or right) end."""
    ax.axhline(value, color=GREY, linestyle="--", linewidth=1)
    x, dx, ha = (1, -4, "right") if right else (0, 4, "left")
    note = {"textcoords": "offset points", "ha": ha, "color": "#555555", "fontsize": "small"}
    ax.annotate(label, (x, value), xycoords=("axes fraction", "data"), xytext=(dx, 3), **note)


def key_text(ax: Axes, text: str, y: float, va: str) -> None:
    """A key in one line of grey text across the axes: cheaper to draw than a legend in a lab."""
    ax.text(0.5, y, text, transform=ax.transAxes, ha="center", va=va, fontsize="x-small", color="#555555")


def empty_message(ax: Axes, title: str, message: str) -> None:
    """Leave an axes blank apart from a title and a centred message."""
    ax.set(title=title, xticks=[], yticks=[])
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")


def plural(n: int, word: str) -> str:
    """``1 thread``, ``4 threads``."""
    return f"{n} {word}{'s' if n != 1 else ''}"


def fmt_seconds(seconds: float) -> str:
    """Format a duration with a sensible unit: ``12.3 ms``, ``45 µs``, ``1.2 s``."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
