"""Run the unit tests and nbval under every CPython 3.10-3.13 found here.

Usage: python tools/matrix.py [3.10 3.11 ...]

Each version gets its own environment in ``.venv-matrix/<version>`` (created
or updated), runs ``pytest tests notebooks --nbval`` exactly as ``make test``
does (without the browser test, which ``make test`` runs on the default
Python), then checks the race demos directly: 20 default runs must all lose
updates and 20 locked runs must all be exact. A table of results is printed at
the end; the exit status is 1 if any version failed or none was found.

Interpreters are looked up under ``pyenv root`` and as ``pythonX.Y`` on PATH;
each candidate is run once to make sure it works and is the right version.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.10", "3.11", "3.12", "3.13")
RACE_CHECK = """
import json, synclab
racy = [synclab.run_counter() for _ in range(20)]
locked = [synclab.run_counter(use_lock=True) for _ in range(20)]
print(json.dumps({"losing": sum(r.lost > 0 for r in racy), "exact": sum(r.lost == 0 for r in locked),
                  "share": sum(r.lost_share for r in racy) / 20, "gil": synclab.gil_enabled()}))
"""


def _candidates(version: str) -> list[str]:
    found = []
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=True).stdout.strip()
        builds = [
            p
            for p in Path(root, "versions").glob(f"{version}.*")
            if re.fullmatch(rf"{re.escape(version)}\.\d+", p.name)
        ]
        builds.sort(key=lambda p: int(p.name.rsplit(".", 1)[1]), reverse=True)
        found += [str(b / "bin" / "python3") for b in builds]
    except (OSError, subprocess.CalledProcessError):
        pass
    on_path = shutil.which(f"python{version}")
    if on_path:
        found.append(on_path)
    return found


def find_python(version: str) -> str | None:
    """A working interpreter for ``version``: the newest pyenv build, else pythonX.Y on PATH."""
    for candidate in _candidates(version):
        try:
            probe = subprocess.run(
                [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0 and probe.stdout.strip() == version:
            return candidate
    return None


def run_version(version: str, python: str) -> dict[str, object]:
    venv = ROOT / ".venv-matrix" / version
    bin_dir = venv / "bin"
    if not (bin_dir / "python").exists():
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
    stamp = venv / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        subprocess.run(
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "-e", ".[test]"], cwd=ROOT, check=True
        )
        stamp.touch()
    full = subprocess.run(
        [str(bin_dir / "python"), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    started = time.perf_counter()
    env = dict(os.environ, SYNCLAB_SKIP_BROWSER="1")
    tests = subprocess.run(
        [
            str(bin_dir / "python"),
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests",
            "notebooks",
            "--nbval",
            "--nbval-current-env",
            "--nbval-cell-timeout=60",
            "--nbval-sanitize-with",
            "tests/nbval_sanitize.cfg",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    summary = (tests.stdout.strip().splitlines() or ["(no output)"])[-1].strip("= ")
    race = subprocess.run([str(bin_dir / "python"), "-c", RACE_CHECK], cwd=ROOT, capture_output=True, text=True)
    figures = json.loads(race.stdout) if race.returncode == 0 else {}
    ok = tests.returncode == 0 and figures.get("losing") == 20 and figures.get("exact") == 20
    if tests.returncode != 0:
        print(tests.stdout[-4000:], tests.stderr[-2000:], sep="\n")
    return {"version": full, "ok": ok, "summary": summary, "seconds": seconds, **figures}


def main(argv: list[str]) -> int:
    rows = []
    for version in argv or VERSIONS:
        python = find_python(version)
        if python is None:
            rows.append({"version": version, "ok": None, "summary": "not found on this machine"})
            continue
        print(f"-- CPython {version}: {python}", flush=True)
        rows.append(run_version(version, python))
    print()
    print(f"{'Python':8} {'result':6} {'race demo lost updates':>22} {'lock exact':>10} {'time':>6}  tests")
    for row in rows:
        if row["ok"] is None:
            print(f"{row['version']:8} {'-':6} {'':>22} {'':>10} {'':>6}  {row['summary']}")
            continue
        losing = f"{row.get('losing', '?')}/20 runs ({row.get('share', 0):.0%})"
        exact = f"{row.get('exact', '?')}/20"
        verdict = "PASS" if row["ok"] else "FAIL"
        print(f"{row['version']:8} {verdict:6} {losing:>22} {exact:>10} {row['seconds']:5.0f}s  {row['summary']}")
    tested = [row for row in rows if row["ok"] is not None]
    return 0 if tested and all(row["ok"] for row in tested) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
