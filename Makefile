# Two commands on a fresh machine (Python 3.11 and make, nothing else):
#   make test    builds .venv from the pinned lock, runs ruff, mypy and every test
#   make report  builds .venv and executes + renders every notebook
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: test report lint lock lab datapackage bench clean

$(STAMP): requirements.txt pyproject.toml
	@echo ">> building $(VENV) from requirements.txt (pinned lock)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	@$(BIN)/uv pip sync --quiet --python $(BIN)/python --compile-bytecode requirements.txt
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --no-deps -e .
	@touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m ruff check analysis tests benchmarks
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

report: $(STAMP)
	$(BIN)/python -m analysis report

# JupyterLab on notebooks/ with this project's .venv kernel, even when a user-level
# kernelspec named python3 points at another Python (JUPYTER_PREFER_ENV_PATH puts the
# venv's kernelspecs first); --allow-root only when run as root. Extra options:
# make lab LAB_ARGS="--no-browser --ServerApp.port=8899"
lab: $(STAMP)
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)/notebooks" \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/python -m ruff check analysis tests benchmarks
	$(BIN)/python -m mypy

datapackage: $(STAMP)
	$(BIN)/python -c "from pathlib import Path; from analysis import metadata; metadata.write_json(Path('data/datapackage.json'), metadata.datapackage())"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_models.py
	$(BIN)/python benchmarks/bench_report.py

lock:
	$(BIN)/uv pip compile requirements.in -o requirements.txt --python-version 3.11

clean:
	rm -rf $(VENV) build .pytest_cache
