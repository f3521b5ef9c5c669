# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[$*]'
	touch $@

run: $(VENV)/.installed-postgres
	$(BIN)/station

test: $(VENV)/.installed-test,postgres
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test,postgres
	$(BIN)/python benchmarks/run.py

demo: $(VENV)/.installed-postgres
	$(BIN)/station demo

clean:
	rm -rf $(VENV) build *.egg-info
