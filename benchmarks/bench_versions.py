"""What differs between CPython versions, measured: the facts the notebooks rely on.

Usage:
    python benchmarks/bench_versions.py          # this Python: a table with one column
    python benchmarks/bench_versions.py --all    # every CPython 3.10-3.15 tools/matrix.py finds
    python benchmarks/bench_versions.py --json   # this Python, as JSON (what --all collects)

With ``--all``, 3.10-3.13 run in ``.venv-matrix/<version>`` and 3.14 and 3.15
inside the Debian root of ``tools/debian_root.py`` (``make bench-versions``).
Printed, never asserted: counts are runs out of N, times are medians on a
machine that may be busy (the load average is printed with them).
"""

from __future__ import annotations

import dis
import inspect
import json
import os
import platform
import queue
import statistics
import sys
import threading
import time
import timeit
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import synclab

counter = 0
counts: dict[str, int] = {}


def plain(n: int) -> None:
    global counter
    for _ in range(n):
        counter += 1


def dict_get(n: int) -> None:
    for _ in range(n):
        counts["k"] = counts.get("k", 0) + 1


def sleep_zero(n: int) -> None:
    global counter
    for _ in range(n):
        value = counter
        time.sleep(0)
        counter = value + 1


def increment() -> None:
    global counter
    counter += 1
    return  # so the implicit `return None` is not counted as part of the line above


def local() -> int:
    x = 0
    x += 1
    return x


class Page:
    """Notebook 01's page: a hit count behind a property (its getter and setter are calls)."""

    def __init__(self) -> None:
        self._hits = 0

    @property
    def hits(self) -> int:
        return self._hits

    @hits.setter
    def hits(self, value: int) -> None:
        self._hits = value


page = Page()


def visit(n: int) -> None:
    global counter
    for _ in range(n):
        page.hits += 1
    counter += 0  # _lost reads counter; the page's losses are read from page.hits below


class Measurements:
    """Notebook 02's torn-read demo: a count and a total written one after the other."""

    def __init__(self, window: bool) -> None:
        self.count, self.total, self.window = 1, 10, window
        self.lock = threading.Lock()

    def add(self, value: int) -> None:
        with self.lock:
            self.count += 1
            if self.window:
                time.sleep(1e-6)
            self.total += value

    def mean_without_lock(self) -> float:
        return self.total / self.count

    def mean_with_lock(self) -> float:
        with self.lock:
            return self.total / self.count


def _torn(window: bool, locked: bool, adds: int = 200) -> bool:
    """Notebook 02's demo once: did the reader see a mean other than 10?"""
    data, means = Measurements(window), []
    read = Measurements.mean_with_lock if locked else Measurements.mean_without_lock
    reading, done = threading.Event(), threading.Event()

    def writer() -> None:
        reading.wait(timeout=5)
        try:
            for _ in range(adds):
                data.add(10)
                time.sleep(1e-6)
        finally:
            done.set()

    def reader() -> None:
        reading.set()
        while not done.is_set():
            means.append(read(data))
            time.sleep(1e-6)

    pair = [threading.Thread(target=writer, daemon=True), threading.Thread(target=reader, daemon=True)]
    for thread in pair:
        thread.start()
    for thread in pair:
        thread.join(timeout=30)
    return any(mean != 10 for mean in means)


def _condition_with_a_plain_lock() -> str:
    """Notebook 05: notify() from a thread that does not hold a Condition(Lock()), while another does."""
    cond = threading.Condition(threading.Lock())
    held, done = threading.Event(), threading.Event()

    def holder() -> None:
        with cond:
            held.set()
            done.wait(timeout=5)

    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    held.wait(timeout=5)
    try:
        cond.notify()
        outcome = "passes silently"
    except RuntimeError:
        outcome = "raises RuntimeError"
    done.set()
    thread.join(timeout=5)
    return outcome


