"""How long the whole course takes under strict nbval, and which notebook is slowest.

Runs ``pytest --nbval`` once over all notebooks (as ``make test`` does) and
reads each cell's duration from pytest's JUnit report to total them per
notebook. Printed, never asserted. Target: whole course under 60 s on a 2-core
machine; each notebook under 10 s.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _measure import verdict

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "nbval.xml"
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "notebooks",
                "--nbval",
                "--nbval-current-env",
                "--nbval-cell-timeout=60",
                "--nbval-sanitize-with",
                "tests/nbval_sanitize.cfg",
                f"--junitxml={report}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=dict(os.environ),
        )
        wall = time.perf_counter() - started
        per_notebook: dict[str, float] = defaultdict(float)
        for case in ET.parse(report).getroot().iter("testcase"):
            found = re.search(r"\d\d-[\w-]+\.ipynb", f"{case.get('classname', '')} {case.get('file', '')}")
            per_notebook[found.group(0) if found else "?"] += float(case.get("time", 0))
    print(f"== bench_course: strict nbval over {len(per_notebook)} notebooks, one run, {os.cpu_count()} cores ==")
    print("  outcome:", result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "(none)")
    print("  whole course (pytest wall time, kernel starts included):", verdict(wall, 60, "s"))
    for name, seconds in sorted(per_notebook.items(), key=lambda item: -item[1]):
        print(f"    {name:45s} {seconds:5.1f} s")
    slowest, seconds = max(per_notebook.items(), key=lambda item: item[1])
    print(f"  slowest notebook: {slowest}", verdict(seconds, 10, "s"), "(cells only)")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
