"""Estimate how long each notebook takes, and write it near the top of the notebook.

Usage: python tools/reading_time.py [--check | --report] notebooks/*.ipynb

The estimate is computed from what the notebook contains, counted; it is not a
timing of a learner. The model, for a learner who reads every sentence, runs
every cell, looks at every plot, tries each lab and solves each exercise:

* **Main prose** (markdown outside ``<details>`` parts, code fences, the
  exercises, the navigation cell and this line): 180 words a minute. Adults
  read English non-fiction silently at 238 words a minute on average, most of
  them between 175 and 300 (M. Brysbaert, "How many words do we read per
  minute? A review and meta-analysis of reading rate", Journal of Memory and
  Language 109, 2019, doi:10.1016/j.jml.2019.104047). A learner studying
  technical text dense with code names reads to learn, not for gist, so we take
  the low end of that range.
* **Code cells** (outside the exercises): 10 seconds each to run one and take in
  its output, plus 5 seconds per line of code to read it (blank lines, the
  ``# NBVAL_IGNORE_OUTPUT`` marker and ``%`` magics are not counted). These two
  rates are our assumption, not a published figure: about the pace of reading
  code aloud to oneself.
* **Plots**: 30 seconds for each image a code cell shows.
* **Labs** (a cell that calls a ``..._lab(...)`` function): 4 minutes each, the
  time to try the two or three things its cell suggests.
* **Exercises** (each ``### Exercise N.M`` with its stub, check and solution):
  10 minutes each, to read the task, write a few lines, run the check and try
  again once.
* **The budget**: at most 1,200 words a notebook outside ``<details>`` parts, counted
  strictly by :func:`page_words` (exercise tasks, tables and code fences included).
* **Under the hood** (``<details>`` parts other than reference solutions):
  optional, so reported apart, at the prose rate.

Both figures are rounded up to whole minutes, the total to the next 5 minutes.
The script writes one line, in italics, right under the title of the first
cell (``*About 35 minutes with the exercise ...*``) and refreshes it when the notebook changes.
With ``--check`` it changes nothing and exits 1 if a line is missing or out of
date (``tests/test_project.py`` runs it that way); with ``--report`` it only
prints the table of counts.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

#: Words of prose a minute (the low end of Brysbaert's 175-300 range, see above).
PROSE_WPM = 180
#: Seconds to run a code cell and take in its output.
SECONDS_PER_CODE_CELL = 10
#: Seconds to read one line of code.
SECONDS_PER_CODE_LINE = 5
#: Seconds to look at one plot.
SECONDS_PER_FIGURE = 30
#: Minutes to try a lab.
MINUTES_PER_LAB = 4
#: Minutes to solve an exercise.
MINUTES_PER_EXERCISE = 10

#: The line this script writes; anything matching it is replaced.
LINE_PATTERN = re.compile(r"^\*About \d+ minutes\b.*\*$", re.MULTILINE)
_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.MULTILINE | re.DOTALL)
_DETAILS = re.compile(r"<details>.*?</details>", re.DOTALL | re.IGNORECASE)
#: A ``<details>`` part with its ``<summary>`` line kept: the learner sees that line.
_DETAILS_KEEP_SUMMARY = re.compile(r"<details>\s*<summary>(.*?)</summary>.*?</details>", re.DOTALL | re.IGNORECASE)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_LAB_CALL = re.compile(r"\b\w+_lab\(")


@dataclass(frozen=True)
class Counts:
    """What a notebook contains, as the model counts it."""

    prose_words: int
    details_words: int
    code_cells: int
    code_lines: int
    figures: int
    labs: int
    exercises: int

    @property
    def seconds(self) -> float:
        """The estimated time for everything but the ``<details>`` parts, in seconds."""
        return (
            self.prose_words / PROSE_WPM * 60
            + self.code_cells * SECONDS_PER_CODE_CELL
            + self.code_lines * SECONDS_PER_CODE_LINE
            + self.figures * SECONDS_PER_FIGURE
            + self.labs * MINUTES_PER_LAB * 60
            + self.exercises * MINUTES_PER_EXERCISE * 60
        )

    @property
    def minutes(self) -> int:
        """The estimate, rounded up to the next 5 minutes (at least 5)."""
        return max(5, 5 * math.ceil(self.seconds / 300))

    @property
    def details_minutes(self) -> int:
        """Minutes to read the ``<details>`` parts too, rounded up."""
        return math.ceil(self.details_words / PROSE_WPM)


def count_words(text: str) -> int:
    """Words in a piece of markdown: whitespace-separated tokens with a letter or digit.

    Links count as their text, HTML tags not at all; ``counter += 1`` is two words.
    """
    text = _TAG.sub(" ", _LINK.sub(r"\1", text))
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def split_prose(markdown: str) -> tuple[int, int]:
    """Words of ``markdown`` outside and inside ``<details>`` parts (code fences not counted).

    A reference solution's ``<details>`` part counts for neither: it belongs to its exercise.
    """
    markdown = LINE_PATTERN.sub("", markdown)
    details = _DETAILS.findall(markdown)
    main = _DETAILS.sub(" ", markdown)
    inside = sum(count_words(_FENCE.sub(" ", part)) for part in details if "Reference solution" not in part)
    return count_words(_FENCE.sub(" ", main)), inside


def _is_exercise(cell: nbformat.NotebookNode) -> bool:
    if cell.get("metadata", {}).get("synclab", {}).get("exercise"):
        return True
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith("### Exercise")


def _code_lines(source: str) -> int:
    lines = [line.strip() for line in source.splitlines()]
    return sum(1 for line in lines if line and line != "# NBVAL_IGNORE_OUTPUT" and not line.startswith("%"))


def count(nb: nbformat.NotebookNode) -> Counts:
    """Count what ``nb`` contains (see the module docstring for what counts where)."""
    prose = details = cells = lines = figures = labs = exercises = 0
    for cell in nb.cells:
        if "nav" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("### Exercise"):
            exercises += 1
        if _is_exercise(cell):
            continue
        if cell.cell_type == "markdown":
            main, inside = split_prose(cell.source)
            prose += main
            details += inside
        elif cell.cell_type == "code":
            cells += 1
            lines += _code_lines(cell.source)
            figures += sum(1 for out in cell.get("outputs", []) if "image/png" in out.get("data", {}))
            labs += bool(_LAB_CALL.search(cell.source))
    return Counts(prose, details, cells, lines, figures, labs, exercises)


def page_words(nb: nbformat.NotebookNode) -> int:
    """Every word a learner meets in the notebook's markdown outside ``<details>`` parts.

    The strictest count of the reading budget (issue 11: at most 1,200 a notebook): unlike
    :attr:`Counts.prose_words` it takes in exercise tasks, tables and code fences too (every
    whitespace-separated token, the reading-time line and each ``<summary>`` line too, since the learner
    sees them); only the navigation cell stays out.
    """
    words = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "nav" not in cell.get("metadata", {}).get("tags", []):
            words += len(_DETAILS_KEEP_SUMMARY.sub(r" \1 ", cell.source).split())
    return words


def time_line(counts: Counts) -> str:
    """The line written under the title, e.g. ``*About 35 minutes with the exercise, ...*``."""
    line = f"*About {counts.minutes} minutes"
    if counts.exercises:
        line += " with the exercises" if counts.exercises > 1 else " with the exercise"
    if counts.details_minutes:
        unit = "minute" if counts.details_minutes == 1 else "minutes"
        line += f", plus about {counts.details_minutes} {unit} for the “Under the hood” parts"
    return line + " (an estimate from what this notebook contains).*"


def with_time_line(source: str, line: str) -> str:
    """``source`` (a first cell) with ``line`` in place of the old one, or under the title."""
    if LINE_PATTERN.search(source):
        return LINE_PATTERN.sub(line, source, count=1)
    title, _, rest = source.partition("\n")
    return f"{title}\n\n{line}\n\n{rest.lstrip(chr(10))}" if rest.strip() else f"{title}\n\n{line}\n"


def main(argv: list[str]) -> int:
    check, report = "--check" in argv, "--report" in argv
    paths = sorted(Path(p) for p in argv if not p.startswith("--"))
    if not paths:
        print(__doc__)
        return 2
    stale = []
    print(
        f"{'notebook':<44} {'page':>5} {'words':>5} {'details':>7} "
        f"{'cells':>5} {'lines':>5} {'plots':>5} labs ex  minutes"
    )
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        counts = count(nb)
        print(
            f"{path.name:<44} {page_words(nb):>5} {counts.prose_words:>5} {counts.details_words:>7} "
            f"{counts.code_cells:>5} {counts.code_lines:>5} {counts.figures:>5} "
            f"{counts.labs:>4} {counts.exercises:>2}  "
            f"{counts.minutes:>3} (+{counts.details_minutes})"
        )
        first = nb.cells[0]
        wanted = with_time_line(first.source, time_line(counts))
        if first.source == wanted or report:
            continue
        stale.append(path.name)
        if not check:
            first.source = wanted
            nbformat.write(nb, path)
    if check and stale:
        print("reading time missing or out of date in: " + ", ".join(stale) + "; run tools/reading_time.py on them")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
