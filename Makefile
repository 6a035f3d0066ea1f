# The single entry point for humans and CI. `make run` and `make test` are the README's
# two set-up commands: each works on a fresh clone with Python 3.11+.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Throwaway values for the production-like checks (never used to serve anything).
PROD_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=ci-only-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	DJANGO_ALLOWED_HOSTS=example.org

.PHONY: help install install-dev run demo test test-fast lint format messages check check-deploy ci clean

help:
	@echo "make run        set up (venv, install, migrate, demo data, demo admin) and serve on $(HOST):$(PORT)"
	@echo "make test       install dev tools, then lint, checks and the whole test suite"
	@echo "make test-fast  the suite without browser tests"
	@echo "make lint       ruff and djhtml checks;  make format rewrites files"
	@echo "make messages   update and compile the translation catalogues"

$(PY):
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

.env:
	cp .env.example .env

demo: install .env
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) ensure_demo_admin

run: demo
	$(MANAGE) runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

check: install-dev .env
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run

check-deploy: install-dev
	env $(PROD_ENV) $(MANAGE) check --deploy --fail-level WARNING

test: install-dev lint check check-deploy
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install-dev
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

messages: install-dev
	$(MANAGE) makemessages -l fr -l nl -l en -l de --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=bench
	$(MANAGE) compilemessages --ignore=.venv

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
