# xinfang: the two commands are `make run` and `make test`. Everything else is a helper they call.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
XF := $(BIN)/xinfang
DEMO_CASES ?= 2400
DEMO_SEED ?= 20260301
DEMO_HISTORIES ?= # empty: every demo petition goes through its course (xinfang demo --histories)
PYTEST_ARGS ?=
PG_URL ?= postgres://postgres@127.0.0.1:5432/xinfang
# The role the suite connects as on PostgreSQL: owns nothing, may only read and append the audit trail
# (scripts/pg-app-role); PG_URL's user owns the test databases and migrates them.
PG_APP_ROLE ?= xinfang_app
PG_APP_URL ?= $(shell $(PYTHON) -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); \
  print(p._replace(netloc=sys.argv[2] + "@" + p.netloc.rpartition("@")[2]).geturl())' '$(PG_URL)' '$(PG_APP_ROLE)')

.PHONY: federation-demo run dev test test-pg lint check install install-test system-deps assets demo worker clean bench prod-check \
  backup-test lock check-lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Every Python package comes from the lock, pinned and checked by hash; xinfang itself is installed on top
# without resolving anything (its dependencies are already there, exactly as locked).
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install -q --require-hashes -r requirements-test.txt
	touch $@

## make lock: re-resolve pyproject.toml into requirements.txt and requirements-test.txt (pinned, hashed, for
## every platform). Existing pins are kept unless UPGRADE=1 (all) or UPGRADE_PACKAGE=name (one) is given.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
  --no-emit-index-url --no-emit-find-links --custom-compile-command 'make lock' --quiet \
  $(if $(UPGRADE),--upgrade) $(if $(UPGRADE_PACKAGE),--upgrade-package $(UPGRADE_PACKAGE))
lock: | $(BIN)/python
	$(BIN)/pip install -q 'uv>=0.5'
	$(UV_COMPILE) -o requirements.txt
	$(UV_COMPILE) --extra test -o requirements-test.txt
	$(BIN)/python scripts/check-lock

check-lock:
	@$(PYTHON) scripts/check-lock

install: $(VENV)/.installed assets
install-test: $(VENV)/.installed-test assets system-deps

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

assets: node_modules/.installed

system-deps:
	@scripts/system-deps

## make run: set up, load the demo county and demo petitions, start gunicorn (DEBUG off) and the worker.
## Static files are hashed (cacheable forever) but not pre-compressed: brotli over simpleui's and echarts'
## 200 MB took minutes on a busy machine; a production collectstatic (docs/deploy.md) compresses them.
run: export XF_STATICFILES_STORAGE = django.contrib.staticfiles.storage.ManifestStaticFilesStorage
run: install
	$(XF) migrate --no-input -v0
	$(XF) collectstatic --no-input -v0
	$(XF) demo --cases $(DEMO_CASES) --seed $(DEMO_SEED) $(if $(DEMO_HISTORIES),--histories $(DEMO_HISTORIES)) --if-empty
	@scripts/run

## make dev: the same data, served by Django's runserver with DEBUG on (tracebacks, no collectstatic).
dev: install
	XF_DEBUG=1 $(XF) migrate --no-input -v0
	XF_DEBUG=1 $(XF) demo --cases $(DEMO_CASES) --seed $(DEMO_SEED) $(if $(DEMO_HISTORIES),--histories $(DEMO_HISTORIES)) --if-empty
	@scripts/run-dev

## make federation-demo: province, city and county instances on 127.0.0.1:8730-8732 and a matter walked
## across them, step by step (docs/federation.md); INTERRUPT=1 also stops the county mid-way.
federation-demo: install
	$(BIN)/python scripts/federation-demo $(if $(INTERRUPT),--interrupt)

demo: install
	XF_DEBUG=1 $(XF) migrate --no-input -v0
	XF_DEBUG=1 $(XF) demo --cases $(DEMO_CASES) --seed $(DEMO_SEED) $(if $(DEMO_HISTORIES),--histories $(DEMO_HISTORIES))

worker: install
	XF_DEBUG=1 $(XF) run_huey

## make test: install everything the tests need (Debian packages included), lint, check, run the suite
## on one worker per core (PYTEST_ARGS="-n 0" runs it in one process; tests/conftest.py keeps the order).
test: check-lock install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python scripts/check-layers
	$(BIN)/bandit -r src -q -ll -x '*/migrations/*'
	$(XF) check --fail-level WARNING
	$(XF) makemigrations --check --dry-run
	XF_STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	  $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

## The same suite against PostgreSQL (CI runs it after `make test`), connected as the restricted application
## role as a site is; PG_URL's user (the owner) creates, migrates and drops the test databases (tests/dbroles.py).
test-pg: install-test
	$(BIN)/python scripts/pg-app-role --owner-url $(PG_URL) --role $(PG_APP_ROLE) --role-only
	XF_DATABASE_URL=$(PG_APP_URL) XF_MIGRATE_DATABASE_URL=$(PG_URL) \
	  XF_STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	  $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)
	# What only the owner may do (the bench's SQL copy in replica mode, the chain migration lifting the audit
	# triggers) is skipped for the application's role above and runs here as the owner.
	XF_DATABASE_URL=$(PG_URL) XF_STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	  $(BIN)/python -m pytest -n 0 -q tests/bench/test_generate.py tests/bench/test_province_smoke.py tests/audit/test_chain.py

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

## make bench SIZE=N [DB=sqlite|postgres] [SHAPE=county|province]: build an N-petition database, measure, write bench/results/ (bench/README.md).
SIZE ?= 100000
DB ?= sqlite postgres
SHAPE ?= county
bench: install
	@for db in $(DB); do $(BIN)/python -m bench.run --size $(SIZE) --db $$db --shape $(SHAPE) || exit 1; done

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
