# Two commands do everything on a fresh machine:
#   make report   set up, build the demo extract, run the quarterly refresh, print the index path
#   make test     set up, build the demo extract, run the whole test suite (unit, integration, notebooks)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
QUARTER ?= 2025-26 Q4
DATA ?= data/demo

.PHONY: report test setup demo notebooks benchmark clean

report: setup demo
	$(BIN)/python -m analysis refresh --quarter "$(QUARTER)" --data $(DATA) --out reports

test: setup demo
	$(BIN)/python -m pytest

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

# Re-execute the committed notebooks in place on the demo data (after changing a report).
notebooks: setup demo
	for nb in notebooks/[0-9][0-9]_*.ipynb; do $(BIN)/papermill --no-progress-bar -k yjs-analysis --cwd notebooks "$$nb" "$$nb" || exit 1; done

benchmark: setup
	$(BIN)/python benchmarks/refresh.py

clean:
	rm -rf $(VENV) data/demo work reports/*/ reports/.build-* .pytest_cache
