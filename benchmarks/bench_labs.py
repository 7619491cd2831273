"""Every lab's re-run, idle and with both cores busy, and the slowest corner of its controls.

Usage: python benchmarks/bench_labs.py [--runs N] [--no-corners] [--only counter,bank,...]

For every lab (counter, bank, reentrant, buffer, pool, pipeline, transfers,
catch-rate, and the scheduler lab's click and the widgets check's button), in
every state of its switches, it prints the median and worst wall time of a re-run (experiment,
drawing, PNG and widget updates, as a learner waits for them) on an idle
machine and while ``tools/busy.py`` keeps every core busy (the benchmark starts
and stops that load itself). Beside them: where the time goes (the experiment,
building the plot, rendering it, encoding the PNG) and, for each lab, the
slowest setting of its controls. Targets (issue 14): re-run median at most
150 ms idle and 300 ms loaded; no setting over 2 s idle.

Two reference figures are printed with each phase so that readings from
different days (or machines) can be compared: an uncontended
``with threading.Lock()`` in ns and a fixed pure-Python loop in ms. Printed,
never asserted. It runs against whatever ``synclab`` is importable, so an older
checkout can be measured side by side: ``PYTHONPATH=/path/to/old python
benchmarks/bench_labs.py``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import sys
import threading
import time
import timeit
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _measure import peak_memory_mb, verdict  # noqa: E402
from busy import busy_cores  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

import synclab  # noqa: E402
from synclab.widgets._base import figure_output  # noqa: E402
from synclab.widgets.testing import ROUNDS as CATCH_ROUNDS  # noqa: E402

IDLE_TARGET_MS, LOADED_TARGET_MS, CORNER_LIMIT_S = 150, 300, 2.0


# -- reference figures ---------------------------------------------------------


def reference() -> str:
    """``with threading.Lock()`` (best of 7 x 100,000) and a fixed pure-Python loop (best of 5)."""
    lock = threading.Lock()

    def with_lock() -> None:
        for _ in range(100_000):
            with lock:
                pass

    def loop() -> int:
        total = 0
        for i in range(1_000_000):
            total += i
        return total

    lock_ns = min(timeit.repeat(with_lock, number=1, repeat=7)) / 100_000 * 1e9
    loop_ms = min(timeit.repeat(loop, number=1, repeat=5)) * 1e3
    return f"`with threading.Lock()` {lock_ns:.0f} ns; pure-Python loop of 1,000,000 additions {loop_ms:.0f} ms"


# -- setting controls --------------------------------------------------------------


@contextmanager
def quiet(lab: Any) -> Iterator[None]:
    """Change a lab's controls without each change re-running it."""
    for control in lab.controls:
        control.unobserve(lab._on_change, names="value")
    try:
        yield
    finally:
        for control in lab.controls:
            control.observe(lab._on_change, names="value")


def _resolve(control: Any, value: Any) -> Any:
    if value == "min":
        return control.min
    if value == "max":
        return control.max
    return value


def set_controls(lab: Any, settings: dict[str, Any]) -> None:
    with quiet(lab):
        for name, value in settings.items():
            control = getattr(lab, name)
            control.value = _resolve(control, value)


def describe_settings(lab: Any, settings: dict[str, Any]) -> str:
    parts = []
    for name, value in settings.items():
        shown = _resolve(getattr(lab, name), value)
        parts.append(f"{name}={shown:g}" if isinstance(shown, float) else f"{name}={shown}")
    return ", ".join(parts)


# -- the labs, their switch states and their corners ---------------------------------


class Cache:
    """Notebook 10's cache, with its race: check, load, store (the catch-rate lab's racy class)."""

    def __init__(self, load: Callable[[Any], Any]) -> None:
        self._load = load
        self._values: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        if key not in self._values:
            self._values[key] = self._load(key)
        return self._values[key]


class LockedCache(Cache):
    """Notebook 10's fix: the check and the store under one lock."""

    def __init__(self, load: Callable[[Any], Any]) -> None:
        super().__init__(load)
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            return super().get(key)


def _caught(result: Any) -> str:
    """What a catch-rate run showed: ``"RacyCache failed every run"``."""
    if result.failed == result.runs:
        how = "failed every run"
    elif result.passed == result.runs:
        how = "passed every run"
    else:
        how = "failed some runs"
    return f"{result.target} {how}"


