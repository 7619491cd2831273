"""The project's files agree with each other: dependencies, notebooks, navigation."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

try:
    import tomllib
except ImportError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def names(requirements: list[str]) -> set[str]:
    """Package names without versions or markers, normalised."""
    return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].strip().lower().replace("_", "-") for r in requirements}


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = names(project["dependencies"]) | names(project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "conda-forge" in env["channels"]
    assert names(conda) - {"python", "pip"} == wanted
    assert pip == ["-e ."], "the pip section installs the package itself"


def test_notebooks_are_numbered_from_00_without_gaps():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS)))
    assert all(re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", p.name) for p in NOTEBOOKS)


def test_notebooks_have_a_kernel_and_stored_outputs_run_in_order():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        counts = [c["execution_count"] for c in code]
        assert None not in counts, f"{path.name} has unexecuted cells: run 'make notebooks'"
        assert counts == list(range(1, len(code) + 1)), f"{path.name} was not run top to bottom"
        errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
        assert errors == [], f"{path.name} has stored errors"


def test_no_notebook_carries_saved_widget_state():
    """Saved widget state is 6 to 145 KB per notebook, rewritten on every run; `make notebooks` drops it."""
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        assert "widgets" not in nb["metadata"], f"{path.name} has saved widget state: run 'make notebooks'"
        assert "application/vnd.jupyter.widget-state+json" not in path.read_text(), path.name
        assert "application/vnd.jupyter.widget-view+json" not in path.read_text(), path.name


def test_run_notebooks_strips_widget_state_and_leaves_a_note_in_widget_outputs():
    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "tools" / "run_notebooks.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    view = {"model_id": "0835e9bcaff3408586f55a51f4958058", "version_major": 2, "version_minor": 0}
    output = nbformat.v4.new_output(
        "execute_result", {"application/vnd.jupyter.widget-view+json": view, "text/plain": "VBox()"}, execution_count=1
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("lab", outputs=[output], execution_count=1)])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}}
    assert tool.strip_widget_state(nb) is True
    assert "widgets" not in nb.metadata
    # Without the state JupyterLab would show "model not found"; the note says to run the cell.
    assert nb.cells[0].outputs[0]["data"] == {"text/plain": tool.WIDGET_NOTE}
    assert "Run this cell" in tool.WIDGET_NOTE
    assert tool.strip_widget_state(nb) is False


def test_notebooks_open_with_a_verb_title_and_what_you_will_learn():
    for path in NOTEBOOKS:
        first = json.loads(path.read_text())["cells"][0]
        source = "".join(first["source"])
        assert source.startswith("# "), path.name
        assert "You will learn" in source, path.name


def test_navigation_cells_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "nav.py"), "--check", *map(str, NOTEBOOKS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_lists_every_notebook_and_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README does not list {path.name}"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def _reading_time_tool():
    spec = importlib.util.spec_from_file_location("reading_time", ROOT / "tools" / "reading_time.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_reading_time_counts_what_a_notebook_contains():
    rt = _reading_time_tool()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Do a thing\n\nOne two three.\n\n```python\nnot = counted\n```"),
        nbformat.v4.new_markdown_cell(
            "Four [five](https://example.org) <b>six</b> `x += 1`.\n\n"
            "<details><summary>Under the hood: more</summary>\n\nSeven eight nine ten.\n\n</details>"
        ),
        nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\n%matplotlib inline\nx = 1\n\nprint(x)"),
        nbformat.v4.new_code_cell(
            "synclab.counter_lab()",
            outputs=[nbformat.v4.new_output("display_data", {"image/png": "", "text/plain": "fig"})],
        ),
        nbformat.v4.new_markdown_cell("### Exercise 1.1: Not counted as prose\n\nMany words here."),
        nbformat.v4.new_code_cell("def stub(): pass", metadata={"synclab": {"exercise": "1.1", "role": "stub"}}),
        nbformat.v4.new_markdown_cell(
            "<details><summary>Reference solution</summary>\n\nNot counted.\n\n</details>",
            metadata={"synclab": {"exercise": "1.1", "role": "solution"}},
        ),
    ]
    nav = nbformat.v4.new_markdown_cell("---\nPrevious | Next")
    nav.metadata["tags"] = ["nav"]
    nb.cells.append(nav)
    counts = rt.count(nb)
    # "Do a thing" + "One two three" + "Four five six x 1": links count their text, tags nothing.
    assert counts.prose_words == 3 + 3 + 5
    assert counts.details_words == 8  # "Under the hood: more", then "Seven eight nine ten."
    assert (counts.code_cells, counts.code_lines, counts.figures, counts.labs, counts.exercises) == (2, 3, 1, 1, 1)
    seconds = 11 / 180 * 60 + 2 * 10 + 3 * 5 + 30 + 4 * 60 + 10 * 60
    assert counts.seconds == seconds and counts.minutes == 20 and counts.details_minutes == 1

    line = rt.time_line(counts)
    assert line == (
        "*About 20 minutes with the exercise, plus about 1 minute for the “Under the hood” parts "
        "(an estimate from what this notebook contains).*"
    )
    first = rt.with_time_line(nb.cells[0].source, line)
    assert first.splitlines()[:3] == ["# Do a thing", "", line]
    assert rt.with_time_line(first, line) == first  # refreshing changes nothing
    assert rt.with_time_line(first, "*About 5 minutes (x).*").count("About") == 1
    nb.cells[0].source = first
    assert rt.count(nb) == counts  # the line itself is not counted


def test_reading_time_lines_are_current():
    marked = [p for p in NOTEBOOKS if "*About " in "".join(json.loads(p.read_text())["cells"][0]["source"])]
    assert marked == NOTEBOOKS, "every notebook states its time near the top (make notebooks writes it)"
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "reading_time.py"), "--check", *map(str, marked)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def versions_tested() -> list[str]:
    from synclab.environment import TESTED_PYTHONS

    (major, low), (_, high) = TESTED_PYTHONS
    return [f"{major}.{minor}" for minor in range(low, high + 1)]


def test_pyproject_classifiers_name_every_tested_python_and_the_range_stays_open():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    classified = [c.rsplit(" :: ", 1)[1] for c in project["classifiers"] if re.match(r".*Python :: 3\.\d+$", c)]
    assert classified == versions_tested() == ["3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]
    assert project["requires-python"] == ">=3.10", "a newer, untested Python should still install the course"


def test_binder_gets_an_exact_tested_python():
    """repo2docker honours only "python=X.Y" (its regex, below); a range gets its default Python."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = [re.match(r"python\s*=+\s*([\d\.]*)", d) for d in env["dependencies"] if isinstance(d, str)]
    versions = [p.group(1) for p in pins if p]
    assert len(versions) == 1 and versions[0] in versions_tested(), versions
    assert f"Binder builds it with Python {versions[0]}" in (ROOT / "README.md").read_text()


