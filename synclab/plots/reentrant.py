"""Plots of the reentrant-lock measurements (notebook 04)."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from synclab.experiments.reentrant import LockCosts
from synclab.plots._style import OKABE_ITO, target_axes

__all__ = ["plot_lock_costs"]


def plot_lock_costs(costs: LockCosts, ax: Axes | None = None) -> Figure:
    """Nanoseconds per operation against nesting depth, for both designs.

    Args:
        costs: A :func:`~synclab.measure_lock_costs` result.
        ax: Axes to draw into; a new figure is made if omitted.

    Returns:
        The figure drawn into.

    Raises:
        TypeError: ``costs`` is not a :class:`~synclab.LockCosts`.
    """
    if not isinstance(costs, LockCosts):
        raise TypeError(f"costs must be a LockCosts from measure_lock_costs(), got {type(costs).__name__}")
    fig, ax = target_axes(ax, width=6.0, height=4.0)
    depths = list(costs.depths)
    ax.plot(depths, costs.rlock, "-o", color=OKABE_ITO[4], label="RLock taken at every level")
    ax.plot(depths, costs.helper, "-s", color=OKABE_ITO[2], label="Lock taken once, unlocked helpers below")
    ax.set_xlabel("nesting depth (calls per operation)")
    ax.set_xticks(depths)
    ax.set_ylabel("time per operation (ns)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small")
    deepest = depths[-1]
    title = f"Depth {deepest}: RLock {costs.rlock[-1]:,.0f} ns, Lock + helpers {costs.helper[-1]:,.0f} ns"
    if len(depths) > 1:
        title += f"\nthe RLock design costs about {costs.extra_per_level:,.0f} ns more per extra level"
    ax.set_title(title)
    return fig
