"""The counter lab of notebooks 01 and 02."""

from __future__ import annotations

import sys

import ipywidgets as widgets

from synclab._validate import check_bool, check_choice, check_float
from synclab.experiments.counter import RACE_WINDOWS, CounterResult, run_counter
from synclab.plots._style import fmt_seconds
from synclab.plots.counter import counter_headline, plot_counter_run
from synclab.widgets._base import LAB_TIMEOUT, Lab, finding, int_slider, label_style, switch, toggle_buttons

#: Increments per thread the slider offers for each race window: (smallest, largest, step, start).
#: Measured on an idle 2-core machine with benchmarks/bench_labs.py, which keeps every setting under 2 s:
#: * sleep: a sleep between read and write lasts about 65 µs on Linux, and with the lock on the threads
#:   take turns through it: 16 x 400 is about 0.6 s of sleeping (16 x 500 took 2.11 s with the drawing).
#: * call: a switch lands between read and write only in runs of thousands at a short switch interval:
#:   at 5,000 a 0.01 ms interval loses updates in 9 of 10 runs, at 2,000 in 3. 16 x 8,000, lock on, 1 µs
#:   took 1.70-1.78 s, close to the limit on a slow day, hence the 6,000 cap.
#: * none: plain ``+=`` loses nothing at any count; it starts at 2,000 (4 x 5,000 with the lock took
#:   188 ms) and stops at 5,000 (16 x 8,000, lock on, 1 µs took 1.42-1.95 s).
LAB_INCREMENTS = {
    "sleep": (50, 400, 50, 100),
    "call": (1_000, 6_000, 1_000, 5_000),
    "none": (1_000, 5_000, 1_000, 2_000),
}
_SWITCH_INTERVALS = (("5 ms (Python's default)", 0.005), ("0.1 ms", 1e-4), ("0.01 ms", 1e-5), ("1 µs", 1e-6))
_WINDOW_LABELS = (("plain +=", "none"), ("call", "call"), ("sleep", "sleep"))
_WINDOW_TIPS = (
    "counter.value += 1: load, add, store with no switch point in between",
    "value = counter.value; value = add_one(value); counter.value = value",
    "value = counter.value; time.sleep(1e-6); counter.value = value + 1",
)
_WINDOW_NAMES = {"none": "plain +=", "call": "a call between read and write", "sleep": "a sleep between read and write"}


class CounterLab(Lab[CounterResult]):
    """Threads, increments (their range follows the race window, which remembers the value last chosen
    with it), race window, switch interval and a lock switch."""

    draw = staticmethod(plot_counter_run)

    def __init__(
        self, threads: int, increments: int | None, use_lock: bool, race_window: str, switch_interval: float | None
    ) -> None:
        low, high, step, start = LAB_INCREMENTS[check_choice("race_window", race_window, RACE_WINDOWS)]
        self.threads = int_slider("threads", threads, 1, 16)
        increments = start if increments is None else increments
        self.increments = int_slider("increments per thread", increments, low, high, step, name="increments")
        self._chosen = {window: first for window, (*_, first) in LAB_INCREMENTS.items()}
        self._chosen[race_window] = self.increments.value
        self.use_lock = switch(
            check_bool("use_lock", use_lock),
            {"description": "lock on", "icon": "lock"},
            {"description": "lock off", "icon": "unlock"},
            tooltip="Protect each read-modify-write with `with lock:`",
        )
        self.race_window = toggle_buttons(
            "between read and write:", _WINDOW_LABELS, race_window, _WINDOW_TIPS, button_width="6em"
        )
        # Registered before the lab's own observer, so the range is right when the lab re-runs.
        self.race_window.observe(self._follow_window, names="value")
        if switch_interval is None:  # the interpreter's, whatever it is
            switch_interval = sys.getswitchinterval()
        else:
            switch_interval = check_float("switch_interval", switch_interval, 1e-6, 0.1)
        options = list(_SWITCH_INTERVALS)
        if switch_interval not in [v for _, v in options]:
            options.append((fmt_seconds(switch_interval), switch_interval))
        self.switch_interval = widgets.Dropdown(
            options=options, value=switch_interval, description="switch interval", style=label_style()
        )
        super().__init__(
            "Counter lab: how many updates survive?",
            "Move a slider or flip the lock: real threads run again and the plots are redrawn; "
            "'Run again' repeats the same settings. Each race window has its own range of increments: "
            "a sleep lasts tens of microseconds, a call well under one.",
            [self.threads, self.increments, self.use_lock, self.race_window, self.switch_interval],
            threads_control=self.threads,
            lock_control=self.use_lock,
        )

    def _follow_window(self, change: dict[str, object]) -> None:
        self._chosen[str(change["old"])] = self.increments.value
        low, high, step, _ = LAB_INCREMENTS[str(change["new"])]
        with self.quietly(), self.increments.hold_trait_notifications():
            self.increments.max = max(high, self.increments.max)  # widen first, so no bound crosses another
            self.increments.min = low
            self.increments.max = high
            self.increments.step = step
            self.increments.value = self._chosen[str(change["new"])]

    def activity(self) -> str:
        lock = "with the lock" if self.use_lock.value else "no lock"
        return (
            f"running {self.threads.value} threads x {self.increments.value:,} increments, "
            f"{_WINDOW_NAMES[self.race_window.value]}, {lock}"
        )

    def run(self) -> CounterResult:
        settings = (self.threads.value, self.increments.value, self.use_lock.value, self.race_window.value)
        return run_counter(*settings, switch_interval=self.switch_interval.value, timeout=LAB_TIMEOUT)

    def describe(self, result: CounterResult) -> str:
        return (
            f"{finding(counter_headline(result), result.lost == 0)} "
            f"({result.lost_share:.0%} lost) in {fmt_seconds(result.elapsed)}, Python {result.python}"
        )


def counter_lab(
    threads: int = 4,
    increments: int | None = None,
    use_lock: bool = False,
    race_window: str = "sleep",
    switch_interval: float | None = None,
) -> CounterLab:
    """A lab that runs :func:`~synclab.run_counter` whenever a control changes: the counter, the contention
    per thread and the hold-duration histogram.

    ``increments`` must lie in the race window's range (:data:`LAB_INCREMENTS`); ``None`` starts at the
    window's own starting value. ``switch_interval`` (1e-6 to 0.1 s) defaults to the interpreter's.
    """
    return CounterLab(threads, increments, use_lock, race_window, switch_interval)
