"""The public API is what the notebooks call: every export is used by a notebook, every call is exported.

A name counts as used when a notebook cell (code or prose) says ``synclab.NAME``
or imports it with ``from synclab import NAME``. Submodules (``synclab.plots``,
``synclab.scheduler``) are reached that way too; they are not names in ``__all__``.
Result records and helpers no notebook names stay in their submodules.
"""

from __future__ import annotations

import json
import pathlib
import re
import types

import synclab

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
ATTRIBUTE = re.compile(r"(?<![\w./])synclab\.([A-Za-z_]\w*)")
FROM_IMPORT = re.compile(r"^\s*from\s+synclab\s+import\s+(\([^)]*\)|[^\n]*)", re.MULTILINE)


def names_in(source: str) -> set[str]:
    """The ``synclab`` names one cell uses."""
    used = set(ATTRIBUTE.findall(source))
    for imported in FROM_IMPORT.findall(source):
        without_comments = " ".join(line.split("#")[0] for line in imported.strip("()").splitlines())
        for item in without_comments.split(","):
            if item.strip():
                used.add(item.split(" as ")[0].strip())
    return used


def notebook_names() -> dict[str, set[str]]:
    """Each name the notebooks use, with the notebooks that use it."""
    used: dict[str, set[str]] = {}
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for name in names_in(source):
                used.setdefault(name, set()).add(path.name)
    return used


def is_submodule(name: str) -> bool:
    return isinstance(getattr(synclab, name, None), types.ModuleType)


def test_the_name_finder_reads_attributes_and_imports():
    source = "import synclab\nfrom synclab import scheduler\nsynclab.run_counter(4)\n`synclab.FifoLock` serves"
    assert names_in(source) == {"scheduler", "run_counter", "FifoLock"}
    assert names_in("from synclab import (\n    run_bank,  # the bank\n    plot_bank as pb,\n)") == {
        "run_bank",
        "plot_bank",
    }
    assert names_in("mysynclab.x, tests/synclab.y, synclab_extra.z") == set()


def test_the_notebooks_are_found():
    assert len(NOTEBOOKS) >= 12
    assert "run_counter" in notebook_names()


def test_every_public_name_is_used_by_a_notebook():
    used = notebook_names()
    unused = sorted(name for name in synclab.__all__ if name not in used)
    assert unused == [], f"no notebook uses these; import them from their submodule instead: {unused}"


def test_every_name_a_notebook_uses_is_public():
    missing = {
        name: sorted(notebooks)
        for name, notebooks in notebook_names().items()
        if name not in synclab.__all__ and not is_submodule(name)
    }
    assert missing == {}, f"notebooks use these, add them to synclab.__all__: {missing}"


def test_the_namespace_holds_only_the_public_names_and_submodules():
    extra = sorted(
        name
        for name in vars(synclab)
        if not name.startswith("_") and name not in synclab.__all__ and not is_submodule(name)
    )
    assert extra == ["annotations"]  # from __future__ import annotations
    assert len(set(synclab.__all__)) == len(synclab.__all__)


def test_every_public_name_exists_and_is_documented():
    for name in synclab.__all__:
        obj = getattr(synclab, name)
        if callable(obj):
            assert obj.__doc__, f"synclab.{name} has no docstring"


def test_only_the_widgets_package_imports_ipywidgets():
    root = pathlib.Path(synclab.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "import ipywidgets" in path.read_text() and path.parts[-2] != "widgets"
    ]
    assert offenders == []


def test_the_public_api_stays_small():
    """Issue 15: at most 50 names; plots are reached through synclab.plots, not the top level."""
    assert len(synclab.__all__) <= 50
    assert not [name for name in synclab.__all__ if name.startswith("plot_")]
