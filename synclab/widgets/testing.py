"""The catch-rate lab of notebook 10: which techniques make a test catch a cache's race?"""

from __future__ import annotations

import html
import inspect
import platform
from typing import Any

import ipywidgets as widgets
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from synclab._threads.testing import name_of
from synclab._validate import check_bool, check_choice, check_int
from synclab.experiments.testing import RepeatResult, cache_test, repeat_test
from synclab.plots._render import LabCanvas
from synclab.plots._style import LAB_DPI, fmt_seconds, lab_axes
from synclab.plots.testing import plot_test_runs, repeat_headline
from synclab.widgets._base import Lab, finding, int_slider, label_style, switch, toggle_buttons

#: Runs of the test per change of a control.
LAB_RUNS = 20
#: Seconds one run of the test may take before the watchdog stops it.
LAB_TIMEOUT = 5.0
WINDOWS = {"none": 0.0, "1 µs": 1e-6, "1 ms": 1e-3}
SWITCH_INTERVALS = {"5 ms (default)": 0.005, "1 µs": 1e-6}
#: Rounds the test may repeat itself. At 20 (the largest before), 8 threads with the fixed class,
#: a barrier and the 1 ms window took 1.8-2.5 s a change on a shared 2-core machine; 10 take half that.
ROUNDS = (1, 5, 10)
_WINDOW_TIPS = (
    "the fake load() returns at once",
    "the fake load() sleeps 1 µs (about 60 µs on Linux): a short forced window",
    "the fake load() sleeps 1 ms: a wide forced window",
)
_ROUND_TIPS = tuple(f"repeat the whole test {n} time{'s' if n > 1 else ''}, each with a new cache" for n in ROUNDS)


def _toggle(value: bool, on: str, off: str, tooltip: str) -> widgets.ToggleButton:
    width = f"{max(len(on), len(off)) * 0.62 + 2.5:.1f}em"  # wide enough for either label, never cut short
    return switch(value, {"description": on}, {"description": off}, tooltip=tooltip, layout=widgets.Layout(width=width))


