# Two commands on a fresh machine: `make run` serves, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/campaign-sandbox serve --data-dir .sandbox-data

test: $(STAMP)
	$(BIN)/ruff check sandbox tests bench
	$(BIN)/ruff format --check sandbox tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sandbox tests bench

format: $(STAMP)
	$(BIN)/ruff format sandbox tests bench
	$(BIN)/ruff check --fix sandbox tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .sandbox-data .pytest_cache
