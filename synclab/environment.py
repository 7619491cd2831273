"""The environment check of notebook 00: is this machine ready for the course?"""

from __future__ import annotations

import html
import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata

__all__ = ["EnvironmentCheck", "EnvironmentReport", "check_environment", "gil_enabled"]

# The CPython versions the course is tested on (`make test-matrix`); newer ones get a note, not a failure.
TESTED_PYTHONS = ((3, 10), (3, 15))
END_OF_LIFE = {(3, 10): "October 2026"}


def gil_enabled() -> bool:
    """Whether this interpreter runs with the GIL (always true before 3.13)."""
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


@dataclass(frozen=True, slots=True)
class EnvironmentCheck:
    """One line of the report."""

    item: str
    found: str
    ok: bool
    fix: str = ""


@dataclass(frozen=True, slots=True, repr=False)
class EnvironmentReport:
    """Every check, in order; ``ok`` when all passed."""

    checks: tuple[EnvironmentCheck, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def __str__(self) -> str:
        lines = [
            f"{'ok ' if c.ok else 'FIX'} {c.item}: {c.found}"
            + (f" {'- note:' if c.ok else '->'} {c.fix}" if c.fix else "")
            for c in self.checks
        ]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'✔' if c.ok else '✘'}</td><td>{html.escape(c.item)}</td><td>{html.escape(c.found)}</td>"
            f"<td>{html.escape(c.fix)}</td></tr>"
            for c in self.checks
        )
        return f"<table><tr><th></th><th>check</th><th>found</th><th>note or what to do</th></tr>{rows}</table>"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _package(item: str, major: int) -> EnvironmentCheck:
    version = _version(item)
    first = (version or "0").split(".")[0]
    ok = first.isdecimal() and int(first) >= major
    fix = "" if ok else "Install the course: 'make lab' (or pip install -e . in this folder)."
    return EnvironmentCheck(item, version or "missing", ok, fix)


def check_python(implementation: str, version: tuple[int, int], full_version: str) -> EnvironmentCheck:
    """The Python line: any CPython from 3.10 runs the course; untested and retired versions get a note."""
    low, high = TESTED_PYTHONS
    tested = f"CPython {low[0]}.{low[1]} to {high[0]}.{high[1]}"
    found = f"{implementation} {full_version}"
    if implementation != "CPython" or version < low:
        return EnvironmentCheck(
            "Python",
            found,
            False,
            f"The course needs CPython {low[0]}.{low[1]} or newer (tested on {tested}): install one, then "
            "run 'make lab', which builds a .venv with python3 (or 'make lab PYTHON=python3.X').",
        )
    if version > high:
        return EnvironmentCheck(
            "Python", found, True, f"newer than the versions the course is tested on ({tested}); it should work."
        )
    if version in END_OF_LIFE:
        return EnvironmentCheck(
            "Python",
            found,
            True,
            f"{version[0]}.{version[1]} reached its end of life in {END_OF_LIFE[version]} and gets no more "
            "security fixes; the course still runs on it, but install a newer Python when you can.",
        )
    return EnvironmentCheck("Python", found, True)


def check_environment() -> EnvironmentReport:
    """Check the Python version and build, and the packages the course needs."""
    gil = gil_enabled()
    frontend_version = _version("jupyterlab_widgets")
    checks = (
        check_python(platform.python_implementation(), sys.version_info[:2], platform.python_version()),
        EnvironmentCheck(
            "GIL",
            "enabled (the usual build)" if gil else "disabled (free-threaded build)",
            True,
            ""
            if gil
            else "Fine, but some results differ: plain += loses updates here too. The course was not "
            "tested on such a build.",
        ),
        EnvironmentCheck("CPU cores", str(os.cpu_count() or 1), True),
        _package("ipywidgets", 8),
        EnvironmentCheck(
            "widgets front end (jupyterlab_widgets)",
            frontend_version or "missing",
            frontend_version is not None,
            "" if frontend_version else "pip install jupyterlab_widgets, then reload the browser tab.",
        ),
        _package("matplotlib", 3),
    )
    return EnvironmentReport(checks)
