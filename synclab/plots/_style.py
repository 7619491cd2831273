"""Shared look for every synclab plot: colours, units and figure creation.

Figures are made with :class:`matplotlib.figure.Figure` directly, never through
pyplot, so nothing is registered globally and a figure is freed as soon as it
is no longer referenced (re-running a plot leaves nothing behind).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

from matplotlib import rc_context, rcParams
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import AutoLocator, MaxNLocator, NullFormatter, NullLocator, ScalarFormatter

#: The Okabe-Ito palette, safe for the common kinds of colour blindness.
OKABE_ITO = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Colour for "expected" reference marks.
GREY = "#999999"
#: Resolution at which the labs render their figures, in dots per inch (a lab
#: sets it on its figure). Matplotlib's default (100) made the lab images wider
#: than a notebook column, which the browser then scaled down; figures shown
#: outside a lab keep the default.
LAB_DPI = 80


def thread_colour(thread: str | int) -> str:
    """Fixed colour for a thread, by its number (``"T3"`` and ``3`` agree).

    Args:
        thread: A thread name ending in a number (``"T1"``, ``"producer-2"``) or
            the number itself, counted from 1.

    Returns:
        A hex colour from :data:`OKABE_ITO`; thread 1 is orange, 2 sky blue...
    """
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


def new_figure(ncols: int = 1, *, width: float = 5.0, height: float = 3.6) -> tuple[Figure, list[Axes]]:
    """A new figure with ``ncols`` side-by-side axes, laid out without overlaps."""
    fig = Figure(figsize=(width * ncols, height), layout="constrained")
    axes = [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]
    return fig, axes


def reuse_figure(
    fig: Figure | None, ncols: int = 1, *, width: float = 5.0, height: float = 3.6
) -> tuple[Figure, list[Axes]]:
    """``fig`` cleared and given ``ncols`` side-by-side axes (a lab redraws into one figure), or a new figure.

    Args:
        fig: The figure to clear and reuse; a new one as :func:`new_figure` makes if omitted.
        ncols: How many axes, side by side.
        width: Inches per axes of a new figure.
        height: Height in inches of a new figure.

    Returns:
        The figure and its axes, left to right.
    """
    if fig is None:
        return new_figure(ncols, width=width, height=height)
    fig.clear()
    return fig, [fig.add_subplot(1, ncols, i + 1) for i in range(ncols)]


def lab_axes(
    fig: Figure | None,
    key: Hashable,
    build: Callable[[Figure], Sequence[Axes]],
    *,
    size: tuple[float, float],
) -> tuple[Figure, list[Axes]]:
    """The axes of a figure a lab redraws on every run: kept from the last run, or built anew.

    Making axes (with their ticks) and laying them out is most of the cost of
    building a figure, so a figure this function built before keeps its axes:
    only what was drawn on them is removed (:func:`clear_data`), and the
    caller draws the new run into them. Layouts use fixed margins instead of
    constrained layout, which doubled the time a redraw took, and titles at a
    fixed height (:func:`fixed_titles`).

    Args:
        fig: The lab's figure from the last run, or ``None`` for a new one.
        key: What decides the layout (``"counter"``, or a tuple with a row
            count): a figure built for another key is cleared and built again.
        build: Makes the axes in a cleared figure, in the order they are returned.
        size: Width and height, in inches, of a new figure (at matplotlib's
            default resolution; a lab sets its own, :data:`LAB_DPI`).

    Returns:
        The figure and its axes, cleared of any data.
    """
    kept = getattr(fig, "_synclab_layout", None) if fig is not None else None
    if fig is not None and kept is not None and kept[0] == key and kept[1] == fig.axes:
        for ax in kept[1]:
            clear_data(ax)
        return fig, list(kept[1])
    if fig is None:
        fig = Figure(figsize=size)
    else:
        fig.clear()
    with fixed_titles():
        axes = list(build(fig))
    fig._synclab_layout = (key, list(fig.axes))  # type: ignore[attr-defined]
    return fig, axes


def fixed_titles() -> Any:
    """Inside this block, new axes put their titles just above the axes, without measuring first.

    Matplotlib otherwise works out on every draw whether tick labels or an
    axis's offset text stand above the axes (measuring every tick label of
    the y axis), and lifts the title over them. The labs' axes have no ticks
    on top, so the title stays where it is, and a redraw is quicker.
    """
    return rc_context({"axes.titley": 1.0})


def clear_data(ax: Axes) -> None:
    """Remove what was drawn on ``ax`` but keep the axes and their tick objects.

    ``ax.clear()`` throws the tick objects away and drawing builds them anew,
    which took about a quarter of a lab re-run. Everything a drawing function
    may have set for the last run goes back to matplotlib's defaults (titles,
    labels, scales, locators, limits, inversion), so nothing carries over: the
    drawing functions set again whatever they need, and a reused figure draws
    exactly what a new one would (the tests compare the PNGs). Tick label
    rotation and size are not reset (that took a third of the time): functions
    that change them set them on every call.
    """
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
    if ax.xaxis_inverted():
        ax.invert_xaxis()
    if ax.yaxis_inverted():
        ax.invert_yaxis()
    ax.set_axis_on()
    ax.set_aspect("auto")
    ax.margins(x=rcParams["axes.xmargin"], y=rcParams["axes.ymargin"])
    ax.relim()
    ax.set_autoscale_on(True)


def target_axes(ax: Axes | None, *, width: float = 5.0, height: float = 3.6) -> tuple[Figure, Axes]:
    """Use ``ax`` if given (matplotlib's helper convention), else a new figure."""
    if ax is not None:
        figure = ax.get_figure()
        assert isinstance(figure, Figure)
        return figure, ax
    fig, (new_ax,) = new_figure(1, width=width, height=height)
    return fig, new_ax


def empty_axes(ax: Axes) -> None:
    """Remove what was drawn on ``ax`` but keep its ticks (a lab redrawing into kept axes).

    ``ax.clear()`` throws the tick objects away and drawing builds them anew,
    which took about a quarter of a lab re-run; every setting the plots make
    (scale, limits, labels, tick positions) is made again on each redraw.
    """
    for artist in (*ax.patches, *ax.lines, *ax.collections, *ax.texts):
        artist.remove()
    ax.containers.clear()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.relim()
    ax.set_autoscale_on(True)


def few_ticks(axis: Axis, *, integer: bool = False, steps: Sequence[float] | None = None) -> None:
    """At most four round ticks on ``axis``: every tick label costs time each time a lab redraws."""
    axis.set_major_locator(MaxNLocator(3, integer=integer, steps=steps, min_n_ticks=2))


def timeline_bar(start: float, stop: float, row: int, half_height: float = 0.4) -> list[tuple[float, float]]:
    """Corners of a timeline bar from ``start`` to ``stop`` on row ``row``, for a ``PolyCollection``."""
    return [
        (start, row - half_height),
        (stop, row - half_height),
        (stop, row + half_height),
        (start, row + half_height),
    ]


def empty_message(ax: Axes, title: str, message: str) -> None:
    """Leave an axes blank apart from a title and a centred message."""
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def fmt_seconds(seconds: float) -> str:
    """Format a duration with a sensible unit: ``12.3 ms``, ``45 µs``, ``1.2 s``."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
