# The two commands of the contract: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium
FAKETIME := /usr/bin/faketime
export NEWSSTAND_DATA_DIR ?= ./var

.PHONY: install test-deps run test test-only test-future lint bench check clean screenshots

install: $(STAMP)

# Browser tests drive Debian's Chromium (playwright's own browser download cannot run here) and inject axe-core.
test-deps: node_modules/.installed-stamp $(CHROMIUM) /usr/bin/wrk $(FAKETIME) /usr/bin/newsboat /usr/bin/tmux

$(CHROMIUM):
	apt-get install -y --no-install-recommends chromium || (apt-get update && apt-get install -y --no-install-recommends chromium)

/usr/bin/wrk:  # the load generator of bench/web (its smoke test runs in make test)
	apt-get install -y --no-install-recommends wrk || (apt-get update && apt-get install -y --no-install-recommends wrk)

/usr/bin/newsboat:  # the real reader app the API tests sync with (tests/api/newsboat.py)
	apt-get install -y --no-install-recommends newsboat || (apt-get update && apt-get install -y --no-install-recommends newsboat)

/usr/bin/tmux:  # drives newsboat's screen in those tests (send-keys)
	apt-get install -y --no-install-recommends tmux || (apt-get update && apt-get install -y --no-install-recommends tmux)

$(FAKETIME):  # libfaketime, for the suite's run under a clock a year ahead (make test-future)
	apt-get install -y --no-install-recommends faketime || (apt-get update && apt-get install -y --no-install-recommends faketime)

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

# TEST_CLOCK=+365d: the suite under a clock moved that far (see test-future; CI runs `make test TEST_CLOCK=+365d`).
TEST_CLOCK ?=
test-only:
	$(if $(TEST_CLOCK),env -u DATABASE_URL NEWSSTAND_EXPECT_DB=sqlite $(FAKETIME) -f $(TEST_CLOCK)) $(BIN)/pytest -n 2 --dist loadgroup

# The suite with every process it starts (workers, the web server, commands, Chromium) a year ahead, so that a test
# which compares a fixed date with the clock fails now rather than on the day that date goes stale. SQLite only:
# libfaketime cannot move PostgreSQL's server. The monotonic clock moves too (libfaketime's default): with
# FAKETIME_DONT_FAKE_MONOTONIC, libfaketime 0.9.10 makes Python 3.11's time.sleep fail (EINVAL) and, unless
# FAKETIME_FORCE_MONOTONIC_FIX=0, Chromium hang at exit. The price of the default: a Python lock wait with a
# timeout (Event.wait(t)) ends only when the lock is released.
test-future:
	$(MAKE) test TEST_CLOCK=+365d

# Every page type at phone and desktop size, light and dark, from the browser tests' seeded site (axe-core checks
# each): the pictures in docs/screenshots/ that the README links to.
screenshots: install test-deps
	rm -f docs/screenshots/*.jpeg
	NEWSSTAND_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest -n 0 -q tests/browser/test_axe.py -k page_type

lint: install
	$(BIN)/ruff check newsstand testkit tests bench
	$(BIN)/ruff format --check newsstand testkit tests bench
	$(BIN)/lint-imports

check: lint test

bench: install
	$(BIN)/python -m bench.crawl
	$(BIN)/python -m bench.extraction

clean:
	rm -rf $(VENV) var test-artifacts
