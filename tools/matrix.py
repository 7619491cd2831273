"""Run the unit tests and nbval under every CPython 3.10-3.15.

Usage: python tools/matrix.py [3.10 3.11 ...]

CPython 3.10-3.13 are looked up under ``pyenv root`` and as ``pythonX.Y`` on
PATH (each candidate is run once to make sure it works and is the right
version); each gets its own environment in ``.venv-matrix/<version>`` (created
or updated). CPython 3.14 and 3.15 are Debian unstable's builds, run inside the
root that ``tools/debian_root.py`` builds and caches, on a copy of the working
tree.

Each version runs ``pytest tests notebooks --nbval`` exactly as ``make test``
does (without the browser test, which ``make test`` runs on the default
Python), then checks the race demos directly: 20 default runs must all lose
updates and 20 locked runs must all be exact. A table of results is printed at
the end; the exit status is 1 if any version failed (a Debian root that cannot
be built is a failure, with the reason) or none was found.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import debian_root

ROOT = Path(__file__).resolve().parent.parent
PYENV_VERSIONS = ("3.10", "3.11", "3.12", "3.13")
VERSIONS = (*PYENV_VERSIONS, *debian_root.VERSIONS)
RACE_CHECK = """
import json, synclab
racy = [synclab.run_counter() for _ in range(20)]
locked = [synclab.run_counter(use_lock=True) for _ in range(20)]
print(json.dumps({"losing": sum(r.lost > 0 for r in racy), "exact": sum(r.lost == 0 for r in locked),
                  "share": sum(r.lost_share for r in racy) / 20, "gil": synclab.gil_enabled()}))
"""

#: Runs ``python ARGS`` of one version in the project folder (or its copy in the root); output captured.
Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


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


def host_runner(version: str, python: str) -> Runner:
    """A runner for ``.venv-matrix/<version>``, created from ``python`` and updated when pyproject.toml changes."""
    venv = ROOT / ".venv-matrix" / version
    venv_python = str(venv / "bin" / "python")
    if not Path(venv_python).exists():
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
    stamp = venv / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        subprocess.run([venv_python, "-m", "pip", "install", "--quiet", "-e", ".[test]"], cwd=ROOT, check=True)
        stamp.touch()
    env = dict(os.environ, SYNCLAB_SKIP_BROWSER="1")
    return lambda args: subprocess.run([venv_python, *args], cwd=ROOT, env=env, capture_output=True, text=True)


def _root_runner(root: Path, python: str) -> Runner:
    return lambda args: debian_root.run(root, [python, *args], capture_output=True)


def interpreters(versions: list[str]) -> Iterator[tuple[str, Runner | None, str]]:
    """``(version, runner, where)`` for each version; ``runner`` is None when ``where`` says why there is none.

    The Debian root (for 3.14 and 3.15) is built if needed, mounted while
    those versions run, and always unmounted when the generator is closed.
    """
    with contextlib.ExitStack() as stack:
        root = None
        for version in versions:
            if version not in debian_root.VERSIONS:
                python = find_python(version)
                yield (version, host_runner(version, python), python) if python else (version, None, "not found")
                continue
            try:
                if root is None:
                    root = stack.enter_context(debian_root.session())
                python = debian_root.venv_python(root, version)
            except debian_root.RootError as error:
                yield version, None, f"Debian root: {error}"
                continue
            yield version, _root_runner(root, python), "Debian unstable root"


def check_version(run: Runner) -> dict[str, object]:
    """Run the tests and the race check with ``run``; the row of the table."""
    full = run(["-c", "import platform; print(platform.python_version())"]).stdout.strip()
    started = time.perf_counter()
    tests = run(debian_root.TEST_ARGS)
    seconds = time.perf_counter() - started
    summary = (tests.stdout.strip().splitlines() or ["(no output)"])[-1].strip("= ")
    race = run(["-c", RACE_CHECK])
    figures = json.loads(race.stdout) if race.returncode == 0 else {}
    ok = tests.returncode == 0 and figures.get("losing") == 20 and figures.get("exact") == 20
    if tests.returncode != 0:
        print(tests.stdout[-4000:], tests.stderr[-2000:], sep="\n")
    if race.returncode != 0:
        print(race.stdout[-2000:], race.stderr[-2000:], sep="\n")
    return {"version": full, "ok": ok, "summary": summary, "seconds": seconds, **figures}


def main(argv: list[str]) -> int:
    rows = []
    with contextlib.closing(interpreters(argv or list(VERSIONS))) as found:
        for version, run, where in found:
            if run is None:
                failed = where.startswith("Debian root")  # the root was asked for and could not be had
                rows.append({"version": version, "ok": False if failed else None, "summary": where})
                continue
            print(f"-- CPython {version}: {where}", flush=True)
            rows.append(check_version(run))
    print()
    print(f"{'Python':8} {'result':6} {'race demo lost updates':>22} {'lock exact':>10} {'time':>6}  tests")
    for row in rows:
        if "seconds" not in row:
            verdict = "-" if row["ok"] is None else "FAIL"
            print(f"{row['version']:8} {verdict:6} {'':>22} {'':>10} {'':>6}  {row['summary']}")
            continue
        losing = f"{row.get('losing', '?')}/20 runs ({row.get('share', 0):.0%})"
        exact = f"{row.get('exact', '?')}/20"
        verdict = "PASS" if row["ok"] else "FAIL"
        print(f"{row['version']:8} {verdict:6} {losing:>22} {exact:>10} {row['seconds']:5.0f}s  {row['summary']}")
    tested = [row for row in rows if row["ok"] is not None]
    return 0 if tested and all(row["ok"] for row in tested) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
