"""Answer tables for every exercise: wrong answers a learner would write, and accepted variants.

One module per exercise, ``ex_N_M.py``, with ``EXERCISE``, ``ANSWERS``, ``WRONG``
and ``RIGHT`` (see CONTRIBUTING.md, "How to write a check"). Each answer's
source runs in a fresh namespace that already holds ``threading``, ``time``,
``queue`` and ``synclab``, as the notebook's cells would, and is then judged by
``synclab.check_exercise(EXERCISE, *names)``.

``tests/test_exercise_answers.py`` judges each answer once; ``tools/answers.py``
(``make answers``) judges each many times with the cores kept busy.
"""

from __future__ import annotations

import importlib
import pkgutil
import queue
import threading
import time
from types import ModuleType

import synclab


def modules() -> list[ModuleType]:
    """Every answer table, in exercise order."""
    found = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if info.name.startswith("ex_")
    ]
    return sorted(found, key=lambda module: tuple(int(part) for part in module.EXERCISE.split(".")))


def cases() -> list[tuple[ModuleType, str, str]]:
    """``(module, "wrong" or "right", answer name)`` for every answer of every table."""
    return [
        (module, kind, name)
        for module in modules()
        for kind, table in (("wrong", module.WRONG), ("right", module.RIGHT))
        for name in table
    ]


def judge(module: ModuleType, kind: str, name: str) -> synclab.checks.CheckResult:
    """Define one answer as a notebook cell would, and run the exercise's check on it."""
    source = (module.WRONG if kind == "wrong" else module.RIGHT)[name]
    namespace = {"threading": threading, "time": time, "queue": queue, "synclab": synclab}
    exec(compile(source, f"<answer {module.EXERCISE} {name}>", "exec"), namespace)
    return synclab.check_exercise(module.EXERCISE, *(namespace[answer] for answer in module.ANSWERS))
