# The two commands of the contract: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium
export NEWSSTAND_DATA_DIR ?= ./var

.PHONY: install test-deps run test test-only lint bench check clean

install: $(STAMP)

# Browser tests drive Debian's Chromium (playwright's own browser download cannot run here) and inject axe-core.
test-deps: node_modules/.installed-stamp $(CHROMIUM) /usr/bin/wrk

$(CHROMIUM):
	apt-get install -y --no-install-recommends chromium || (apt-get update && apt-get install -y --no-install-recommends chromium)

/usr/bin/wrk:  # the load generator of bench/web (its smoke test runs in make test)
	apt-get install -y --no-install-recommends wrk || (apt-get update && apt-get install -y --no-install-recommends wrk)

node_modules/.installed-stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	DEBUG=$${DEBUG:-1} $(BIN)/newsstand migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/newsstand load-default-sources --if-empty
	DEBUG=$${DEBUG:-1} exec $(BIN)/newsstand serve

test: install test-deps test-only

test-only:
	$(BIN)/pytest -n 2 --dist loadgroup

lint: install
	$(BIN)/ruff check newsstand tests bench
	$(BIN)/ruff format --check newsstand tests bench
	$(BIN)/lint-imports

check: lint test

bench: install
	$(BIN)/python -m bench.crawl
	$(BIN)/python -m bench.extraction

clean:
	rm -rf $(VENV) var test-artifacts
