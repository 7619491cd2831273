"""Every exercise in every notebook: the stub fails its check, the solution passes.

Exercises are found through cell metadata (see CONTRIBUTING.md), so a new
notebook's exercises are tested without editing this file.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import synclab

NOTEBOOKS = sorted(Path(__file__).resolve().parent.parent.joinpath("notebooks").glob("*.ipynb"))
PRELUDE = "import threading\nimport time\nimport synclab\n"


def exercises():
    found = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        parts: dict[str, dict[str, object]] = {}
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("synclab")
            if meta:
                parts.setdefault(meta["exercise"], {})[meta["role"]] = (cell, meta)
        for number, roles in parts.items():
            found.append(pytest.param(path.name, number, roles, id=f"{path.stem}-{number}"))
    return found


def solution_code(markdown: str) -> str:
    match = re.search(r"```python\n(.*?)```", markdown, re.DOTALL)
    assert match, "the solution cell has no ```python block"
    return match.group(1)


def answers(code: str, names: list[str]) -> list[object]:
    namespace: dict[str, object] = {}
    exec(compile(PRELUDE + code, "<exercise>", "exec"), namespace)
    return [namespace[name] for name in names]


def test_every_notebook_has_an_exercise():
    numbered = {p.name for p in NOTEBOOKS}
    with_exercise = {param.values[0] for param in exercises()}
    assert numbered == with_exercise


@pytest.mark.parametrize(("notebook", "number", "roles"), exercises())
def test_stub_fails_and_solution_passes(notebook, number, roles):
    assert set(roles) == {"stub", "check", "solution"}, f"{notebook} exercise {number} is missing a part"
    stub_cell, stub_meta = roles["stub"]
    check_cell, _ = roles["check"]
    solution_cell, _ = roles["solution"]
    names = list(stub_meta["answers"])
    assert f'synclab.check_exercise("{number}", {", ".join(names)})' in check_cell.source
    stub = synclab.check_exercise(number, *answers(stub_cell.source, names))
    assert not stub.passed, f"the untouched stub passes exercise {number}: {stub}"
    assert stub.hint, "a failing check must give a hint"
    solved = synclab.check_exercise(number, *answers(solution_code(solution_cell.source), names))
    assert solved.passed, f"the reference solution fails exercise {number}: {solved}"
    # the stored output of the check cell is the stub's verdict
    stored = "".join(o.get("data", {}).get("text/plain", "") for o in check_cell.get("outputs", []))
    assert stored.startswith(f"NOT YET exercise {number}"), f"stored check output of {number}: {stored!r}"