LABS: dict[str, dict[str, Any]] = {
    "counter": {
        "make": lambda: synclab.counter_lab(),
        "shows": lambda r: "updates lost" if r.lost else "exact",
        "states": [
            {"use_lock": lock, "race_window": window}
            for lock, window in itertools.product((False, True), ("sleep", "call", "none"))
        ],
        "corners": [
            {  # the window first: the increments slider's range follows it
                "race_window": window,
                "threads": "max",
                "increments": "max",
                "use_lock": lock,
                "switch_interval": interval,
            }
            for lock, window, interval in itertools.product((True, False), ("sleep", "call", "none"), (0.005, 1e-6))
        ],
    },
    "bank": {
        "make": lambda: synclab.bank_lab(),
        "shows": lambda r: "threads waited" if r.lock.contended else "nobody waited",
        "states": [{"work_inside": True}, {"work_inside": False}],
        "corners": [{"threads": "max", "work": "max", "work_inside": inside} for inside in (True, False)],
    },
    "reentrant": {
        "make": lambda: synclab.reentrant_lab(),
        "shows": lambda r: "every thread stuck" if len(r.stuck) == r.threads else ("exact" if r.exact else "NOT exact"),
        "states": [{"design": design} for design in ("Lock", "RLock", "helper")],
        "corners": [
            {"threads": "max", "batch_size": "max", "design": design} for design in ("Lock", "RLock", "helper")
        ],
    },
    "buffer": {
        "make": lambda: synclab.buffer_lab(),
        "shows": lambda r: (
            "full, producers waited longer"
            if r.producer_wait > r.consumer_wait and r.max_length == r.capacity
            else "other"
        ),
        "states": [{}],
        "corners": [
            {"producers": p, "consumers": c, "capacity": cap, "produce_rate": pr, "consume_rate": cr}
            for p, c, cap, pr, cr in (
                (1, 1, "min", "min", "min"),
                ("max", 1, "min", "max", "min"),
                (1, "max", "min", "min", "max"),
                ("max", "max", "max", "max", "max"),
                (1, 1, "max", "max", "min"),
            )
        ],
    },
    "transfers": {
        "make": lambda: synclab.transfer_lab(),
        "shows": lambda r: "deadlocks" if r.deadlocked_runs else "no deadlock",
        "states": [
            {"ordered": ordered, "window": window}
            for ordered, window in itertools.product((False, True), ("sleep", "none"))
        ],
        "corners": [
            {"accounts": accounts, "threads": "max", "transfers": "max", "ordered": ordered, "window": window}
            for accounts, ordered, window in itertools.product(("min", "max"), (False, True), ("sleep", "none"))
        ],
    },
    "pipeline": {
        "make": lambda: synclab.pipeline_lab(),
        "shows": lambda r: "each item once" if r.delivered_once else "items lost or doubled",
        "states": [{"channel": channel} for channel in ("Queue", "list")],
        "corners": [
            {"stages": stages, "workers": workers, "channel": channel}
            for stages, workers, channel in itertools.product(("min", "max"), ("min", "max"), ("Queue", "list"))
        ],
    },
    "catch_rate": {
        "make": lambda: synclab.catch_rate_lab(Cache, LockedCache),
        "shows": _caught,
        "states": [
            {"use_fixed": fixed, "barrier": barrier, "window": window, "switch_interval": interval}
            for fixed, barrier, window, interval in itertools.product(
                (False, True), (False, True), ("none", "1 µs", "1 ms"), ("5 ms (default)", "1 µs")
            )
        ],
        "corners": [
            {
                "threads": "max",
                "rounds": max(CATCH_ROUNDS),
                "use_fixed": fixed,
                "barrier": barrier,
                "window": window,
                "switch_interval": interval,
            }
            for fixed, barrier, window, interval in itertools.product(
                (False, True), (False, True), ("none", "1 µs", "1 ms"), ("5 ms (default)", "1 µs")
            )
        ],
    },
    "pool": {
        "make": lambda: synclab.pool_lab(),
        "shows": lambda r: "limit exceeded" if r.exceeded else "limit kept",
        "states": [
            {"guard": "Semaphore", "extra_release": False},
            {"guard": "Semaphore", "extra_release": True},
            {"guard": "BoundedSemaphore", "extra_release": False},
            {"guard": "BoundedSemaphore", "extra_release": True},
            {"guard": "none", "extra_release": False},
        ],
        "corners": [
            {"limit": limit, "threads": "max", "guard": guard, "extra_release": extra}
            for limit, guard, extra in itertools.product(
                ("min", "max"), ("Semaphore", "BoundedSemaphore", "none"), (False, True)
            )
        ],
    },
}


