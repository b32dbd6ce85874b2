# Kezek — every task a newcomer or CI needs. `make help` lists them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)

.DEFAULT_GOAL := help
.PHONY: help install run serve worker test lint typecheck importlint pytest bench translations demo migrate browser clean

help: ## List the tasks
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) translations ## Create the virtual environment and install Kezek with its tools

translations: $(STAMP) ## Compile the kk/ru/en message catalogs
	@for po in src/kezek/web/translations/*/LC_MESSAGES/*.po; do \
	  $(BIN)/pybabel compile -i "$$po" -o "$${po%.po}.mo" >/dev/null 2>&1 || { echo "cannot compile $$po" >&2; exit 1; }; done

migrate: install ## Migrate the database (KEZEK_DATABASE_URL, default var/kezek.db)
	$(BIN)/kezek db upgrade

demo: migrate ## Load the small deterministic demo dataset if the database is empty
	$(BIN)/kezek demo load --if-empty

run: demo ## First command: install, migrate, load the demo, serve at http://127.0.0.1:8000
	$(BIN)/kezek serve

worker: install ## Run the background worker beside `kezek serve` (KEZEK_WORKER_MODE=external)
	$(BIN)/kezek worker

browser: ## Install Debian's chromium for the browser tests (root; skipped if present)
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "install Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

lint: install ## ruff, mypy and the import-linter contracts
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

pytest: install browser ## The whole test suite (SQLite; PostgreSQL too when KEZEK_TEST_DATABASE_URL is set)
	$(BIN)/pytest -n 2 --dist loadfile

test: lint pytest ## Second command: lint and the whole test suite

bench: install ## Run the benchmarks in bench/ and print their figures
	$(BIN)/python -m bench

clean: ## Remove the virtual environment and local data under var/
	rm -rf $(VENV) var
