"""Judge every answer of every exercise's answer table many times and print the pass counts.

``make answers`` runs it under ``tools/busy.py``, so both cores are kept busy
by other processes while the checks run, as on a learner's loaded laptop::

    python tools/busy.py -- python tools/answers.py [--runs 10] [EXERCISE ...]

Each wrong answer must fail every run and each accepted variant pass every
run; the exit status is 1 if any does not. The table also shows the median
time one check took, the most threads left running after a check (must be
0), and how many different verdicts the runs gave (must be 1: a message
holds no figure that varies between runs): times measured on this machine,
under that load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from answers import cases, judge  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exercises", nargs="*", help="exercise numbers to judge (default: all)")
    parser.add_argument("--runs", type=int, default=10, help="judgements per answer (default: 10)")
    parser.add_argument("--verbose", action="store_true", help="print each answer's last verdict too")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    chosen = [case for case in cases() if not args.exercises or case[0].EXERCISE in args.exercises]
    if not chosen:
        parser.error(f"no answer table for {', '.join(args.exercises)}")
    header = (
        f"{'exercise':<9}{'answer':<42}{'expected':<9}{'passes':>8}{'median s':>10}{'threads left':>14}"
        f"{'verdicts':>10}  verdict"
    )
    print(header)
    print("-" * len(header))
    bad = 0
    baseline = threading.active_count()
    for module, kind, name in chosen:
        passes, seconds, left = 0, [], 0
        result = None
        verdicts = set()
        for _ in range(args.runs):
            start = time.perf_counter()
            result = judge(module, kind, name)
            seconds.append(time.perf_counter() - start)
            passes += result.passed
            verdicts.add(str(result))
            left = max(left, threading.active_count() - baseline)
        expected = "fail" if kind == "wrong" else "pass"
        right = passes == 0 if kind == "wrong" else passes == args.runs
        good = right and left == 0 and len(verdicts) == 1
        bad += not good
        verdict = "ok" if good else "WRONG VERDICT" if not right else "THREADS LEFT" if left else "MESSAGE VARIES"
        print(
            f"{module.EXERCISE:<9}{name:<42}{expected:<9}{passes:>4}/{args.runs:<3}"
            f"{statistics.median(seconds):>10.2f}{left:>14}{len(verdicts):>10}  {verdict}",
            flush=True,
        )
        if args.verbose:
            print(f"         {result}")
    print(f"\n{len(chosen)} answers, {args.runs} runs each: {'all verdicts right' if not bad else f'{bad} wrong'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
