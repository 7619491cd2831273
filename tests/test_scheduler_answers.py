"""The answer tables of exercises 9.1-9.3: every wrong answer fails its check, every accepted variant passes.

A stand-in for the shared ``tests/test_exercise_answers.py`` (which collects
every module of ``tests/answers/``) until that one is merged: drop this file
then. The checks explore the step-through model, which has no randomness, so
each answer runs once here (``make answers`` runs them 10 times).
"""

from __future__ import annotations

import importlib.util
import queue
import threading
import time
from pathlib import Path

import pytest

import synclab

ANSWERS = Path(__file__).resolve().parent / "answers"
MODULES = ("ex_9_1", "ex_9_2", "ex_9_3")


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, ANSWERS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cases():
    found = []
    for name in MODULES:
        module = load(name)
        for verdict, table in (("wrong", module.WRONG), ("right", module.RIGHT)):
            for key, source in table.items():
                found.append(pytest.param(module, verdict, source, id=f"{module.EXERCISE}-{verdict}-{key}"))
    return found


def judge(module, source: str) -> synclab.CheckResult:
    namespace = {"threading": threading, "time": time, "queue": queue, "synclab": synclab}
    exec(compile(source, f"<{module.EXERCISE}>", "exec"), namespace)
    return synclab.check_exercise(module.EXERCISE, *(namespace[name] for name in module.ANSWERS))


@pytest.mark.parametrize("name", MODULES)
def test_each_table_has_enough_answers(name):
    module = load(name)
    assert len(module.WRONG) >= 6 and len(module.RIGHT) >= 2


@pytest.mark.parametrize(("module", "verdict", "source"), cases())
def test_wrong_answers_fail_and_accepted_variants_pass(module, verdict, source):
    result = judge(module, source)
    if verdict == "wrong":
        assert not result.passed and result.hint, str(result)
    else:
        assert result.passed, str(result)
