"""Which Python Binder builds for this repository, asked of repo2docker itself.

Usage: python tools/binder_python.py

Installs repo2docker's current release from PyPI into a throwaway virtual
environment, runs ``repo2docker --no-build --debug .`` (which prints the build
without needing Docker) and reads the Python it chose. Exit status 1 when that
is not the exact version ``environment.yml`` pins (repo2docker ignores a range
and falls back to its default); a newer Python that this repo2docker release
also supports is reported, not failed, so a new release never breaks CI.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# repo2docker's own rule (buildpacks/conda): the first dependency "python=X.Y..." sets the version.
PIN = re.compile(r"^\s*-\s*python\s*=+\s*([\d.]+)\s*$", re.MULTILINE)
SUPPORTED = (
    "import pathlib, re, repo2docker.buildpacks.conda as c; "
    "print(sorted(re.findall(r'environment.py-(3[.]\\d+)-linux-64.lock', ' '.join("
    "p.name for p in pathlib.Path(c.__file__).parent.iterdir())), key=lambda v: int(v[2:]))[-1])"
)


def main() -> int:
    match = PIN.search((ROOT / "environment.yml").read_text())
    pinned = match.group(1) if match else None
    with tempfile.TemporaryDirectory() as venv:
        python = f"{venv}/bin/python"
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "jupyter-repo2docker"], check=True)
        release = subprocess.run([f"{venv}/bin/repo2docker", "--version"], capture_output=True, text=True).stdout
        build = subprocess.run(
            [f"{venv}/bin/repo2docker", "--no-build", "--debug", str(ROOT)], capture_output=True, text=True
        )
        newest = subprocess.run([python, "-c", SUPPORTED], capture_output=True, text=True, check=True).stdout.strip()
    chosen = re.search(r"Building conda environment for python=([\d.]+)", build.stdout + build.stderr)
    if chosen is None:
        print(build.stdout[-3000:], build.stderr[-3000:], sep="\n")
        print("repo2docker printed no Python version: see its output above")
        return 1
    print(f"repo2docker {release.strip()} builds Binder with Python {chosen.group(1)}; environment.yml pins {pinned}")
    if "Python version unspecified" in build.stdout + build.stderr or chosen.group(1) != pinned:
        print("environment.yml must pin an exact Python ('python=3.X') that repo2docker supports")
        return 1
    if newest != pinned:
        print(f"note: this repo2docker also supports Python {newest}; consider pinning it in environment.yml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
