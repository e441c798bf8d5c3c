# Nara — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NARA := $(BIN)/nara

.PHONY: run test lint typecheck pytest seed import-gov24 bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.run-installed

## make run: install, migrate, seed and serve the portal on http://127.0.0.1:8000 (SQLite under var/)
run: $(VENV)/.run-installed
	NARA_ENV=development $(NARA) db upgrade
	NARA_ENV=development $(NARA) catalog seed
	NARA_ENV=development $(NARA) registry load --households 1000 --if-empty
	NARA_ENV=development $(NARA) serve

## make test: lint, type-check, architecture contracts, then the suite (SQLite; PostgreSQL too when
## NARA_TEST_DATABASE_URL is set)
test: $(VENV)/.dev-installed lint typecheck pytest

lint:
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/lint-imports --no-cache

typecheck:
	$(BIN)/mypy

pytest:
	NARA_TEST_TARGET=sqlite $(BIN)/pytest -n 2 -q
	@if [ -n "$$NARA_TEST_DATABASE_URL" ]; then \
		echo "== the suite again, against PostgreSQL ($$NARA_TEST_DATABASE_URL)"; \
		NARA_TEST_TARGET=postgresql $(BIN)/pytest -q -m "not browser and not spark and not pure"; \
	else echo "NARA_TEST_DATABASE_URL is not set: PostgreSQL run skipped (.ci/run sets it)."; fi

## make import-gov24 FILE=...: import a national catalog dump into the development database
import-gov24: $(VENV)/.run-installed
	$(NARA) db upgrade && $(NARA) catalog import-gov24 $(FILE)

## make bench: the catalog benchmark (needs ../shared/data for the 10k dump)
bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/catalog.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
