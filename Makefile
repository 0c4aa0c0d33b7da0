# Two commands matter: `make run` (the app with its Celery worker and beat) and
# `make test` (the whole pytest suite). Both create .venv when it is missing and
# reinstall requirements only when a requirements file changed (stamp files).
#
# With no environment they use SQLite and a file-system Celery broker under var/;
# with DATABASE_URL and CELERY_BROKER_URL set, PostgreSQL and Redis.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.stamp-requirements
TEST_STAMP := $(VENV)/.stamp-requirements-test
PIP_FLAGS := --quiet --disable-pip-version-check

# Browser tests drive Debian's chromium through Playwright; never `playwright install`.
export CHROMIUM_PATH ?= /usr/bin/chromium

# In CI nothing may be skipped silently: no cache, strict markers, every skip
# reason printed, and a JUnit report that .ci/run checks for skipped tests.
ifneq ($(filter true 1 yes,$(CI)),)
CI_PYTEST_OPTS := -p no:cacheprovider --strict-markers -rs
CI_JUNIT = --junitxml=var/ci-junit-$(1).xml
endif
PYTEST_ARGS ?=
# The bulk of the suite runs on one pytest-xdist worker per CPU, each with its own test
# database; the browser and fault tests then run on their own, since they start real
# processes and time them. Exit code 5 (nothing selected, e.g. by PYTEST_ARGS) is not a failure
# of one part; .ci/run checks that something ran.
TEST_WORKERS ?= auto

.PHONY: help run test bench messages venv deps test-deps clean

help:
	@echo "make run    start the web app on http://127.0.0.1:8000 with a Celery worker and beat"
	@echo "make test   run the whole test suite (PostgreSQL when DATABASE_URL is set)"
	@echo "make bench  run the benchmarks in bench/"

$(PY):
	$(PYTHON3) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(PY)
	@echo "Installing requirements.txt into $(VENV) ..."
	$(PY) -m pip install $(PIP_FLAGS) -r requirements.txt
	@touch $@

$(TEST_STAMP): requirements.txt requirements-test.txt | $(PY)
	@echo "Installing requirements-test.txt into $(VENV) ..."
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-test.txt
	@touch $@

venv: $(PY)
deps: $(RUN_STAMP)
test-deps: $(TEST_STAMP)

# Compile translations when there are any .po files (never those inside .venv).
messages: $(RUN_STAMP)
	@bin/compilemessages

run: $(RUN_STAMP)
	@bin/run

test: $(TEST_STAMP)
	@bin/compilemessages
	@mkdir -p var
	$(PY) -m pytest -n $(TEST_WORKERS) -m "not browser and not faults" $(CI_PYTEST_OPTS) $(call CI_JUNIT,parallel) $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PY) -m pytest -m "browser or faults" $(CI_PYTEST_OPTS) $(call CI_JUNIT,serial) $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Every bench/*.py (but _helpers.py), run from the project root with the venv's python.
bench: $(TEST_STAMP)
	@shopt -s nullglob; files=(bench/[!_]*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "No benchmarks in bench/ yet."; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; PYTHONPATH="$(CURDIR)" $(PY) "$$f"; done

clean:
	rm -rf staticfiles var/ci-junit-*.xml
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