def _ms(seconds: Sequence[float]) -> tuple[float, float]:
    return statistics.median(seconds) * 1e3, max(seconds) * 1e3


def rerun_times(lab: Any, runs: int, shows: Callable[[Any], str]) -> tuple[list[float], str]:
    """Wall times of ``runs`` re-runs, and what the runs showed (``"updates lost 9/9"``)."""
    times, seen = [], Counter()
    for _ in range(runs):
        started = time.perf_counter()
        result = lab.rerun()
        times.append(time.perf_counter() - started)
        seen["refused or timed out" if result is None else shows(result)] += 1
    return times, ", ".join(f"{what} {count}/{runs}" for what, count in seen.most_common())


def split(lab: Any, runs: int) -> dict[str, float]:
    """Median ms of each part of a re-run: the experiment, building the plot, rendering, PNG encoding."""
    experiment, drawing, render, output = [], [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        result = lab.run()
        experiment.append(time.perf_counter() - started)
        started = time.perf_counter()
        figure = lab.draw(result, lab.figure)
        drawing.append(time.perf_counter() - started)
        canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
        started = time.perf_counter()
        canvas.draw()
        render.append(time.perf_counter() - started)
        started = time.perf_counter()
        figure_output(figure, "alt")
        output.append(time.perf_counter() - started)
        lab.figure = figure
    parts = {
        "experiment": statistics.median(experiment) * 1e3,
        "drawing": statistics.median(drawing) * 1e3,
        "render": statistics.median(render) * 1e3,
    }
    # figure_output renders and encodes; what it takes beyond a render is the PNG encoding.
    parts["png"] = max(0.0, statistics.median(output) * 1e3 - parts["render"])
    return parts


def measure_states(labs: dict[str, Any], names: Sequence[str], runs: int, *, with_split: bool) -> dict:
    figures: dict[tuple[str, int], dict[str, Any]] = {}
    for name in names:
        lab = labs[name]
        for index, state in enumerate(LABS[name]["states"]):
            set_controls(lab, state)
            lab.rerun()  # warm up this state (first draw of a new layout)
            times, shown = rerun_times(lab, runs, LABS[name]["shows"])
            median, worst = _ms(times)
            entry: dict[str, Any] = {
                "median": median,
                "worst": worst,
                "state": describe_settings(lab, state),
                "shown": shown,
            }
            if with_split:
                entry["split"] = split(lab, max(3, runs // 2))
            figures[(name, index)] = entry
    return figures


def measure_corners(labs: dict[str, Any], names: Sequence[str]) -> dict[str, tuple[float, str, int, int]]:
    slowest: dict[str, tuple[float, str, int, int]] = {}
    for name in names:
        lab = labs[name]
        worst = (0.0, "", 0, 0)
        over = 0
        corners = LABS[name]["corners"]
        for corner in corners:
            set_controls(lab, corner)
            started = time.perf_counter()
            lab.rerun()
            seconds = time.perf_counter() - started
            over += seconds > CORNER_LIMIT_S
            if seconds > worst[0]:
                worst = (seconds, describe_settings(lab, corner), 0, 0)
        slowest[name] = (worst[0], worst[1], over, len(corners))
        set_controls(lab, LABS[name]["states"][0])
    return slowest


def click_labs(runs: int) -> list[str]:
    """The scheduler lab's step/undo and the widgets check's button: one click each, median and worst."""
    lines = []
    from synclab.scheduler import CHALLENGES, explore

    for key in CHALLENGES:
        lab = synclab.scheduler_lab(key)
        schedule = explore(lab.run.scenario).bad_endings[0].example
        steps, undos = [], []
        for _ in range(max(1, runs // len(schedule) + 1)):
            lab.reset()
            for thread in schedule:
                started = time.perf_counter()
                lab.step(thread)
                steps.append(time.perf_counter() - started)
            for _ in schedule:
                started = time.perf_counter()
                lab.undo()
                undos.append(time.perf_counter() - started)
        picks = []
        for other in CHALLENGES:
            started = time.perf_counter()
            lab.picker.value = other
            picks.append(time.perf_counter() - started)
        (sm, sw), (um, uw), (pm, pw) = _ms(steps), _ms(undos), _ms(picks)
        lines.append(
            f"  scheduler {key!r:23} step {sm:5.1f} ms (worst {sw:4.1f}), undo {um:5.1f} ms (worst {uw:4.1f}), "
            f"new challenge {pm:5.1f} ms (worst {pw:4.1f})"
        )
    box = synclab.widgets_check()
    button = box.children[0]
    clicks = []
    for _ in range(runs):
        started = time.perf_counter()
        button.click()
        clicks.append(time.perf_counter() - started)
    median, worst = _ms(clicks)
    lines.append(f"  widgets_check button click: {median:.2f} ms (worst {worst:.2f} ms); it runs no experiment")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="re-runs per lab state and phase (default 9)")
    parser.add_argument("--no-corners", action="store_true", help="skip the slowest-setting search")
    parser.add_argument("--only", default="", help="comma-separated lab names (default: all)")
    args = parser.parse_args(argv)
    names = [n for n in LABS if not args.only or n in args.only.split(",")]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"== bench_labs on Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {load}; synclab from {Path(synclab.__file__).parent} =="
    )
    baseline = threading.active_count()
    labs = {name: LABS[name]["make"]() for name in names}
    print("idle   reference:", reference())
    idle = measure_states(labs, names, args.runs, with_split=True)
    with busy_cores() as count:
        time.sleep(2.0)  # let the spinners start (spawned processes take a while on a busy machine)
        print(f"loaded reference ({count} spinning processes):", reference())
        loaded = measure_states(labs, names, args.runs, with_split=False)
    print(
        f"re-run of each lab at its defaults, every switch state, {args.runs} runs each "
        f"(targets: median <= {IDLE_TARGET_MS} ms idle, <= {LOADED_TARGET_MS} ms loaded)"
    )
    width = max(len(entry["state"]) for entry in idle.values())
    print(
        f"  {'lab':10} {'state':{width}} {'idle median/worst':>19} {'loaded median/worst':>21}   "
        "split (idle): experiment + drawing + render + PNG"
    )
    worst_idle = worst_loaded = 0.0
    for key, entry in idle.items():
        name = key[0]
        other = loaded[key]
        parts = entry["split"]
        worst_idle = max(worst_idle, entry["median"])
        worst_loaded = max(worst_loaded, other["median"])
        print(
            f"  {name:10} {entry['state']:{width}} {entry['median']:7.0f} /{entry['worst']:6.0f} ms "
            f"{other['median']:9.0f} /{other['worst']:6.0f} ms   "
            f"{parts['experiment']:5.0f} + {parts['drawing']:4.0f} + {parts['render']:4.0f} + {parts['png']:4.0f} ms"
        )
        print(f"  {'':10} {'':{width}} showed: {entry['shown']} (idle), {other['shown']} (loaded)")
    print(
        f"  slowest median: idle {verdict(worst_idle, IDLE_TARGET_MS, 'ms')}, "
        f"loaded {verdict(worst_loaded, LOADED_TARGET_MS, 'ms')}"
    )
    for line in click_labs(max(20, args.runs)):
        print(line)
    if not args.no_corners:
        print(f"slowest corner of each lab's controls, idle, one re-run each (target: none over {CORNER_LIMIT_S:g} s)")
        for name, (seconds, settings, over, tried) in measure_corners(labs, names).items():
            print(f"  {name:10} {seconds:6.2f} s  at {settings}  ({over} of {tried} corners over {CORNER_LIMIT_S:g} s)")
        if "counter" in labs:
            lab = labs["counter"]
            set_controls(lab, {"race_window": "sleep", "threads": "max", "increments": "max", "use_lock": True})
            peak = peak_memory_mb(lab.rerun)
            print(f"  counter lab at its largest sleep setting, lock on: peak Python memory of a re-run {peak:.1f} MB")
    print("threads back to baseline:", threading.active_count() == baseline)


if __name__ == "__main__":
    main()
