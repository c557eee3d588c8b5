# pagesieve — the two quick-start commands are `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
EXTRAS := batch,spark,serve,export,peers,dev

.PHONY: install bytecode demo test lint typecheck model evaluate bench clean-venv help

help:
	@echo "make demo      install and classify the demo page with the shipped model"
	@echo "make test      install and run ruff, mypy and the test suite"
	@echo "make model     retrain models/pagesieve.joblib from $(SHARED)/data (fixed seed)"
	@echo "make evaluate  evaluate against the peers, split by site (reports/)"
	@echo "make bench     throughput and latency benchmarks against the peers"

$(STAMP): pyproject.toml setup.py $(wildcard src/pagesieve/*.pyx src/pagesieve/*.pxi)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -e ".[$(EXTRAS)]"
	$(MAKE) --no-print-directory bytecode
	touch $(STAMP)

# An editable install writes no bytecode, and with PYTHONDONTWRITEBYTECODE=1 (set on our
# machines) neither does any run: every process would compile the sources again (~70 ms of each
# `pagesieve clean` start-up). Incremental: only new or edited modules are compiled.
bytecode:
	$(BIN)/python -m compileall -q src/pagesieve

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/pagesieve classify data/demo-page.html --format table
	@echo
	@echo "Kept text (content only):"
	$(BIN)/pagesieve classify data/demo-page.html --format text

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) lint typecheck
	$(BIN)/pytest -q --timeout=900

model: $(STAMP)
	$(BIN)/pagesieve train --shared $(SHARED)/data -o models/pagesieve.joblib --seed 0 --report reports/training.json

evaluate: $(STAMP)
	$(BIN)/pagesieve evaluate $(SHARED)/data --report reports/evaluation.json

bench: $(STAMP) bytecode
	$(BIN)/python bench/bench_classify.py
	$(BIN)/python bench/bench_clean.py
	$(BIN)/python bench/bench_service.py

clean-venv:
	rm -rf $(VENV)
