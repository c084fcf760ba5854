# Two commands do everything on a fresh machine:
#   make report   set up, build the demo extract, run the quarterly refresh, print the index path
#   make test     set up, build the demo extract, run the whole test suite (unit, integration, end to end, notebooks)
# For day-to-day work:
#   make test-fast   the unit tests (under a minute)
#   make dev         also install JupyterLab, ruff, mypy and pre-commit, and the pre-commit hooks
#   make lint        ruff (lint and format check) and mypy
#   make notebooks   re-execute the committed notebooks on the demo data, then tidy them
#   make golden      refresh the demo quarter and make its figures.csv the golden copy the tests compare with
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
QUARTER ?= 2025-26 Q4
empty :=
space := $(empty) $(empty)
DATA ?= data/demo

.PHONY: report test test-fast setup dev lint demo notebooks golden benchmark clean

report: setup demo
	$(BIN)/python -m analysis refresh --quarter "$(QUARTER)" --data $(DATA) --out reports

test: setup demo
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest tests/unit

dev: setup
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	$(BIN)/pre-commit install

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name yjs-analysis --display-name "Python (YJS analysis)"
	touch $@

demo: setup data/demo/extract_info.csv

data/demo/extract_info.csv: $(wildcard src/analysis/demo/*.py) src/analysis/data/contract.py src/analysis/data/codes.py
	$(BIN)/python -m analysis demo --out data/demo

# Re-execute the committed notebooks in place on the demo data (after changing a report), then remove what changes
# from run to run (timestamps) and what nbval never compares (chart images), so the diff shows only what changed.
notebooks: setup demo
	for nb in notebooks/[0-9][0-9]_*.ipynb; do $(BIN)/papermill --no-progress-bar -k yjs-analysis --cwd notebooks "$$nb" "$$nb" || exit 1; done
	$(BIN)/python -m analysis tidy-notebooks

# The demo quarter's figures.csv becomes the golden copy tests/e2e/test_golden_figures.py compares every refresh with.
# Run it only when a change to a published figure is intended, and commit the file's diff with the change.
golden: setup demo
	$(BIN)/python -m analysis refresh --quarter "$(QUARTER)" --data data/demo --out work/golden/reports --work work/golden/work --no-pdf --no-progress
	cp "work/golden/reports/$(subst $(space),-,$(QUARTER))/figures.csv" "tests/golden/figures-$(subst $(space),-,$(QUARTER)).csv"
	cp "work/golden/reports/$(subst $(space),-,$(QUARTER))/figures.meta.csv" "tests/golden/figures-$(subst $(space),-,$(QUARTER)).meta.csv"

benchmark: setup
	$(BIN)/python benchmarks/refresh.py

clean:
	rm -rf $(VENV) data/demo work reports/*/ reports/.build-* .pytest_cache