def _lost(worker: Callable[[int], None], threads: int, n: int) -> int:
    """Start ``threads`` threads running ``worker(n)`` together; the updates they lost."""
    global counter
    counter = 0
    counts.clear()
    gate = threading.Barrier(threads)

    def body() -> None:
        gate.wait(timeout=10)
        worker(n)

    workers = [threading.Thread(target=body, daemon=True) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    if any(thread.is_alive() for thread in workers):
        raise TimeoutError(f"{worker.__name__} did not finish in 120 s")
    return threads * n - counter - counts.get("k", 0)


def _line_opnames(function: Callable[..., object], text: str) -> str:
    """The instruction names of the line of ``function`` that contains ``text``."""
    source, first = inspect.getsourcelines(function)
    line = first + next(i for i, s in enumerate(source) if text in s)
    names, current = [], None
    for ins in dis.get_instructions(function):
        if hasattr(ins, "line_number"):  # 3.13+
            current = ins.line_number
        elif ins.starts_line is not None:
            current = ins.starts_line
        if current == line:
            names.append(ins.opname)
    return " ".join(names)


def _uncontended(primitive: str, loops: int = 100_000) -> str:
    """What ``with primitive: pass`` costs in one thread, best of 7, minus the empty loop."""
    setup = f"import threading; lock = threading.{primitive}"
    best = min(timeit.repeat("with lock: pass", setup, number=loops, repeat=7))
    empty = min(timeit.repeat("pass", number=loops, repeat=7))
    return f"{(best - empty) / loops * 1e9:,.0f} ns"


def measure() -> dict[str, str]:
    """Every fact for the running Python, as short strings."""
    plain_lost = [_lost(plain, 4, 1_000_000) for _ in range(3)]
    dict_lost = [_lost(dict_get, 4, 250_000) for _ in range(20)]
    window = [synclab.run_counter() for _ in range(20)]
    n = window[0].threads
    sleep0 = [_lost(sleep_zero, 2, 1_000) for _ in range(30)]
    sleeps = []
    for _ in range(500):
        started = time.perf_counter()
        time.sleep(1e-6)
        sleeps.append(time.perf_counter() - started)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        short = [_lost(plain, 4, 250_000) for _ in range(20)]
    finally:
        sys.setswitchinterval(interval)
    pages = []
    for _ in range(20):
        page.hits = 0
        _lost(visit, 4, 250_000)
        pages.append(1_000_000 - page.hits)
    torn_plain = sum(_torn(window=False, locked=False) for _ in range(20))
    torn_window = sum(_torn(window=True, locked=False) for _ in range(20))
    torn_locked = sum(_torn(window=True, locked=True) for _ in range(20))
    loops = [synclab.run_dict_iteration().raised for _ in range(20)]
    gil = getattr(sys, "_is_gil_enabled", None)
    losing = [lost for lost in dict_lost if lost]
    return {
        "load average (1 min)": f"{os.getloadavg()[0]:.1f}",
        "plain += (4 x 1,000,000), lost in 3 runs": ", ".join(f"{lost:,}" for lost in plain_lost),
        "counts.get (4 x 250,000): runs losing /20": f"{len(losing)}/20",
        "counts.get: lost per run (min-max)": f"{min(dict_lost) / 1e4:.0f}-{max(dict_lost) / 1e4:.0f} %",
        'run_counter() "sleep": runs losing /20': f"{sum(r.lost > 0 for r in window)}/20",
        f"  ... losing exactly ({n}-1)/{n} /20": f"{sum(r.lost * n == r.expected * (n - 1) for r in window)}/20",
        "plain +=, switch interval 1 µs: runs losing /20": f"{sum(lost > 0 for lost in short)}/20",
        "page.hits += 1 (property): runs losing /20": f"{sum(lost > 0 for lost in pages)}/20",
        "page.hits: lost per run (min-max)": f"{min(pages) / 1e4:.0f}-{max(pages) / 1e4:.0f} %",
        "torn read, no window, no lock: runs torn /20": f"{torn_plain}/20",
        "torn read, sleep window, no lock: runs torn /20": f"{torn_window}/20",
        "torn read, sleep window, lock: runs torn /20": f"{torn_locked}/20",
        "dict loops raising, of 2,000 (min-max, 20 runs)": f"{min(loops)}-{max(loops)}",
        "Condition(Lock()).notify() by a non-holder": _condition_with_a_plain_lock(),
        "sleep(0) window, 2 x 1,000: runs losing /30": f"{sum(lost > 0 for lost in sleep0)}/30",
        "time.sleep(1e-6) lasts (median)": f"{statistics.median(sleeps) * 1e6:.0f} µs",
        "uncontended `with Lock()`": _uncontended("Lock()"),
        "uncontended `with RLock()`": _uncontended("RLock()"),
        "uncontended `with Semaphore()`": _uncontended("Semaphore()"),
        "sys.getswitchinterval()": f"{sys.getswitchinterval() * 1e3:g} ms",
        "queue.Queue.shutdown exists": str(hasattr(queue.Queue, "shutdown")),
        "sys._is_gil_enabled()": str(gil()) if gil else "(absent)",
        "dis: global counter += 1": _line_opnames(increment, "counter += 1"),
        "dis: local x += 1": _line_opnames(local, "x += 1"),
    }


def print_table(columns: dict[str, dict[str, str]]) -> None:
    """A Markdown table: one row per fact, one column per Python; bytecode below it."""
    versions = list(columns)
    facts = [f for f in next(iter(columns.values())) if not f.startswith("dis:")]
    print("| fact | " + " | ".join(versions) + " |")
    print("|---" * (len(versions) + 1) + "|")
    for fact in facts:
        print(f"| {fact} | " + " | ".join(columns[v].get(fact, "?") for v in versions) + " |")
    for fact in [f for f in next(iter(columns.values())) if f.startswith("dis:")]:
        print(f"\n{fact[5:]}:")
        for version in versions:
            print(f"  {version:8} {columns[version].get(fact, '?')}")


def collect_all() -> dict[str, dict[str, str]]:
    """Run this script with ``--json`` on every version tools/matrix.py finds."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import matrix

    columns: dict[str, dict[str, str]] = {}
    with closing(matrix.interpreters(list(matrix.VERSIONS))) as found:
        for version, run, where in found:
            if run is None:
                print(f"-- CPython {version}: {where}", file=sys.stderr)
                continue
            print(f"-- CPython {version}: measuring", file=sys.stderr, flush=True)
            result = run(["benchmarks/bench_versions.py", "--json"])
            if result.returncode != 0:
                print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
                continue
            facts = json.loads(result.stdout)
            columns[facts.pop("python")] = facts
    return columns


def main(argv: list[str]) -> int:
    if "--json" in argv:
        print(json.dumps({"python": platform.python_version(), **measure()}))
        return 0
    columns = collect_all() if "--all" in argv else {platform.python_version(): measure()}
    if not columns:
        return 1
    print(f"CPython facts measured on this machine ({os.cpu_count()} cores); counts are runs out of N\n")
    print_table(columns)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