def test_the_matrix_covers_every_tested_python_and_ci_runs_the_newest():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import matrix
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert list(matrix.VERSIONS) == versions_tested()
    newest = versions_tested()[-1]
    assert f"make test-matrix VERSIONS={newest}" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert f"Supported: CPython {versions_tested()[0]} to {newest}" in readme


def test_readme_times_and_total_match_the_estimates():
    rt = _reading_time_tool()
    readme = (ROOT / "README.md").read_text()
    total = 0
    for path in NOTEBOOKS:
        minutes = rt.count(nbformat.read(path, as_version=4)).minutes
        total += minutes
        row = next(line for line in readme.splitlines() if line.startswith(f"| [`notebooks/{path.name}`]"))
        assert row.endswith(f"| {minutes} min |"), f"README's time for {path.name} is not {minutes} min"
    hours, rest = divmod(total, 60)
    assert f"about {hours} hours {rest} minutes" in " ".join(readme.split()), f"README's total is not {total} min"


def test_main_prose_stays_within_1200_words_a_notebook():
    """Counted strictly: every markdown word outside <details> parts, exercise tasks included."""
    rt = _reading_time_tool()
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert rt.count(nb).prose_words <= rt.page_words(nb)  # the strict count takes in more
        words = rt.page_words(nb)
        assert words <= 1200, f"{path.name}: {words} words outside <details> parts; move detail into one"


def test_page_words_counts_exercises_tables_and_fences_but_not_details_or_navigation():
    rt = _reading_time_tool()
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n\n*About 5 minutes (an estimate).*\n\nOne two three."),
        nbformat.v4.new_markdown_cell("### Exercise 1.1: Task\n\n| a | b |\n\n```python\nx += 1\n```"),
        nbformat.v4.new_markdown_cell("Kept. <details><summary>Seen summary</summary>\n\nnot counted\n\n</details>"),
        nbformat.v4.new_markdown_cell("[next](x.ipynb)", metadata={"tags": ["nav"]}),
        nbformat.v4.new_code_cell("print('code is not prose')"),
    ]
    assert rt.page_words(nb) == 10 + 14 + 1 + 2  # every token: "#", "|", "```python" and "+=" too


def statistical_tests() -> list[tuple[str, ast.FunctionDef]]:
    """Every test function in tests/ marked ``@pytest.mark.statistical``, with its file's name."""
    found = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                ast.unparse(d).endswith("mark.statistical") for d in node.decorator_list
            ):
                found.append((path.name, node))
    return found


def test_every_statistical_test_states_its_margin_in_its_docstring():
    """The marker says so (pyproject.toml): a test that depends on how the OS schedules threads
    says how often it was seen to hold, or why a failure is unlikely, and that takes a number."""
    tests = statistical_tests()
    assert len(tests) >= 10  # the search works
    for file, node in tests:
        doc = ast.get_docstring(node)
        assert doc, f"{file}::{node.name} is marked statistical but has no docstring stating its margin"
        assert re.search(r"\d", doc), f"{file}::{node.name}: the docstring states no margin (no number in it)"


def test_no_module_imports_another_modules_private_names():
    """Plumbing shared between modules has a public name (in a private module if learners need not read it)."""
    crossing = []
    for path in sorted((ROOT / "synclab").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("synclab"):
                where = f"{path.relative_to(ROOT)}: {node.module}"
                crossing += [f"{where}.{alias.name}" for alias in node.names if alias.name.startswith("_")]
    assert crossing == []


def test_every_lesson_module_is_named_after_a_notebook_topic():
    """One topic name per notebook across layers (CONTRIBUTING.md): each public module of experiments, plots,
    widgets and checks is named after a topic in tools/nav.py, which links every notebook to its files."""
    spec = importlib.util.spec_from_file_location("nav", ROOT / "tools" / "nav.py")
    nav = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(nav)
    topics = set(nav.TOPICS.values())
    shared = {"plots/locks.py"}  # notebook 02's lock plots, drawn for any lock in later notebooks too
    stray = [
        f"{layer}/{path.name}"
        for layer in ("experiments", "plots", "widgets", "checks")
        for path in (ROOT / "synclab" / layer).glob("*.py")
        if not path.name.startswith("_") and path.stem not in topics and f"{layer}/{path.name}" not in shared
    ]
    assert stray == [], f"modules not named after a notebook topic: {stray}"
