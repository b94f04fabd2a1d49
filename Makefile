# Everyday commands. `make run` and `make test` are the whole Quick start: each first runs
# scripts/bootstrap.sh (system packages + .venv), which is quick once everything is there.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
BIN := .venv/bin
LINT_PATHS := src tests bench
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup run run-xvfb test lint format bench screenshots package package-check clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

setup: ## install missing Debian packages (as root) and the project into .venv
	@scripts/bootstrap.sh

# Qt aborts with a core dump when it finds no display; say what to do instead.
run: setup ## start the app
	@if [[ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}$${QT_QPA_PLATFORM:-}" ]]; then \
	    echo "No display found: run this from a desktop session, or try" \
	         "\`make run-xvfb\` or \`$(BIN)/routineplayer play warm-up --audio-only\`." >&2; \
	    exit 1; \
	fi
	$(BIN)/routineplayer

run-xvfb: setup ## start the app on a virtual X screen (no window you can see; sound plays)
	xvfb-run --auto-servernum --server-args='-screen 0 1280x800x24' $(BIN)/routineplayer

# pytest's own exit code is kept, so "no tests collected" (5) fails the build.
test: setup ## ruff check, then the whole pytest suite (PYTEST_ARGS='-x -k foo' to narrow)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup ## ruff check, ruff format --check, mypy --strict on core/
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

format: setup ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

bench: setup ## run every bench/bench_*.py and print its figures
	$(BIN)/python bench/run_all.py

screenshots: setup ## save screenshots of the app (scripts/screenshots.sh)
	@if [[ ! -f scripts/screenshots.sh ]]; then \
	    echo "make screenshots: scripts/screenshots.sh does not exist yet" >&2; exit 1; \
	fi
	bash scripts/screenshots.sh

package: setup ## build the installable app (packaging/build.sh)
	@if [[ ! -f packaging/build.sh ]]; then \
	    echo "make package: packaging/build.sh does not exist yet" >&2; exit 1; \
	fi
	bash packaging/build.sh

package-check: setup ## what CI runs after the tests: a clean bundle build and its frozen checks
	bash packaging/build.sh --clean

clean: ## remove build output and tool caches (keeps .venv)
	rm -rf build dist shots .pytest_cache .ruff_cache .mypy_cache .hypothesis src/*.egg-info
	find src tests bench -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## also remove .venv and the set-up stamps
	rm -rf .venv .stamp-*
