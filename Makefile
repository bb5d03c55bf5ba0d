# Thin wrappers around the weeknotes CLI. On a fresh clone, `make build` and `make test`
# create .venv and install what they need by themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime
CONTENT ?= content
OUTPUT ?= public

.PHONY: install build check serve test golden bench lint fmt clean browser-deps system-deps

install: $(STAMP)

# Building needs weeknotes and its runtime dependencies only; the test tools (pytest,
# playwright, actionlint, ...) come with `make test` (or `make install`).
$(RUNTIME_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	$(BIN)/python -m compileall -q weeknotes
	touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(RUNTIME_STAMP)
	$(BIN)/weeknotes build --content $(CONTENT) --output $(OUTPUT)

check: $(RUNTIME_STAMP)
	$(BIN)/weeknotes check --content $(CONTENT)

serve: $(RUNTIME_STAMP)
	$(BIN)/weeknotes serve --content $(CONTENT)

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -q

# Write tests/golden/basic/ again from tests/sites/basic/ (after a change meant to change
# output); read `git diff tests/golden` before committing: each golden file is a claim.
golden: $(STAMP)
	$(BIN)/python -m tests.golden

# What the outside checkers need (tests/test_html_valid.py, tests/test_browser.py): Debian's
# chromium and a Java runtime, installed with apt-get only when missing and only as root, and
# the npm packages vnu-jar and axe-core (no install scripts: vnu-jar's would download a JDK).
# Where they cannot be installed, those tests skip with the reason (and fail when CI is set).
BROWSER_DIR := tests/browser
NODE_STAMP := $(BROWSER_DIR)/node_modules/.installed

browser-deps: $(STAMP) system-deps $(NODE_STAMP)

system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing$$missing with apt-get"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	    || echo "warning: could not install$$missing: the browser and HTML-validity tests will skip"; \
	else \
	  echo "note: missing$$missing; install with apt-get (as root), or the browser and HTML-validity tests skip"; \
	fi

$(NODE_STAMP): $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  (cd $(BROWSER_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch node_modules/.installed) \
	    || echo "warning: npm ci failed in $(BROWSER_DIR): the browser and HTML-validity tests will skip"; \
	else \
	  echo "note: npm not found: install Node.js and npm, or the browser and HTML-validity tests skip"; \
	fi

# BENCH_ARGS go to the runner, e.g. `make bench BENCH_ARGS="--sizes 100000 --runs 1"`.
# Bytecode is compiled first: an editable install writes none, and where
# PYTHONDONTWRITEBYTECODE is set every run would compile weeknotes' modules again (0.1 s of
# each build, which an installed wheel never pays).
bench: $(STAMP)
	$(BIN)/python -m compileall -q weeknotes
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/serve_example.py

lint: $(STAMP)
	$(BIN)/pip install --quiet ruff mypy types-PyYAML
	$(BIN)/ruff check weeknotes tests benchmarks
	$(BIN)/mypy weeknotes tests

fmt: $(STAMP)
	$(BIN)/pip install --quiet ruff
	$(BIN)/ruff format weeknotes tests benchmarks

clean:
	rm -rf $(VENV) $(OUTPUT) internal preview .pytest_cache .mypy_cache .ruff_cache $(CONTENT)/.weeknotes-cache test-artifacts \
	  $(BROWSER_DIR)/node_modules
