"""The environment check of notebook 00: which Pythons it accepts, notes or refuses."""

from __future__ import annotations

import pytest

import synclab
from synclab.environment import check_python


@pytest.mark.parametrize("minor", [11, 12, 13, 14, 15])
def test_every_tested_cpython_passes_without_a_note(minor):
    check = check_python("CPython", (3, minor), f"3.{minor}.1")
    assert (check.ok, check.fix, check.found) == (True, "", f"CPython 3.{minor}.1")


@pytest.mark.parametrize("version", [(3, 16), (3, 20), (4, 0)])
def test_a_newer_untested_cpython_gets_a_note_never_a_failure(version):
    check = check_python("CPython", version, ".".join(map(str, version)) + ".0")
    assert check.ok
    assert check.fix == "newer than the versions the course is tested on (CPython 3.10 to 3.15); it should work."
    report = synclab.environment.EnvironmentReport((check,))
    assert report.ok and str(report).startswith("ok  Python: CPython") and "- note: newer" in str(report)


def test_python_310_runs_with_a_note_that_it_is_past_its_end_of_life():
    check = check_python("CPython", (3, 10), "3.10.13")
    assert check.ok
    assert "3.10 reached its end of life in October 2026" in check.fix and "still runs" in check.fix


@pytest.mark.parametrize(("implementation", "version"), [("CPython", (3, 9)), ("CPython", (2, 7)), ("PyPy", (3, 11))])
def test_an_old_python_or_another_implementation_is_a_failure_that_says_what_to_do(implementation, version):
    check = check_python(implementation, version, ".".join(map(str, version)) + ".0")
    assert not check.ok
    assert "CPython 3.10 or newer" in check.fix and "make lab" in check.fix
    assert str(synclab.environment.EnvironmentReport((check,))).startswith("FIX Python:")


def test_the_running_python_is_ready():
    report = synclab.check_environment()
    assert report.ok, str(report)
    assert report.checks[0].item == "Python"
