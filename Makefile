# synclab: `make lab` to learn, `make test` to check everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Seconds any one notebook cell may run before nbval fails it.
CELL_TIMEOUT ?= 60
# Jupyter refuses to run as root unless told to (containers, CI machines).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
NBVAL := --nbval --nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test test-matrix nbval-repeat answers bench bench-versions binder-check notebooks lint clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "synclab needs Python 3.10 or newer; try: make $(MAKECMDGOALS) PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall when pyproject.toml changes.
$(VENV)/.course: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(VENV)/.course $@

# Defaults for the course's own JupyterLab only: no "Would you like to get notified about official
# Jupyter news?" pop-up and no update check. JupyterLab reads settings overrides from the
# overrides.d folder of its application directory, which is inside .venv; the learner's own
# settings (~/.jupyter/lab/user-settings) are not touched, and a choice made there still wins.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/synclab.json

$(LAB_OVERRIDES): tools/jupyterlab_overrides.json | $(VENV)/.course
	@mkdir -p $(dir $@)
	cp $< $@

## lab: install the course into .venv and open JupyterLab on the first notebook
lab: $(VENV)/.course $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT) notebooks/00-start-here.ipynb

## test: unit tests, widget tests and strict nbval over every notebook
test: $(VENV)/.test
	$(BIN)/python -m pytest -rs tests notebooks $(NBVAL)

## test-matrix: unit tests and nbval under CPython 3.10-3.13 (pyenv or PATH) and 3.14, 3.15 (in a Debian
## unstable root that tools/debian_root.py builds and caches in .cache/; needs root); VERSIONS="3.15" picks some
VERSIONS ?=
test-matrix: | $(BIN)/python
	$(BIN)/python tools/matrix.py $(VERSIONS)

## nbval-repeat: strict nbval over every notebook, REPEAT times in a row (default 10); stops at the first failure
REPEAT ?= 10
nbval-repeat: $(VENV)/.test
	@for i in $$(seq 1 $(REPEAT)); do \
	  echo "== nbval run $$i of $(REPEAT)"; \
	  $(BIN)/python -m pytest -q -p no:cacheprovider notebooks $(NBVAL) || exit 1; \
	done

## answers: judge every exercise's wrong answers and accepted variants RUNS times (default 10) with both cores busy
RUNS ?= 10
answers: $(VENV)/.test
	$(BIN)/python tools/busy.py -- $(BIN)/python tools/answers.py --runs $(RUNS) $(EXERCISES)

## bench: print the speed and memory figures (never asserted)
bench: $(VENV)/.test
	@for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

## bench-versions: measure, on every CPython 3.10-3.15, the facts the notebooks rely on (printed, never asserted)
bench-versions: $(VENV)/.course
	$(BIN)/python benchmarks/bench_versions.py --all

## binder-check: ask repo2docker's current release (in a throwaway venv) which Python Binder builds
binder-check: | $(BIN)/python
	$(BIN)/python tools/binder_python.py

## notebooks: refresh navigation and time estimates, and re-run every notebook in place so stored outputs are current
notebooks: $(VENV)/.test
	$(BIN)/python tools/nav.py notebooks/*.ipynb
	$(BIN)/python tools/reading_time.py notebooks/*.ipynb
	$(BIN)/python tools/run_notebooks.py notebooks/*.ipynb

## lint: ruff over the package, tests and notebooks
lint: | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

clean:
	rm -rf $(VENV) .venv-matrix .pytest_cache build *.egg-info tests/artifacts
