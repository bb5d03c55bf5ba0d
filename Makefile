# Thin wrappers around the weeknotes CLI. On a fresh clone, `make build` and `make test`
# create .venv and install what they need by themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONTENT ?= content
OUTPUT ?= public

.PHONY: install build check serve test bench lint fmt clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/weeknotes build --content $(CONTENT) --output $(OUTPUT)

check: $(STAMP)
	$(BIN)/weeknotes check --content $(CONTENT)

serve: $(STAMP)
	$(BIN)/weeknotes serve --content $(CONTENT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/pip install --quiet ruff mypy types-PyYAML
	$(BIN)/ruff check weeknotes tests benchmarks
	$(BIN)/mypy weeknotes

fmt: $(STAMP)
	$(BIN)/pip install --quiet ruff
	$(BIN)/ruff format weeknotes tests benchmarks

clean:
	rm -rf $(VENV) $(OUTPUT) .pytest_cache .mypy_cache .ruff_cache $(CONTENT)/.weeknotes-cache test-artifacts
