# make          set up .venv (if needed) and run every workbook in inputs/ into outputs/
# make install  set up .venv only (idempotent; fast when pyproject.toml has not changed)
# make test     run the test suite
# make lint     ruff, ruff format --check, mypy (planner and tests), import layers (lint-imports)
# make sample   rebuild the sample workbooks inputs/us_kei.xlsx and inputs/automaker_kei.xlsx
# make bench    benchmark: generated sizes + OR-Library capa/b/c, ours vs reference (BENCH_ARGS="--quick")
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
WORKBOOKS := $(filter-out inputs/~$$%,$(wildcard inputs/*.xlsx))

.PHONY: all run install test lint sample bench

all: run

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@status=0; for wb in $(WORKBOOKS); do \
		echo "== $$wb"; $(BIN)/planner run "$$wb" || status=$$?; \
	done; exit $$status

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check planner tests
	$(BIN)/ruff format --check planner tests
	$(BIN)/mypy
	$(BIN)/lint-imports

sample: $(STAMP)
	$(BIN)/python -m planner.sample.build_us_kei inputs/us_kei.xlsx
	$(BIN)/python -m planner.sample.build_automaker_kei inputs/automaker_kei.xlsx

bench: $(STAMP)
	$(BIN)/python -m planner.bench $(BENCH_ARGS)
