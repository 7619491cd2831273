"""Every wrong answer in tests/answers/ fails its exercise's check, every accepted variant passes.

Each module ``tests/answers/ex_N_M.py`` holds ``EXERCISE``, ``ANSWERS`` (the
names passed to ``synclab.check_exercise``), ``WRONG`` and ``RIGHT`` (dicts of
name -> source). Each source runs in a fresh namespace holding ``threading``,
``time``, ``queue`` and ``synclab``, as a notebook cell would.

``make test`` runs each answer once. To prove the tables on a busy machine,
run each answer N times and print passes out of N::

    python tools/busy.py -- .venv/bin/python tests/test_exercise_answers.py --runs 10 [ex_6_1 ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import queue
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import pytest

import synclab

ANSWERS_DIR = Path(__file__).resolve().parent / "answers"


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"answers_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tables(only: list[str] | None = None) -> list[ModuleType]:
    paths = sorted(ANSWERS_DIR.glob("ex_*.py"))
    return [load(p) for p in paths if not only or p.stem in only]


def verdict(table: ModuleType, source: str) -> synclab.CheckResult:
    """Run ``source`` as a notebook cell and check its answers."""
    namespace: dict[str, object] = {"threading": threading, "time": time, "queue": queue, "synclab": synclab}
    exec(compile(source, f"<answer to {table.EXERCISE}>", "exec"), namespace)
    return synclab.check_exercise(table.EXERCISE, *(namespace[name] for name in table.ANSWERS))


def cases() -> list[object]:
    found = []
    for table in tables():
        for kind, answers in (("wrong", table.WRONG), ("right", table.RIGHT)):
            for name, source in answers.items():
                found.append(pytest.param(table, kind, source, id=f"{table.EXERCISE}-{kind}-{name}"))
    return found


def test_every_table_is_complete():
    for table in tables():
        assert table.EXERCISE in synclab.checks.CHECKS, table.__name__
        assert len(table.WRONG) >= 6, f"{table.EXERCISE}: at least 6 wrong answers"
        assert len(table.RIGHT) >= 2 and "reference" in table.RIGHT, f"{table.EXERCISE}: the reference and another"


@pytest.mark.parametrize(("table", "kind", "source"), cases())
def test_wrong_answers_fail_and_right_ones_pass(table, kind, source):
    started = time.monotonic()
    result = verdict(table, source)
    assert isinstance(result, synclab.CheckResult)
    if kind == "wrong":
        assert not result.passed, f"a wrong answer passed: {result}"
        assert result.hint, "a failing check must give a hint"
    else:
        assert result.passed, f"an accepted variant failed: {result}"
    # "about 3 s" per stuck answer: a check gives up on each run in turn, so a wrong answer
    # costs at most a few of those; generous, as the machine may be loaded
    assert time.monotonic() - started < 30


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Run every answer of the tables N times; print passes out of N.")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("tables", nargs="*", help="module names like ex_6_1 (default: all)")
    args = parser.parse_args(argv)
    bad = 0
    for table in tables(args.tables or None):
        print(f"== exercise {table.EXERCISE}: passes out of {args.runs} (wrong answers must show 0, right ones all)")
        for kind, answers in (("wrong", table.WRONG), ("right", table.RIGHT)):
            for name, source in answers.items():
                passes, seconds, messages = 0, [], set()
                for _ in range(args.runs):
                    started = time.monotonic()
                    result = verdict(table, source)
                    seconds.append(time.monotonic() - started)
                    passes += result.passed
                    messages.add(result.message.split(" (run ")[0][:90])
                ok = passes == (args.runs if kind == "right" else 0)
                bad += not ok
                print(
                    f"  {'ok ' if ok else 'BAD'} {kind:5s} {name:40s} {passes:2d}/{args.runs}"
                    f"  max {max(seconds):4.1f} s  threads now {threading.active_count()}"
                )
                if kind == "wrong" or not ok:
                    for message in sorted(messages):
                        print(f"        {message}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
