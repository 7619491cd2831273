"""Execute notebooks in place, top to bottom, so their stored outputs are current.

Usage: python tools/run_notebooks.py notebooks/*.ipynb
       python tools/run_notebooks.py --strip-only notebooks/*.ipynb

Runs each notebook in a fresh kernel of this environment, from the notebooks
folder, and does not record timings (so re-running leaves no noise in git).
It saves no widget state: the notebook metadata ``widgets``
(``application/vnd.jupyter.widget-state+json``) held 6 to 145 KB of model
state per notebook, thousands of lines rewritten on every run. Without that
state, JupyterLab would draw each stored widget output of a notebook not yet
run as "Error displaying widget: model not found"; so each stored widget output
becomes a one-line note (:data:`WIDGET_NOTE`) that says to run the cell, which
JupyterLab, GitHub and nbviewer all show as text. nbval does not compare these
outputs (the cells carry ``# NBVAL_IGNORE_OUTPUT``); a lab appears when its cell runs.
``--strip-only`` does the same to stored notebooks without running anything.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: What a stored widget output says until its cell runs.
WIDGET_NOTE = "▶ Run this cell: its interactive controls appear here once it has run."


def strip_widget_state(nb: nbformat.NotebookNode) -> bool:
    """Drop the saved widget state from ``nb``'s metadata and turn widget outputs into a note.

    True if anything changed. Every other output stays as it is.
    """
    changed = False
    widgets = nb.metadata.get("widgets")
    if widgets is not None:
        widgets.pop(WIDGET_STATE, None)
        if not widgets:
            del nb.metadata["widgets"]
        changed = True
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                output["data"] = {"text/plain": WIDGET_NOTE}
                changed = True
    return changed


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
    )
    client.execute()
    strip_widget_state(nb)  # state saved by an earlier run or by JupyterLab
    nbformat.write(nb, path)
    return time.perf_counter() - started


def strip(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    if not strip_widget_state(nb):
        return False
    nbformat.write(nb, path)
    return True


def main(args: list[str]) -> int:
    strip_only = "--strip-only" in args
    paths = [a for a in args if a != "--strip-only"]
    if not paths:
        print(__doc__)
        return 2
    for name in paths:
        if strip_only:
            print(f"{name}: {'widget state and views removed' if strip(Path(name)) else 'nothing to remove'}")
        else:
            seconds = run(Path(name))
            print(f"{name}: ran in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
