# Everyday commands. `make run` and `make test` are the whole Quick start: each first runs
# scripts/bootstrap.sh (system packages + .venv), which is quick once everything is there.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
BIN := .venv/bin
LINT_PATHS := src tests bench
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help setup run run-xvfb test test-latest lint format bench bench-smoke lock \
	screenshots package package-check clean distclean

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

# The suite against the newest releases pyproject.toml's ranges allow, in a venv of its own
# (.venv-latest, made anew each time), to show tomorrow's breakage today. Not run by CI:
# it reports what PyPI serves today, which no commit of ours controls.
test-latest: setup ## the suite against the newest versions pyproject.toml allows (not the lock)
	rm -rf .venv-latest
	python3 -m venv .venv-latest
	.venv-latest/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
	.venv-latest/bin/python -m pip install --disable-pip-version-check -q \
	    --upgrade --upgrade-strategy eager -e '.[test,dev]'
	@.venv-latest/bin/python scripts/compare_to_lock.py requirements.lock
	.venv-latest/bin/ruff check $(LINT_PATHS)
	.venv-latest/bin/pytest $(PYTEST_ARGS)

# Keeps every pin the lock has that pyproject.toml still allows (adding or dropping only what
# changed there); UPGRADE=1 moves every package to the newest release allowed. The lock is for
# the machines we build and test on: CPython 3.11 on x86_64 Linux with glibc 2.36 (Debian 12).
lock: setup ## rewrite requirements.lock from pyproject.toml (UPGRADE=1: newest allowed)
	$(BIN)/uv pip compile pyproject.toml --all-extras --generate-hashes \
	    --python-version 3.11 --python-platform x86_64-manylinux_2_36 \
	    $(if $(UPGRADE),--upgrade) --output-file requirements.lock
	@echo "Now run make setup (it rebuilds .venv from the new lock) and make test."

lint: setup ## ruff check, ruff format --check, mypy --strict on the whole package
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

format: setup ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

bench: setup ## run every bench/bench_*.py and print its figures
	$(BIN)/python bench/run_all.py

# What CI runs: every benchmark with a short workload, so none can rot unnoticed. It fails
# when one crashes or leaves out a figure, and checks no target (shared machines' timings).
bench-smoke: setup ## every benchmark in its short mode (seconds each); fails on a crash or a missing figure
	$(BIN)/python bench/run_all.py --short

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
	rm -rf .venv .venv-latest .stamp-*
