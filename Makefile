# Two commands on a fresh machine: `make run` serves, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test lint format bench bench-peers bench-compare clean compile chromium haproxy scale screenshot

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

# The scale-out (deploy/) runs behind Debian's HAProxy; its live test starts one.
haproxy:
	@command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq haproxy; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq haproxy; fi; }

# The Postman collections run under newman (npm) in the contract tests.
NEWMAN = .tools/node_modules/.bin/newman
$(NEWMAN):
	npm install --silent --no-audit --no-fund --prefix .tools newman@6

test: $(STAMP) chromium haproxy $(NEWMAN)
	$(BIN)/ruff check sandbox tests bench deploy
	$(BIN)/ruff format --check sandbox tests bench deploy
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sandbox tests bench deploy

format: $(STAMP)
	$(BIN)/ruff format sandbox tests bench deploy
	$(BIN)/ruff check --fix sandbox tests bench deploy

# `make bench PEERS=1` (or `make bench ARGS=--peers`, `make bench-peers`): the sandbox beside Prism, WireMock and
# moto, as ratios (bench/peers.py); ARGS go to bench/run.py.
bench: compile $(if $(or $(PEERS),$(findstring --peers,$(ARGS))),haproxy)
	$(BIN)/python bench/run.py $(if $(PEERS),--peers) $(ARGS)

bench-peers: compile haproxy
	$(BIN)/python bench/peers.py

# N instances behind HAProxy on one port, tenants routed by key (deploy/): `make scale N=3 [PORT=8700] [MEMORY=1]`.
N ?= 2
PORT ?= 8700
scale: compile haproxy
	$(BIN)/python deploy/scaleout.py --instances $(N) --port $(PORT) $(if $(MEMORY),--memory)

clean:
	rm -rf $(VENV) .sandbox-data .pytest_cache

# A/B against an earlier revision, e.g. `make bench-compare REV=d0c2ec6`: alternating servers, medians, ratios.
bench-compare: compile
	cd bench && ../$(BIN)/python compare.py $(REV)

# The README's dashboard picture, regenerated from the demo story in a real browser.
screenshot: $(STAMP) chromium
	$(BIN)/python docs/screenshot.py
