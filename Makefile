# xinfang: the two commands are `make run` and `make test`. Everything else is a helper they call.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
XF := $(BIN)/xinfang
DEMO_CASES ?= 3000
DEMO_SEED ?= 20260301
DEMO_HISTORIES ?= 120
PYTEST_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/xinfang

.PHONY: run test test-pg lint check install install-test system-deps assets demo worker clean bench prod-check backup-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed assets
install-test: $(VENV)/.installed-test assets system-deps

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

assets: node_modules/.installed

system-deps:
	@scripts/system-deps

## make run: set up, load the demo county and demo petitions, start the web server and the worker.
run: install
	XF_DEBUG=1 $(XF) migrate --no-input -v0
	XF_DEBUG=1 $(XF) demo --cases $(DEMO_CASES) --seed $(DEMO_SEED) --histories $(DEMO_HISTORIES) --if-empty
	@scripts/run-dev

demo: install
	XF_DEBUG=1 $(XF) migrate --no-input -v0
	XF_DEBUG=1 $(XF) demo --cases $(DEMO_CASES) --seed $(DEMO_SEED) --histories $(DEMO_HISTORIES)

worker: install
	XF_DEBUG=1 $(XF) run_huey

## make test: install everything the tests need (Debian packages included), lint, check, run the suite
## on one worker per core (PYTEST_ARGS="-n 0" runs it in one process; tests/conftest.py keeps the order).
test: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python scripts/check-layers
	$(BIN)/bandit -r src -q -ll -x '*/migrations/*'
	$(XF) check --fail-level WARNING
	$(XF) makemigrations --check --dry-run
	XF_STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	  $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

## The same suite against PostgreSQL (CI runs it after `make test`).
test-pg: install-test
	XF_DATABASE_URL=$(PG_URL) XF_STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	  $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

## make bench SIZE=N [DB=sqlite|postgres]: build an N-petition database, measure, write bench/results/ (bench/README.md).
SIZE ?= 100000
DB ?= sqlite postgres
bench: install
	@for db in $(DB); do $(BIN)/python -m bench.run --size $(SIZE) --db $$db || exit 1; done

## make prod-check: Django's deployment checks, clean, with production values (docs/deploy.md).
prod-check: install
	XF_DEBUG=0 XF_SECURE=1 XF_ALLOWED_HOSTS=xinfang.example.gov.cn XF_LOG_FORMAT=json \
	  XF_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	  $(XF) check --deploy --fail-level WARNING

## make backup-test: back up a PostgreSQL demo database, restore it into another, compare (PG_URL's server).
backup-test: install
	PG_URL=$(PG_URL) scripts/test-backup-restore --cases 2000 --seed 7

clean:
	rm -rf $(VENV) node_modules var