class CatchRateLab(Lab[RepeatResult]):
    """The lab :func:`catch_rate_lab` returns: a test of a cache, run against the racy or the fixed class."""

    def __init__(
        self,
        racy: Any,
        fixed: Any,
        threads: int,
        use_fixed: bool,
        barrier: bool,
        window: str,
        switch_interval: str,
        rounds: int,
    ) -> None:
        self.racy = _check_cache_class("racy", racy)
        self.fixed = _check_cache_class("fixed", fixed)
        self.threads = int_slider("threads", threads, 2, 8)
        use_fixed = check_bool("use_fixed", use_fixed)
        on, off = f"testing {name_of(fixed)}", f"testing {name_of(racy)}"
        self.use_fixed = _toggle(use_fixed, on, off, "Switch between the racy class and the fixed one")
        barrier = check_bool("barrier", barrier)
        self.barrier = _toggle(barrier, "barrier on", "barrier off", "Start the threads together behind a Barrier")
        window = check_choice("window", window, WINDOWS)
        self.window = toggle_buttons("window:", list(WINDOWS), window, _WINDOW_TIPS, button_width="4.5em")
        interval = check_choice("switch_interval", switch_interval, SWITCH_INTERVALS)
        self.switch_interval = widgets.Dropdown(
            options=list(SWITCH_INTERVALS), value=interval, description="switch interval", style=label_style()
        )
        self.switch_interval.layout.width = "17em"
        self.rounds = toggle_buttons("rounds:", list(ROUNDS), _check_rounds(rounds), _ROUND_TIPS, button_width="3em")
        super().__init__(
            "Catch-rate lab: how often does the test catch the race?",
            f"Each change runs the test {LAB_RUNS} times with real threads, against the class you pick. Turn the "
            "techniques on one at a time: which ones make it fail on the racy class in every run? Does it still "
            "pass on the fixed class?",
            [self.threads, self.use_fixed, self.barrier, self.window, self.switch_interval, self.rounds],
            threads_control=self.threads,
            lock_control=self.use_fixed,
        )

    def run(self) -> RepeatResult:
        test = cache_test(
            self.threads.value,
            barrier=self.barrier.value,
            window=WINDOWS[self.window.value],
            switch_interval=SWITCH_INTERVALS[self.switch_interval.value],
            rounds=self.rounds.value,
        )
        target = self.fixed if self.use_fixed.value else self.racy
        return repeat_test(test, target, runs=LAB_RUNS, timeout=LAB_TIMEOUT)

    def settings(self) -> str:
        """The test's techniques, in words: ``"4 threads, barrier, window 1 ms, ..."``."""
        barrier, rounds = "barrier" if self.barrier.value else "no barrier", self.rounds.value
        return (
            f"{self.threads.value} threads, {barrier}, window {self.window.value}, "
            f"switch interval {self.switch_interval.value}, {rounds} round{'s' if rounds > 1 else ''}"
        )

    def draw(self, result: RepeatResult, fig: Figure | None) -> Figure:
        # The margins depend on the row labels (the test and the class): laid out for them once.
        fig, (ax,) = lab_axes(fig, ("catch_rate", result.test, result.target), _one_panel, size=(9.0, 2.8))
        plot_test_runs(result, ax=ax)
        ax.set_title(f"{repeat_headline(result)}\n{self.settings()}", fontsize="medium", pad=24)
        engine = fig.get_layout_engine()
        if isinstance(engine, ConstrainedLayoutEngine):
            engine.execute(fig)
            fig.set_layout_engine("none")  # the axes keep the place just found
        return fig

    def describe(self, result: RepeatResult) -> str:
        count, what = (result.passed, "passed") if self.use_fixed.value else (result.failed, "caught the race")
        verdict = f"{what} in {count} of {result.runs} runs on {result.target}"
        extra = f", {result.errors} errors" if result.errors else ""
        extra += f", {result.hung} hung" if result.hung else ""
        return (
            f"{finding(verdict, count == result.runs)}{html.escape(extra)} "
            f"({html.escape(self.settings())}) in {fmt_seconds(sum(result.seconds))}, "
            f"Python {platform.python_version()}"
        )


def _one_panel(fig: Figure) -> list[Axes]:
    """One axes, laid out by constrained layout at the next draw only."""
    if not isinstance(fig.canvas, LabCanvas):
        LabCanvas(fig)  # the layout measures text with the renderer the lab draws with
    fig.set_dpi(LAB_DPI)  # and at the resolution it draws at
    fig.set_layout_engine("constrained")
    return [fig.add_subplot()]


def _check_cache_class(name: str, value: object) -> object:
    """A class (or factory) that takes a ``load`` function and makes something with ``get(key)``."""
    if not callable(value):
        raise TypeError(f"{name} must be a cache class like Cache (called as {name}(load)), got {value!r}")
    try:
        inspect.signature(value).bind(lambda key: key)
    except TypeError:
        raise TypeError(f"{name} must accept one argument, the load function: {name}(load)") from None
    except ValueError:  # no signature to look at (a builtin): let the run tell
        pass
    return value


def _check_rounds(rounds: object) -> int:
    value = check_int("rounds", rounds, 1, max(ROUNDS))
    if value not in ROUNDS:
        raise ValueError(f"rounds must be one of {', '.join(map(str, ROUNDS))}, got {value}")
    return value


def catch_rate_lab(
    racy: Any,
    fixed: Any,
    threads: int = 4,
    use_fixed: bool = False,
    barrier: bool = False,
    window: str = "none",
    switch_interval: str = "5 ms (default)",
    rounds: int = 1,
) -> CatchRateLab:
    """A lab that runs a test of your cache 20 times whenever a control changes.

    The test (see :func:`~synclab.cache_test`) makes a cache (``racy(load)`` or ``fixed(load)``) with a fake
    ``load`` that records each call, lets the threads ask it for one key at once, joins them with a timeout
    and asserts the key was loaded once. Each control switches one technique on or off.
    """
    return CatchRateLab(racy, fixed, threads, use_fixed, barrier, window, switch_interval, rounds)
