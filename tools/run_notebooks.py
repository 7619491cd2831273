"""Execute notebooks in place, top to bottom, so their stored outputs are current.

Usage: python tools/run_notebooks.py notebooks/*.ipynb

Runs each notebook in a fresh kernel of this environment, from the notebooks
folder, stores widget state (so labs show up when a notebook is opened before
it is run) and does not record timings (so re-running leaves no noise in git).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    client.execute()
    nbformat.write(nb, path)
    return time.perf_counter() - started


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__)
        return 2
    for name in paths:
        seconds = run(Path(name))
        print(f"{name}: ran in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
