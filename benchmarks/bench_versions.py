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
    gil = getattr(sys, "_is_gil_enabled", None)
    losing = [lost for lost in dict_lost if lost]
    return {
        "load average (1 min)": f"{os.getloadavg()[0]:.1f}",
        "plain += (4 x 1,000,000), lost in 3 runs": ", ".join(f"{lost:,}" for lost in plain_lost),
        "counts.get (4 x 250,000): runs losing /20": f"{len(losing)}/20",
        "counts.get: lost per run (min-max)": f"{min(dict_lost) / 1e4:.0f}-{max(dict_lost) / 1e4:.0f} %",
        'run_counter() "sleep": runs losing /20': f"{sum(r.lost > 0 for r in window)}/20",
        f"  ... losing exactly ({n}-1)/{n} /20": f"{sum(r.lost * n == r.expected * (n - 1) for r in window)}/20",
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
