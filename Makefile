# Two commands on a fresh machine: `make run` serves, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test lint format bench bench-compare clean compile chromium screenshot

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Byte-compile the sources: an editable install leaves none, and where PYTHONDONTWRITEBYTECODE is set
# Python would compile every module at each start (about 25 ms of the 0.3 s start budget).
compile: $(STAMP)
	$(BIN)/python -m compileall -q sandbox

run: compile
	$(BIN)/campaign-sandbox serve --data-dir .sandbox-data

# The dashboard's browser tests drive Debian's Chromium (Playwright's own browser download is not reachable).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

# The Postman collections run under newman (npm) in the contract tests.
NEWMAN = .tools/node_modules/.bin/newman
$(NEWMAN):
	npm install --silent --no-audit --no-fund --prefix .tools newman@6

test: $(STAMP) chromium $(NEWMAN)
	$(BIN)/ruff check sandbox tests bench
	$(BIN)/ruff format --check sandbox tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sandbox tests bench

format: $(STAMP)
	$(BIN)/ruff format sandbox tests bench
	$(BIN)/ruff check --fix sandbox tests bench

bench: compile
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .sandbox-data .pytest_cache

# A/B against an earlier revision, e.g. `make bench-compare REV=d0c2ec6`: alternating servers, medians, ratios.
bench-compare: compile
	cd bench && ../$(BIN)/python compare.py $(REV)

# The README's dashboard picture, regenerated from the demo story in a real browser.
screenshot: $(STAMP) chromium
	$(BIN)/python docs/screenshot.py
