"""Every public function refuses bad arguments at once: no thread started, a clear message.

The table is built from the signatures: for each parameter with a number, a
flag or a string as its default, it tries values of the wrong type, None,
negative and huge numbers. Each call must raise ValueError (a number of the
right kind out of its range) or TypeError (anything else) that names the
parameter, without starting a thread. Required
parameters get their first valid example from ``VALID`` (results to plot, ...).
"""

from __future__ import annotations

import inspect

import pytest
from conftest import started_threads

import synclab

NUMBER_BAD = ["seven", None, -1, 10**12, float("nan")]

# Valid values for required parameters, so the other parameters can be tried.
VALID = {
    "run_notify": {"put_items": lambda condition, items, new: None},
    "run_stolen_wakeup": {"take": lambda condition, items: None},
    "explore": {"scenario": synclab.scenario(["counter += 1", "counter += 1"], shared={"counter": 0})},
    "repeat_test": {"test": lambda target: None, "target": None},
    "catch_rate_lab": {"racy": lambda load: None, "fixed": lambda load: None},
}
INT_EXTRA = [2.5]
FLAG_BAD = ["yes", None, 1]
TEXT_BAD = [None, 42]


# Functions that left the top level (no notebook calls them) but still take a learner's numbers
# through a public one (sweep_transfers runs repeat_transfers for each strategy): still covered.
INNER = {"repeat_transfers": synclab.experiments.deadlock.repeat_transfers}


def public_functions():
    for name in sorted(synclab.__all__):
        obj = getattr(synclab, name)
        if inspect.isfunction(obj):
            yield name, obj
    yield from sorted(INNER.items())


def cases():
    found = []
    for name, function in public_functions():
        signature = inspect.signature(function)
        given = VALID.get(name, {})
        required = [
            p
            for p in signature.parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            and p.name not in given
        ]
        if required:
            continue  # needs real inputs (a result, a figure...): covered by its own module's tests
        for parameter in signature.parameters.values():
            default = parameter.default
            annotation = str(parameter.annotation)
            if isinstance(default, bool):
                bad = FLAG_BAD
            elif isinstance(default, (int, float)) and not isinstance(default, bool):
                bad = NUMBER_BAD + (INT_EXTRA if isinstance(default, int) and "float" not in annotation else [])
            elif isinstance(default, str):
                bad = TEXT_BAD
            else:
                continue
            if "None" in annotation:  # None is a documented choice for this parameter
                bad = [value for value in bad if value is not None]
            for value in bad:
                error = ValueError if _out_of_range(default, value) else TypeError
                found.append(
                    pytest.param(name, function, parameter.name, value, error, id=f"{name}-{parameter.name}={value!r}")
                )
    return found


def _out_of_range(default, value) -> bool:
    """A number of the parameter's kind (a float, or an int for an int) that is out of range: -1, 10**12, NaN."""
    if isinstance(default, bool) or not isinstance(default, (int, float)) or isinstance(value, bool):
        return False
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, int)


@pytest.mark.parametrize(("name", "function", "parameter", "value", "error"), cases())
def test_bad_argument_is_refused_fast_with_no_thread_started(name, function, parameter, value, error, monkeypatch):
    started = started_threads(monkeypatch)
    with pytest.raises(error) as info:
        function(**VALID.get(name, {}), **{parameter: value})
    assert parameter in str(info.value), f"{name}: the message does not name {parameter!r}: {info.value}"
    assert started == [], f"{name}({parameter}={value!r}) started threads before refusing"


def test_the_table_covers_every_experiment_and_lab():
    covered = {case.values[0] for case in cases()}
    for name in synclab.__all__:
        if name.startswith(("run_", "sweep_", "measure_")) or name.endswith("_lab"):
            obj = getattr(synclab, name)
            has_defaults = any(
                p.default is not inspect.Parameter.empty for p in inspect.signature(obj).parameters.values()
            )
            if has_defaults:
                assert name in covered, f"{name} has no bad-input cases"
