"""Write the navigation cell at the end of every notebook.

Usage: python tools/nav.py [--check] notebooks/*.ipynb

Each notebook ends with a markdown cell tagged ``nav`` that links to the
previous and next notebook by their titles (the first ``#`` heading). This
script creates or refreshes those cells; with ``--check`` it changes nothing and
exits 1 if any is out of date (tests/test_project.py runs it that way).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat


def title_of(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError("notebook has no '# ' title")


#: Each notebook's topic: the file name of its code in every layer of synclab/ (CONTRIBUTING.md).
TOPICS = {
    "00": "hello",
    "01": "counter",
    "02": "counter",
    "03": "bank",
    "04": "reentrant",
    "05": "conditions",
    "06": "queues",
    "07": "deadlock",
    "08": "primitives",
    "09": "scheduler",
    "10": "testing",
    "11": "faq",
}


def code_line(path: Path) -> str:
    """A link to the notebook's threads: its topic's experiments module (the scheduler package for 09, the
    check for 00). Plots, lab and checks have the same file name in their layers (CONTRIBUTING.md)."""
    topic = TOPICS[path.name[:2]]
    root = path.resolve().parent.parent
    for file in (f"experiments/{topic}.py", f"{topic}/", f"checks/{topic}.py"):
        if (root / "synclab" / file).exists():
            return f"Code: [`synclab/{file}`](../synclab/{file})\n\n"
    raise ValueError(f"no module in synclab/ for topic {topic!r} of {path.name}")


def nav_source(paths: list[Path], index: int, titles: list[str]) -> str:
    code = code_line(paths[index])
    parts = []
    if index > 0:
        parts.append(f"← Previous: [{titles[index - 1]}]({paths[index - 1].name})")
    parts.append("[Course contents](../README.md#the-notebooks)")
    if index + 1 < len(paths):
        parts.append(f"Next: [{titles[index + 1]}]({paths[index + 1].name}) →")
    return "---\n" + code + " | ".join(parts)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = sorted(Path(p) for p in argv if p != "--check")
    notebooks = [nbformat.read(p, as_version=4) for p in paths]
    titles = [title_of(nb) for nb in notebooks]
    stale = []
    for index, (path, nb) in enumerate(zip(paths, notebooks, strict=True)):
        source = nav_source(paths, index, titles)
        cells = [c for c in nb.cells if "nav" in c.get("metadata", {}).get("tags", [])]
        if cells and cells[0].source == source and nb.cells[-1] is cells[0]:
            continue
        stale.append(path.name)
        if check:
            continue
        nb.cells = [c for c in nb.cells if c not in cells]
        cell = nbformat.v4.new_markdown_cell(source)
        cell.metadata["tags"] = ["nav"]
        nb.cells.append(cell)
        nbformat.write(nb, path)
    if check and stale:
        print("navigation out of date in: " + ", ".join(stale) + "; run 'make notebooks'")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
