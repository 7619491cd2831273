"""The environment check of notebook 00: is this machine ready for the course?"""

from __future__ import annotations

import html
import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata

__all__ = ["EnvironmentCheck", "EnvironmentReport", "check_environment", "gil_enabled"]

SUPPORTED_PYTHONS = ((3, 10), (3, 13))


def gil_enabled() -> bool:
    """Whether this interpreter runs with the GIL (always true before 3.13)."""
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


@dataclass(frozen=True, slots=True)
class EnvironmentCheck:
    """One line of the report.

    Attributes:
        item: What was checked.
        found: What this machine has.
        ok: Whether that is fine for the course.
        fix: What to do when it is not (empty when ok).
    """

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
            f"{'ok ' if c.ok else 'FIX'} {c.item}: {c.found}" + (f" -> {c.fix}" if c.fix else "") for c in self.checks
        ]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'✔' if c.ok else '✘'}</td><td>{html.escape(c.item)}</td><td>{html.escape(c.found)}</td>"
            f"<td>{html.escape(c.fix)}</td></tr>"
            for c in self.checks
        )
        return f"<table><tr><th></th><th>check</th><th>found</th><th>what to do</th></tr>{rows}</table>"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _major(version: str | None) -> int:
    try:
        return int((version or "0").split(".")[0])
    except ValueError:
        return 0


def check_environment() -> EnvironmentReport:
    """Check the Python version and build, and the packages the course needs.

    Returns:
        An :class:`EnvironmentReport`; each failed line says how to fix it.
    """
    low, high = SUPPORTED_PYTHONS
    version = sys.version_info[:2]
    python_ok = platform.python_implementation() == "CPython" and low <= version <= high
    gil = gil_enabled()
    widgets_version = _version("ipywidgets")
    frontend_version = _version("jupyterlab_widgets")
    mpl_version = _version("matplotlib")
    checks = (
        EnvironmentCheck(
            "Python",
            f"{platform.python_implementation()} {platform.python_version()}",
            python_ok,
            ""
            if python_ok
            else "The course is tested on CPython 3.10 to 3.13: run 'make lab', which builds a .venv "
            "with python3, or pick a supported interpreter.",
        ),
        EnvironmentCheck(
            "GIL",
            "enabled (the usual build)" if gil else "disabled (free-threaded build)",
            True,
            "" if gil else "Fine, but some results differ: plain += loses updates here too. The notebooks say where.",
        ),
        EnvironmentCheck("CPU cores", str(os.cpu_count() or 1), True),
        EnvironmentCheck(
            "ipywidgets",
            widgets_version or "missing",
            _major(widgets_version) >= 8,
            ""
            if _major(widgets_version) >= 8
            else "Install the course: 'make lab' (or pip install -e . in this folder).",
        ),
        EnvironmentCheck(
            "widgets front end (jupyterlab_widgets)",
            frontend_version or "missing",
            frontend_version is not None,
            "" if frontend_version else "pip install jupyterlab_widgets, then reload the browser tab.",
        ),
        EnvironmentCheck(
            "matplotlib",
            mpl_version or "missing",
            _major(mpl_version) >= 3,
            "" if _major(mpl_version) >= 3 else "Install the course: 'make lab' (or pip install -e . in this folder).",
        ),
    )
    return EnvironmentReport(checks)
