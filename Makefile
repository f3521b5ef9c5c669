# The two set-up commands of the README: `make run` and `make test`.
# Both install the versions pinned in constraints.txt (what CI tested); `make lock` refreshes it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_INSTALL := -m pip install --quiet --disable-pip-version-check
# Test processes (pytest-xdist); 0 runs the suite in one process.
JOBS ?= 2

.PHONY: run test bench demo lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-%: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python $(PIP_INSTALL) -c constraints.txt -e '.[$*]'
	touch $@

run: $(VENV)/.installed-postgres
	$(BIN)/station

test: $(VENV)/.installed-test,postgres
	$(BIN)/ruff check station tests benchmarks
	$(BIN)/ruff format --check station tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n $(JOBS)

# County section size: BENCH_COUNTY="--stations 10 --rows 1000" for a quick run.
BENCH_COUNTY ?=
bench: $(VENV)/.installed-test,postgres
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/county.py $(BENCH_COUNTY)

demo: $(VENV)/.installed-postgres
	$(BIN)/station demo

# Resolve the newest allowed versions in a scratch venv and pin them all (then run `make test`).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python $(PIP_INSTALL) -e '.[test,postgres]'
	( echo "# Pinned by 'make lock' from pyproject.toml; 'make run'/'make test' install with -c constraints.txt."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check ) > constraints.txt
	rm -rf .lock-venv
	@echo "constraints.txt refreshed: review the diff, run 'make test', commit it."

clean:
	rm -rf $(VENV) build *.egg-info
