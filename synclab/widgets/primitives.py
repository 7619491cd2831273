"""The pool lab of notebook 08: a semaphore's limit against the number of threads."""

from __future__ import annotations

import ipywidgets as widgets

from synclab._validate import check_bool, check_choice
from synclab.experiments.primitives import GUARDS, PoolResult, run_pool
from synclab.plots._style import fmt_seconds
from synclab.plots.primitives import plot_pool, pool_headline
from synclab.widgets._base import LAB_TIMEOUT, Lab, finding, int_slider, toggle_buttons

#: Uses per thread and seconds per use in the lab. 3 ms rather than 5 ms keeps a re-run well under 300 ms, and every
#: effect still shows on every run (measured 100/100 runs each: the limit reached, exceeded without a semaphore,
#: limit + 1 with the extra release); see benchmarks/bench_primitives.py.
LAB_USES = 4
LAB_HOLD = 0.003
_GUARD_TIPS = (
    "threading.Semaphore(limit): acquire() waits while limit threads hold a permit",
    "threading.BoundedSemaphore(limit): the same, and release() raises ValueError above the limit",
    "no semaphore: every thread uses the pool whenever it likes",
)


class PoolLab(Lab[PoolResult]):
    """Limit, threads, what guards the pool, and a planted bug: the first use releases its permit twice."""

    draw = staticmethod(plot_pool)

    def __init__(self, limit: int, threads: int, guard: str, extra_release: bool) -> None:
        self.limit = int_slider("limit (permits)", limit, 1, 8, name="limit")
        self.threads = int_slider("threads", threads, 1, 16)
        guard = check_choice("guard", guard, GUARDS)
        self.guard = toggle_buttons("pool guarded by:", list(GUARDS), guard, _GUARD_TIPS, button_width="12em")
        bug = check_bool("extra_release", extra_release)
        self.extra_release = widgets.Checkbox(value=bug, description="bug: the first use releases twice", indent=False)
        widgets.dlink((self.guard, "value"), (self.extra_release, "disabled"), lambda guard: guard == "none")
        super().__init__(
            "Pool lab: how many threads are in the pool at once?",
            f"Each thread uses the pool {LAB_USES} times for {fmt_seconds(LAB_HOLD)}. Move the limit or the "
            "number of threads, take the semaphore away, or plant the extra-release bug: the bottom plot "
            "counts the threads really inside, measured on every change.",
            # sliders and the bug switch on the first row, the three guards next to "Run again"
            [self.limit, self.threads, self.extra_release, self.guard],
            threads_control=self.threads,
            lock_control=self.extra_release,
        )

    def run(self) -> PoolResult:
        guard = self.guard.value
        bug = self.extra_release.value and guard != "none"  # the switch is off without a semaphore
        return run_pool(self.threads.value, self.limit.value, LAB_USES, LAB_HOLD, guard, bug, timeout=LAB_TIMEOUT)

    def activity(self) -> str:
        guard = "no semaphore" if self.guard.value == "none" else f"{self.guard.value}({self.limit.value})"
        return f"running {self.threads.value} threads x {LAB_USES} uses of the pool, {guard}"

    def describe(self, result: PoolResult) -> str:
        permits = ""
        if result.permits_after is not None:
            permits = f"; permits left afterwards: {result.permits_after} (started with {result.limit})"
        return (
            f"{finding(pool_headline(result), not result.exceeded)}"
            f"{permits}. {result.total_uses} uses in {fmt_seconds(result.elapsed)}."
        )


def pool_lab(limit: int = 3, threads: int = 8, guard: str = "Semaphore", extra_release: bool = False) -> PoolLab:
    """A lab that runs :func:`~synclab.run_pool` whenever a control changes: each thread's uses of the pool
    on a timeline and, below, the number of threads inside the pool over time against the limit."""
    return PoolLab(limit, threads, guard, extra_release)
