# Maillage — the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install run test test-unit lint typecheck servers-install browser-install clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Run the whole platform on embedded defaults (SQLite, in-process bus, local index, bundled model, demo data).
run: install
	$(VENV)/bin/maillage run

## Run every test: unit, contract, integration and end-to-end, against real Kafka, Elasticsearch, PostgreSQL
## started (and stopped, also on failure) by scripts/rig.
test: install lint typecheck servers-install browser-install k8s-check
	MAILLAGE_REQUIRE_SERVERS=1 $(PY) -m scripts.rig run -- $(PY) -m pytest $(PYTEST_ARGS)

browser-install:
	sh scripts/browser_install.sh

servers-install: install
	$(PY) -m scripts.rig install

## Fast feedback without servers (tests that need them are skipped here, never in `make test`).
test-unit: install
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy common contracts services gateway maillage scripts bench tests

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache

include deploy/k8s/validate/k8s.mk
include bench/bench.mk
