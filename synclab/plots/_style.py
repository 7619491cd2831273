"""Shared look for every synclab plot: colours, units and figure creation.

Figures are made with :class:`matplotlib.figure.Figure` directly, never through
pyplot, so nothing is registered globally and a figure is freed as soon as it
is no longer referenced (re-running a plot leaves nothing behind).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from matplotlib.axes import Axes
from matplotlib.figure import Figure

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


def empty_message(ax: Axes, title: str, message: str) -> None:
    """Leave an axes blank apart from a title and a centred message."""
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555", wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def fmt_seconds(seconds: float) -> str:
    """Format a duration with a sensible unit: ``12.3 ms``, ``45 µs``, ``1.2 s``."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"
