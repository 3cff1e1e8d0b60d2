# Two commands for a fresh machine (see README.md):
#   make run    installs everything and opens Brugmeter on your default database
#   make test   installs everything and runs the whole test suite (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: run test lint benchmark demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

run: $(BIN)/python
	scripts/install-system-deps.sh app
	$(BIN)/pip install -q -e .
	$(BIN)/brugmeter

test: $(BIN)/python
	scripts/install-system-deps.sh test
	$(BIN)/pip install -q -e ".[test]"
	$(BIN)/ruff check desktop reports tests
	BRUGMETER_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -q

demo: $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/brugmeter demo

benchmark: $(BIN)/python
	scripts/install-system-deps.sh test
	$(BIN)/pip install -q -e ".[test]"
	$(BIN)/python tests/benchmarks/run.py
